import { memory, tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { CHECKPOINT_FILE_NAMES, deserializeCheckpoint, serializeCheckpoint, type TrainingCheckpoint } from './checkpoint.js';
import { BundleError, ModelCoreError } from './errors.js';
import { setFusedAdam } from './flags.js';
import type { TextClassifierOptions } from './options.js';
import { createTextClassifier, type TextClassifier } from './text-classifier.js';
import type { FitOptions, FitResult } from './types.js';

const data = syntheticSentiment(240, 5);
const probe = syntheticSentiment(40, 77).map((e) => e.text);
const small: TextClassifierOptions = { embeddingDim: 8, units: 8, vocabSize: 200, maxLength: 20 };
const fitOptions: FitOptions = { epochs: 4, batchSize: 16, seed: 11, earlyStopping: { patience: 3 } };

interface Run {
  weights: Float32Array[];
  probs: Float32Array;
  result: FitResult;
  checkpoints: TrainingCheckpoint[];
}

async function finish(clf: TextClassifier, result: FitResult, checkpoints: TrainingCheckpoint[]): Promise<Run> {
  const weights = clf.model!.weights.map((w) => (w.read().dataSync() as Float32Array).slice());
  const probs = await clf.predictProbabilities(probe);
  clf.dispose();
  return { weights, probs, result, checkpoints };
}

async function uninterrupted(options: TextClassifierOptions, fit: FitOptions = fitOptions): Promise<Run> {
  const clf = createTextClassifier(options);
  const checkpoints: TrainingCheckpoint[] = [];
  const result = await clf.fit(data, { ...fit, onCheckpoint: (c) => void checkpoints.push(c) });
  return finish(clf, result, checkpoints);
}

/** Aborts through an AbortSignal after `batch` batches of `epoch`, returning the checkpoint fit handed over. */
async function interrupted(options: TextClassifierOptions, epoch: number, batch: number): Promise<TrainingCheckpoint> {
  const clf = createTextClassifier(options);
  const controller = new AbortController();
  const checkpoints: TrainingCheckpoint[] = [];
  const promise = clf.fit(data, {
    ...fitOptions,
    signal: controller.signal,
    onCheckpoint: (c) => void checkpoints.push(c),
    onProgress: (e) => {
      if (e.type === 'batch' && e.epoch === epoch && e.batch === batch) controller.abort();
    },
  });
  await expect(promise).rejects.toMatchObject({ code: 'ABORTED', message: expect.stringMatching(/pass it as resumeFrom/) });
  expect(clf.isTrained).toBe(false);
  clf.dispose();
  const last = checkpoints.at(-1)!;
  expect(last.reason).toBe('interrupted');
  return last;
}

async function resumed(options: TextClassifierOptions, checkpoint: TrainingCheckpoint): Promise<Run> {
  // Through the serialised form, as a runtime would store it.
  const restored = deserializeCheckpoint(serializeCheckpoint(checkpoint));
  const clf = createTextClassifier(options);
  const checkpoints: TrainingCheckpoint[] = [];
  const result = await clf.fit(data, { ...fitOptions, resumeFrom: restored, onCheckpoint: (c) => void checkpoints.push(c) });
  return finish(clf, result, checkpoints);
}

function expectSameRun(actual: Run, expected: Run): void {
  expect(actual.weights.length).toBe(expected.weights.length);
  actual.weights.forEach((w, i) => {
    expect(w).toEqual(expected.weights[i]);
  });
  expect(actual.probs).toEqual(expected.probs);
  const strip = (r: FitResult) => r.history.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);
  expect(strip(actual.result)).toEqual(strip(expected.result));
  expect(actual.result.bestEpoch).toBe(expected.result.bestEpoch);
  expect(actual.result.validation).toEqual(expected.result.validation);
}

