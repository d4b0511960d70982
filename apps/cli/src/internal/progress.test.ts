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
      'epoch 1/2  loss 0.6500  accuracy 0.5500  val_loss 0.6000  val_accuracy 0.7000  1.50s  80.0 samples/s',
      'epoch 2/2  loss 0.3500  accuracy 0.8500  val_loss 0.3000  val_accuracy 0.9000  1.25s  96.0 samples/s',
      'trained 2 epochs in 2.8s',
      '',
    ]);
  });

  it('says "1 epoch" and "1 batch" in the singular', () => {
    const { stream, text } = capture(false);
    const progress = createTrainingProgress({ stream, tty: false, colors: pc.createColors(false) });
    progress.handle({ type: 'start', epochs: 1, batchesPerEpoch: 1, trainSize: 10, validationSize: 0, labels: ['a', 'b'], vocabularySize: 9 });
    progress.handle({ type: 'end', epochsRun: 1, bestEpoch: 1, stoppedEarly: false, trainSeconds: 0.5 });
    progress.stop();
    expect(text()).toContain('; 1 epoch × 1 batch');
    expect(text()).toContain('trained 1 epoch in 0.5s');
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
    expect(output.trimEnd().endsWith('trained 2 epochs in 2.8s')).toBe(true);
  });
});
