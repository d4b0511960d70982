import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NodeRuntimeError,
  createPredictionPool,
  createTextClassifier,
  initBackend,
  loadBundle,
  readBundleFiles,
  saveBundle,
  setRelaxedSimd,
  usesRelaxedSimd,
} from '../src/index.js';
import { useTempDir } from './temp-dir.js';

// The pool's workers run the built `dist/prediction-worker.js` (turbo builds the package before its tests).

const tempDir = useTempDir();

function dataset(n: number): Array<{ text: string; label: string }> {
  const words = { pos: ['great', 'lovely', 'superb'], neg: ['awful', 'dull', 'poor'], mid: ['fine', 'okay', 'average'] };
  const labels = ['pos', 'neg', 'mid'] as const;
  return Array.from({ length: n }, (_, i) => {
    const label = labels[i % 3]!;
    return { text: `the film was ${words[label][i % 3]} ${'and long '.repeat(i % 5)}🎬`, label };
  });
}

/** Texts of very different lengths, incl. empty, Chinese and emoji, in a scrambled order. */
function texts(n: number): string[] {
  const base = [
    'the film was great',
    'dull and poor',
    '',
    '电影很好看 🙂',
    'fun fun fun',
    'okay '.repeat(40),
    'superb',
    'awful awful dull and the cast was poor too',
  ];
  return Array.from({ length: n }, (_, i) => `${base[(i * 7) % base.length]!} ${i % 11 === 0 ? 'lovely' : ''}`.trim());
}

let bundleDir = '';
let expected: (t: string[]) => Promise<Float32Array>;
let dispose: () => void = () => {};

describe('createPredictionPool', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', job: 'train' });
    const clf = createTextClassifier({ architecture: 'lstm', embeddingDim: 8, units: 8 });
    await clf.fit(dataset(150), { epochs: 2, seed: 3 });
    bundleDir = join(process.env.TMPDIR ?? '/tmp', `glossa-pool-${process.pid}`);
    await saveBundle(clf, bundleDir);
    clf.dispose();
    await initBackend({ backend: 'wasm' });
    const loaded = await loadBundle(bundleDir);
    expected = (t) => loaded.predictProbabilities(t);
    dispose = () => loaded.dispose();
  });
  afterAll(async () => {
    dispose();
    await rm(bundleDir, { recursive: true, force: true });
  });

  it('splits a large call over two workers and gives exactly the in-process scores, in order', async () => {
    const pool = await createPredictionPool(bundleDir, { threads: 2, backend: 'wasm' });
    try {
      expect(pool.threads).toBe(2);
      expect(pool.backend).toBe('wasm');
      expect(pool.labels).toEqual(['mid', 'neg', 'pos']);
      const input = texts(1000);
      const got = await pool.predictProbabilities(input);
      expect(Array.from(got)).toEqual(Array.from(await expected(input)));
      const predictions = await pool.predict(input.slice(0, 5));
      expect(predictions).toHaveLength(5);
      predictions.forEach((p) => {
        expect(pool.labels).toContain(p.label);
        expect(Object.values(p.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(p.scores[p.label]).toBe(Math.max(...Object.values(p.scores)));
      });
      expect(await pool.predict([])).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it("runs the parent's build of the kernels in its workers: after setRelaxedSimd(false), the plain build's scores", async () => {
    expect(usesRelaxedSimd()).toBe(true);
    // A model wide enough (32 units) for fused multiply-adds to change the scores' last bits.
    await initBackend({ backend: 'wasm', job: 'train' });
    const clf = createTextClassifier({ architecture: 'lstm', embeddingDim: 16, units: 32 });
    await clf.fit(dataset(150), { epochs: 2, seed: 4 });
    const dir = join(tempDir(), 'wide');
    await saveBundle(clf, dir);
    clf.dispose();
    const input = texts(300);
    const relaxedModel = await loadBundle(dir);
    const relaxed = await relaxedModel.predictProbabilities(input);
    relaxedModel.dispose();
    setRelaxedSimd(false);
    try {
      const plainModel = await loadBundle(dir);
      const plain = await plainModel.predictProbabilities(input);
      plainModel.dispose();
      expect(Array.from(plain)).not.toEqual(Array.from(relaxed));
      const pool = await createPredictionPool(dir, { threads: 2, backend: 'wasm' });
      try {
        expect(Array.from(await pool.predictProbabilities(input))).toEqual(Array.from(plain));
      } finally {
        await pool.close();
      }
    } finally {
      setRelaxedSimd(true);
    }
  });

  it('answers many concurrent small calls, each with its own scores, from bundle files already read', async () => {
    const pool = await createPredictionPool(await readBundleFiles(bundleDir), { threads: 2, backend: 'wasm' });
    try {
      const calls = Array.from({ length: 40 }, (_, i) => texts(1 + (i % 7)).map((t) => `${t} ${i}`));
      const results = await Promise.all(calls.map((c) => pool.predictProbabilities(c)));
      for (let i = 0; i < calls.length; i++) expect(Array.from(results[i]!)).toEqual(Array.from(await expected(calls[i]!)));
    } finally {
      await pool.close();
    }
  });

  it('rejects bad options, a missing bundle and calls after close() with clear errors', async () => {
    await expect(createPredictionPool(bundleDir, { threads: 0 })).rejects.toThrow(/threads must be an integer from 1 to 256 \(got 0\)/);
    await expect(createPredictionPool(bundleDir, { batchSize: 1.5 })).rejects.toThrow(NodeRuntimeError);
    await expect(createPredictionPool(join(tempDir(), 'nope'))).rejects.toThrow(/does not exist/);
    const pool = await createPredictionPool(bundleDir, { threads: 1, backend: 'cpu' });
    expect(pool.backend).toBe('cpu');
    await pool.close();
    await pool.close();
    await expect(pool.predict(['x'])).rejects.toThrow(/the pool is closed/);
  });
});