describe('TextClassifier.fit with checkpoints', () => {
  it('hands over one checkpoint per epoch with the full training state', async () => {
    const before = memory().numTensors;
    const run = await uninterrupted({ architecture: 'bow', ...small });
    expect(run.checkpoints.map((c) => [c.epoch, c.batch, c.reason])).toEqual([
      [1, 0, 'epoch'],
      [2, 0, 'epoch'],
      [3, 0, 'epoch'],
      [4, 0, 'epoch'],
    ]);
    const last = run.checkpoints.at(-1)!;
    expect(last.optimizer.iterations).toBe(4 * Math.ceil(216 / 16));
    expect(last.optimizer.firstMoments).toHaveLength(last.weights.length);
    expect(last.history).toHaveLength(4);
    expect(last.labels).toEqual(['negative', 'positive']);
    expect(last.fit).toMatchObject({ seed: 11, batchSize: 16, validation: { kind: 'split', fraction: 0.1 } });
    expect(memory().numTensors).toBe(before);
  });

  for (const [name, options] of [
    ['lstm with dropout', { architecture: 'lstm', dropout: 0.3, ...small }],
    ['cnn', { architecture: 'cnn', kernelSize: 3, ...small }],
    ['bigru', { architecture: 'bigru', ...small }],
    ['transformer with dropout', { architecture: 'transformer', dropout: 0.2, heads: 2, ...small }],
  ] as const) {
    it(`resumes a ${name} run aborted mid-epoch to bit-identical weights, history and predictions`, async () => {
      const before = memory().numTensors;
      const reference = await uninterrupted(options);
      const checkpoint = await interrupted(options, 2, 5);
      expect([checkpoint.epoch, checkpoint.batch]).toEqual([1, 5]);
      const continued = await resumed(options, checkpoint);
      expectSameRun(continued, reference);
      expect(continued.checkpoints.map((c) => c.epoch)).toEqual([2, 3, 4]);
      expect(memory().numTensors).toBe(before);
    });
  }

  it('resumes from an end-of-epoch checkpoint, also with early stopping and restored best weights', async () => {
    const options: TextClassifierOptions = { architecture: 'bow', ...small, learningRate: 0.05 };
    // Noisy labels make validation loss turn up, so early stopping and best-weight restoring take part.
    const noisy = data.map((e, i) => (i % 3 === 1 ? { ...e, label: e.label === 'positive' ? 'negative' : 'positive' } : e));
    const fit: FitOptions = { epochs: 12, batchSize: 16, seed: 3, earlyStopping: { patience: 2 } };
    const clf = createTextClassifier(options);
    const checkpoints: TrainingCheckpoint[] = [];
    const reference = await finish(clf, await clf.fit(noisy, { ...fit, onCheckpoint: (c) => void checkpoints.push(c) }), checkpoints);
    expect(reference.result.stoppedEarly).toBe(true);
    expect(reference.result.bestEpoch).toBeLessThan(reference.result.epochsRun);
    for (const checkpoint of [checkpoints[0]!, checkpoints.at(-2)!, checkpoints.at(-1)!]) {
      const again = createTextClassifier(options);
      const result = await again.fit(noisy, { ...fit, resumeFrom: deserializeCheckpoint(serializeCheckpoint(checkpoint)) });
      expectSameRun(await finish(again, result, []), reference);
    }
  });

  it('resumes a checkpoint of tfjs’s optimizer with the fused one, and the other way round, to the bits of an uninterrupted run', async () => {
    const before = memory().numTensors;
    const options: TextClassifierOptions = { architecture: 'lstm', dropout: 0.3, ...small };
    const withFusedAdam = async <T>(on: boolean, f: () => Promise<T>): Promise<T> => {
      setFusedAdam(on);
      try {
        return await f();
      } finally {
        setFusedAdam(true);
      }
    };
    const reference = await withFusedAdam(false, () => uninterrupted(options));
    for (const fusedFirst of [false, true]) {
      const checkpoint = await withFusedAdam(fusedFirst, () => interrupted(options, 2, 5));
      expectSameRun(await withFusedAdam(!fusedFirst, () => resumed(options, checkpoint)), reference);
    }
    expect(memory().numTensors).toBe(before);
  });

  it('refuses a checkpoint of another run, naming the differences', async () => {
    const options: TextClassifierOptions = { architecture: 'bow', ...small };
    const { checkpoints } = await uninterrupted(options, { ...fitOptions, epochs: 1 });
    const clf = createTextClassifier(options);
    const resumeFrom = checkpoints[0]!;
    await expect(clf.fit(data, { ...fitOptions, seed: 12, resumeFrom })).rejects.toThrow(/different training run \(seed: 11 in the checkpoint, 12 now\)/);
    await expect(clf.fit(data.slice(1), { ...fitOptions, resumeFrom })).rejects.toThrow(/training examples differ/);
    await expect(createTextClassifier({ ...options, embeddingDim: 4 }).fit(data, { ...fitOptions, resumeFrom })).rejects.toThrow(
      /option embeddingDim: 8 in the checkpoint, 4 now/,
    );
    await expect(clf.fit(data, { ...fitOptions, epochs: 1, batchSize: 8, resumeFrom })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    // A lower learning rate is allowed: it is the fix for a diverged run.
    const lower = createTextClassifier({ ...options, learningRate: 1e-4 });
    const result = await lower.fit(data, { ...fitOptions, epochs: 2, resumeFrom });
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2]);
    lower.dispose();
    clf.dispose();
  });
});

