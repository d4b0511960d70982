import { PassThrough } from 'node:stream';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { TrainingEvent } from '../runtime.js';
import { createTrainingProgress } from './progress.js';

const EVENTS: TrainingEvent[] = [
  { type: 'start', epochs: 2, batchesPerEpoch: 2, trainSize: 120, validationSize: 12, labels: ['a', 'b'], vocabularySize: 50 },
  { type: 'batch', epoch: 1, batch: 1, batchesPerEpoch: 2, loss: 0.7, accuracy: 0.5 },
  { type: 'batch', epoch: 1, batch: 2, batchesPerEpoch: 2, loss: 0.6, accuracy: 0.6 },
  { type: 'epoch', epoch: 1, epochs: 2, loss: 0.65, accuracy: 0.55, valLoss: 0.6, valAccuracy: 0.7, seconds: 1.5, samplesPerSecond: 80 },
  { type: 'batch', epoch: 2, batch: 1, batchesPerEpoch: 2, loss: 0.4, accuracy: 0.8 },
  { type: 'batch', epoch: 2, batch: 2, batchesPerEpoch: 2, loss: 0.3, accuracy: 0.9 },
  { type: 'epoch', epoch: 2, epochs: 2, loss: 0.35, accuracy: 0.85, valLoss: 0.3, valAccuracy: 0.9, seconds: 1.25, samplesPerSecond: 96 },
  { type: 'end', epochsRun: 2, bestEpoch: 2, stoppedEarly: false, trainSeconds: 2.75 },
];

function capture(tty: boolean): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  Object.assign(stream, { isTTY: tty, columns: 120, rows: 40, cursorTo() {}, moveCursor() {}, clearLine() {}, clearScreenDown() {} });
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, text: () => text };
}

describe('createTrainingProgress', () => {
  it('writes one plain line per epoch when not on a terminal', () => {
    const { stream, text } = capture(false);
    const progress = createTrainingProgress({ stream, tty: false, colors: pc.createColors(false) });
    for (const event of EVENTS) progress.handle(event);
    progress.stop();
    expect(text().split('\n')).toEqual([
      'training on 120 examples, 12 for validation; 2 labels, vocabulary 50; 2 epochs × 2 batches',
      'epoch 1/2  loss 0.6500  accuracy 0.5500  val_loss 0.6000  val_accuracy 0.7000  1.50s  80.0 samples/s  ETA 1.50s',
      'epoch 2/2  loss 0.3500  accuracy 0.8500  val_loss 0.3000  val_accuracy 0.9000  1.25s  96.0 samples/s',
      '',
    ]);
  });

  it('says which epoch was kept when it was not the last, with thousands separators in counts', () => {
    const { stream, text } = capture(false);
    const progress = createTrainingProgress({ stream, tty: false, colors: pc.createColors(false) });
    progress.handle({ type: 'start', epochs: 5, batchesPerEpoch: 70, trainSize: 4837, validationSize: 538, labels: ['a', 'b'], vocabularySize: 20000 });
    for (let epoch = 1; epoch <= 4; epoch++) {
      progress.handle({ type: 'epoch', epoch, epochs: 5, loss: 0.5, accuracy: 0.8, valLoss: 0.4, valAccuracy: 0.8, seconds: 10, samplesPerSecond: 480 });
    }
    progress.handle({ type: 'end', epochsRun: 4, bestEpoch: 2, stoppedEarly: true, trainSeconds: 40 });
    progress.stop();
    const lines = text().split('\n');
    expect(lines[0]).toBe('training on 4,837 examples, 538 for validation; 2 labels, vocabulary 20,000; 5 epochs × 70 batches');
    expect(lines[1]).toMatch(/ETA 40\.0s$/);
    expect(lines[4]).toMatch(/ETA 10\.0s$/);
    expect(lines[5]).toBe('best epoch 2 of 4 kept (lowest validation loss; the metrics below are its); stopped early');
  });

  it('says "1 epoch" and "1 batch" in the singular', () => {
    const { stream, text } = capture(false);
    const progress = createTrainingProgress({ stream, tty: false, colors: pc.createColors(false) });
    progress.handle({ type: 'start', epochs: 1, batchesPerEpoch: 1, trainSize: 10, validationSize: 0, labels: ['a', 'b'], vocabularySize: 9 });
    progress.handle({ type: 'end', epochsRun: 1, bestEpoch: 1, stoppedEarly: false, trainSeconds: 0.5 });
    progress.stop();
    expect(text()).toContain('; 1 epoch × 1 batch');
    // The command prints the time itself: the progress does not say it twice.
    expect(text()).not.toContain('trained');
  });

  it('draws bars on a terminal and keeps every epoch line after the bars are cleared', () => {
    const { stream, text } = capture(true);
    const progress = createTrainingProgress({ stream, tty: true, colors: pc.createColors(false) });
    for (const event of EVENTS) progress.handle(event);
    progress.stop();
    const output = text();
    expect(output).toContain('batches');
    expect(output).toContain('epochs');
    expect(output).toContain('epoch 1/2  loss 0.6500');
    expect(output).toContain('epoch 2/2  loss 0.3500');
    // The last epoch was the best: nothing to add after the bars (the command prints time and rate).
    expect(output).not.toContain('trained');
    expect(output).not.toContain('best epoch');
  });
});
