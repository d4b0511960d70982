import { describe, expect, it } from 'vitest';
import { type FitOptions, NodeRuntimeError, createTextClassifier, createTrainingWorkers, initBackend } from '../src/index.js';

// The workers run the built `dist/training-worker.js` (turbo builds the package before its tests).

function dataset(n: number): Array<{ text: string; label: string }> {
  const words = { pos: ['great', 'lovely', 'superb'], neg: ['awful', 'dull', 'poor'] };
  return Array.from({ length: n }, (_, i) => {
    const label = i % 2 === 0 ? 'pos' : 'neg';
    return { text: `the film was ${words[label][i % 3]} ${'and long '.repeat(i % 4)} ${i % 7 === 0 ? 'but' : ''}`, label };
  });
}

async function train(architecture: 'lstm' | 'cnn', extra: FitOptions = {}) {
  const clf = createTextClassifier({ architecture, embeddingDim: 8, units: 8, vocabSize: 200, dropout: 0.1 });
  const result = await clf.fit(dataset(240), { epochs: 3, batchSize: 32, seed: 4, ...extra });
  const weights = clf.model!.weights.map((w) => Array.from(w.read().dataSync()));
  clf.dispose();
  return { result, weights };
}

describe('createTrainingWorkers', () => {
  it('trains on two threads: the same model from the same seed, and as good as one thread', async () => {
    await initBackend({ backend: 'wasm', job: 'train' });
    const workers = await createTrainingWorkers({ threads: 2 });
    try {
      expect(workers.size).toBe(1);
      expect(workers.threads).toBe(2);
      expect(workers.backend).toBe('wasm');
      for (const architecture of ['lstm', 'cnn'] as const) {
        const a = await train(architecture, { gradientWorkers: workers });
        const b = await train(architecture, { gradientWorkers: workers });
        expect(b.weights).toEqual(a.weights);
        const single = await train(architecture);
        // A different thread count: a slightly different model (another summation order), as good.
        expect(a.weights).not.toEqual(single.weights);
        expect(a.result.validation!.accuracy).toBeGreaterThanOrEqual(single.result.validation!.accuracy - 0.1);
        expect(a.result.history.at(-1)!.loss).toBeLessThan(a.result.history[0]!.loss);
      }
    } finally {
      await workers.close();
    }
  });

  it('trains on three threads (two workers, each sent arrays of its own), the same model from the same seed', async () => {
    await initBackend({ backend: 'wasm', job: 'train' });
    const workers = await createTrainingWorkers({ threads: 3 });
    try {
      expect(workers.size).toBe(2);
      for (const architecture of ['lstm', 'cnn'] as const) {
        const a = await train(architecture, { gradientWorkers: workers });
        const b = await train(architecture, { gradientWorkers: workers });
        expect(b.weights).toEqual(a.weights);
        expect(a.result.history.at(-1)!.loss).toBeLessThan(a.result.history[0]!.loss);
      }
    } finally {
      await workers.close();
    }
  });

  it('with one thread trains exactly as without workers', async () => {
    await initBackend({ backend: 'wasm', job: 'train' });
    const workers = await createTrainingWorkers({ threads: 1 });
    expect(workers.size).toBe(0);
    const a = await train('lstm', { gradientWorkers: workers });
    const b = await train('lstm');
    expect(a.weights).toEqual(b.weights);
    await workers.close();
  });

  it('refuses a bad thread count, and a fit on closed workers fails with a clear error', async () => {
    await expect(createTrainingWorkers({ threads: 0 })).rejects.toThrow(NodeRuntimeError);
    await expect(createTrainingWorkers({ threads: 1.5 })).rejects.toThrow(/threads must be an integer from 1 to 256 \(got 1.5\)/);
    const workers = await createTrainingWorkers({ threads: 2, backend: 'wasm' });
    await workers.close();
    await workers.close();
    await expect(train('lstm', { gradientWorkers: workers })).rejects.toThrow(/the workers are closed/);
  });
});