describe('TextClassifier.fit divergence', () => {
  it('stops at the first non-finite loss with TRAINING_DIVERGED naming epoch and batch, keeping the last good checkpoint', async () => {
    const before = memory().numTensors;
    const clf = createTextClassifier({ architecture: 'bow', ...small });
    const checkpoints: TrainingCheckpoint[] = [];
    let batches = 0;
    const promise = clf.fit(data, {
      ...fitOptions,
      onCheckpoint: (c) => void checkpoints.push(c),
      onProgress: (e) => {
        if (e.type === 'batch') batches++;
        // Poison one weight after batch 3 of epoch 2, as an exploding gradient would.
        if (e.type === 'batch' && e.epoch === 2 && e.batch === 3) {
          const w = clf.model!.getLayer('output').weights[0]!;
          const values = (w.read().dataSync() as Float32Array).slice();
          values[0] = Number.NaN;
          const poisoned = tensor(values, w.shape as number[]);
          w.write(poisoned);
          poisoned.dispose();
        }
      },
    });
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelCoreError);
    expect((error as ModelCoreError).code).toBe('TRAINING_DIVERGED');
    expect((error as Error).message).toMatch(
      /loss became NaN in epoch 2, batch 4 of 14: training diverged\. Lower the learning rate \(now 0\.001, e\.g\. to 0\.0001\)/,
    );
    expect((error as Error).message).toMatch(/weights after epoch 1 are in the last checkpoint/);
    expect(batches).toBe(14 + 3);
    expect(checkpoints.map((c) => c.epoch)).toEqual([1]);
    expect(checkpoints[0]!.weights.every((w) => w.values.every(Number.isFinite))).toBe(true);
    expect(clf.isTrained).toBe(false);
    await expect(clf.predict(['x'])).rejects.toMatchObject({ code: 'NOT_TRAINED' });
    clf.dispose();
    expect(memory().numTensors).toBe(before);
  });
});

describe('serializeCheckpoint / deserializeCheckpoint', () => {
  it('round-trips every field and refuses damaged files with a BundleError naming the problem', async () => {
    const { checkpoints } = await uninterrupted({ architecture: 'lstm', dropout: 0.2, ...small }, { ...fitOptions, epochs: 1 });
    const checkpoint = checkpoints[0]!;
    const files = serializeCheckpoint(checkpoint);
    expect(Object.keys(files).sort()).toEqual([CHECKPOINT_FILE_NAMES.state, CHECKPOINT_FILE_NAMES.preprocessing, CHECKPOINT_FILE_NAMES.tensors].sort());
    const back = deserializeCheckpoint(files);
    expect({ ...back, weights: back.weights.map((w) => ({ ...w, values: Array.from(w.values) })) }).toEqual({
      ...checkpoint,
      weights: checkpoint.weights.map((w) => ({ ...w, values: Array.from(w.values) })),
    });

    const broken = (patch: Record<string, Uint8Array | undefined>) => {
      const copy: Record<string, Uint8Array> = { ...files };
      for (const [name, bytes] of Object.entries(patch)) {
        if (bytes === undefined) delete copy[name];
        else copy[name] = bytes;
      }
      try {
        deserializeCheckpoint(copy);
      } catch (error) {
        expect(error).toBeInstanceOf(BundleError);
        return error as BundleError;
      }
      throw new Error('expected a BundleError');
    };
    const tensors = files[CHECKPOINT_FILE_NAMES.tensors]!;
    expect(broken({ [CHECKPOINT_FILE_NAMES.tensors]: tensors.subarray(0, tensors.length - 4) })).toMatchObject({
      code: 'BUNDLE_CORRUPT',
      message: expect.stringMatching(/truncated/),
    });
    const nan = tensors.slice();
    new DataView(nan.buffer).setFloat32(8, Number.NaN, true);
    expect(broken({ [CHECKPOINT_FILE_NAMES.tensors]: nan })).toMatchObject({
      code: 'BUNDLE_CORRUPT',
      message: expect.stringMatching(/non-finite value at index 2/),
    });
    expect(broken({ [CHECKPOINT_FILE_NAMES.state]: undefined })).toMatchObject({ code: 'BUNDLE_MISSING_FILE' });
    expect(broken({ [CHECKPOINT_FILE_NAMES.state]: new Uint8Array([0x7b, 0xff]) })).toMatchObject({ code: 'BUNDLE_CORRUPT' });
    const state = JSON.parse(new TextDecoder().decode(files[CHECKPOINT_FILE_NAMES.state]));
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    expect(broken({ [CHECKPOINT_FILE_NAMES.state]: encode({ ...state, formatVersion: 99 }) })).toMatchObject({
      code: 'BUNDLE_UNSUPPORTED_VERSION',
      message: expect.stringMatching(/format version 99/),
    });
    const invalid = broken({ [CHECKPOINT_FILE_NAMES.state]: encode({ ...state, epoch: -1, rng: { ...state.rng, words: [1, 2] } }) });
    expect(invalid.code).toBe('BUNDLE_INVALID');
    expect(invalid.problems.join('\n')).toMatch(/epoch/);
    expect(invalid.problems.join('\n')).toMatch(/rng\.words/);
  });
});
