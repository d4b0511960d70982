import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRng } from '@glossa/math';
import { type Tensor, memory, tensor, tensor2d, tidy } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resolveClassifierOptions } from '../options.js';
import { buildModel, initializeWeights } from './build-model.js';
import { setFusedLstm } from '../flags.js';
import { createBowInference } from './bow-inference.js';
import { createLstmInference, type LstmInferenceOptions } from './lstm-inference.js';
import { createLstmKernel } from './lstm-wasm.js';

const vocab = 300;

/** An lstm model with seeded random weights (biases too, so every term matters). */
function randomModel(units: number, classes: number, dropout = 0, padded?: { maxLength: number }) {
  const options = resolveClassifierOptions({
    architecture: 'lstm',
    embeddingDim: 12,
    units,
    vocabSize: vocab,
    dropout,
    ...(padded ? { initialState: 'padded', maxLength: padded.maxLength } : {}),
  });
  const model = buildModel(options, vocab, classes, 3);
  initializeWeights(model, createRng(11));
  const rng = createRng(5);
  setAll(model, () => (rng.next() - 0.5) * 0.8);
  return model;
}

/** Sets every weight of `model` to values from `value(index)`. */
function setAll(model: ReturnType<typeof buildModel>, value: (i: number) => number): void {
  const fresh = model.weights.map((w) =>
    tensor(
      Float32Array.from({ length: w.shape.reduce((a, b) => a! * b!, 1)! }, (_, i) => value(i)),
      w.shape as number[],
    ),
  );
  model.setWeights(fresh);
  for (const t of fresh) t.dispose();
}

/** Post-padded rows of assorted lengths, plus a row with a hole and an all-padding row. */
function batch(rows: number, length: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const ids = new Int32Array(rows * length);
  for (let r = 0; r < rows; r++) {
    const len = r === rows - 1 ? 0 : 1 + Math.floor(rng.next() * length);
    for (let t = 0; t < len; t++) ids[r * length + t] = 1 + Math.floor(rng.next() * (vocab - 1));
  }
  if (rows > 2 && length > 3) ids[length + 1] = 0; // a masked step in the middle of row 1
  return ids;
}

/** Probabilities through tfjs-layers with the recurrence as plain tfjs ops (the reference). */
function reference(model: ReturnType<typeof randomModel>, ids: Int32Array, rows: number, length: number): Float32Array {
  setFusedLstm(false);
  try {
    const out = tidy(() => model.apply(tensor2d(ids, [rows, length], 'int32')) as Tensor);
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values;
  } finally {
    setFusedLstm(true);
  }
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const paths: Record<string, LstmInferenceOptions> = {
  'WebAssembly kernel + projected table (default)': {},
  'WebAssembly kernel, no table (huge vocabulary)': { maxTableBytes: 0 },
  'JavaScript recurrence + table': { wasm: false },
  'JavaScript recurrence, no table': { wasm: false, maxTableBytes: 0 },
};

describe('createLstmInference', () => {
  it('has the WebAssembly SIMD kernel on Node 20', () => {
    expect(createLstmKernel(16)).toBeDefined();
    expect(createLstmKernel(6)).toBeUndefined(); // units must be a multiple of 4
  });

  for (const [name, options] of Object.entries(paths)) {
    it(`gives the layers model's probabilities: ${name}`, () => {
      for (const [units, classes, dropout] of [
        [16, 2, 0],
        [8, 3, 0.3],
      ] as const) {
        const model = randomModel(units, classes, dropout);
        const fast = createLstmInference(model, options)!;
        expect(fast).toBeDefined();
        for (const [rows, length, seed] of [
          [9, 7, 1],
          [33, 20, 2],
          [1, 2, 3],
        ] as const) {
          const ids = batch(rows, length, seed);
          const got = fast.run(ids, rows, length)!;
          expect(maxDiff(got, reference(model, ids, rows, length))).toBeLessThan(2e-6);
        }
        fast.dispose();
        model.dispose();
      }
    });
  }

  for (const [name, options] of Object.entries(paths)) {
    it(`gives the layers model's probabilities with initialState padded (each row from its step of the pad trajectory): ${name}`, () => {
      for (const [units, maxLength] of [
        [16, 12],
        [6, 30],
      ] as const) {
        const model = randomModel(units, 2, 0, { maxLength });
        const fast = createLstmInference(model, options)!;
        for (const [rows, length, seed] of [
          [9, 7, 1],
          [33, 20, 2],
        ] as const) {
          // One leading pad step, as the classifier's batches have (rows longer than maxLength start from zero).
          const body = batch(rows, length, seed);
          const ids = new Int32Array(rows * (length + 1));
          for (let r = 0; r < rows; r++) ids.set(body.subarray(r * length, (r + 1) * length), r * (length + 1) + 1);
          expect(maxDiff(fast.run(ids, rows, length + 1)!, reference(model, ids, rows, length + 1))).toBeLessThan(2e-6);
        }
        fast.dispose();
        model.dispose();
      }
    });
  }

  it('falls back to JavaScript for units not a multiple of 4, with the same results', () => {
    const model = randomModel(6, 2);
    const ids = batch(10, 8, 4);
    expect(maxDiff(createLstmInference(model)!.run(ids, 10, 8)!, reference(model, ids, 10, 8))).toBeLessThan(2e-6);
    model.dispose();
  });

  it('follows weight changes (the cached table is rebuilt) and leaks no tensors', () => {
    const model = randomModel(16, 2);
    const fast = createLstmInference(model)!;
    const ids = batch(12, 9, 6);
    const before = memory().numTensors;
    const first = fast.run(ids, 12, 9)!;
    setAll(model, (i) => Math.sin(i) * 0.3);
    const second = fast.run(ids, 12, 9)!;
    expect(maxDiff(first, second)).toBeGreaterThan(1e-3);
    expect(maxDiff(second, reference(model, ids, 12, 9))).toBeLessThan(2e-6);
    expect(memory().numTensors).toBe(before);
    fast.dispose();
    model.dispose();
  });

  it('is not used for other architectures', () => {
    const model = buildModel(resolveClassifierOptions({ architecture: 'bow', embeddingDim: 8, vocabSize: vocab }), vocab, 2, 1);
    expect(createLstmInference(model)).toBeUndefined();
    model.dispose();
  });
});

describe('createBowInference', () => {
  it("gives the layers model's probabilities (masked mean, empty rows, dropout, 2 and 3 classes) and follows weight changes", () => {
    for (const [classes, dropout] of [
      [2, 0],
      [3, 0.4],
    ] as const) {
      const options = resolveClassifierOptions({ architecture: 'bow', embeddingDim: 12, vocabSize: vocab, dropout });
      const model = buildModel(options, vocab, classes, 3);
      const rng = createRng(8);
      setAll(model, () => (rng.next() - 0.5) * 0.8);
      const fast = createBowInference(model)!;
      expect(fast).toBeDefined();
      for (const [rows, length, seed] of [
        [9, 7, 1],
        [40, 30, 2],
      ] as const) {
        const ids = batch(rows, length, seed);
        expect(maxDiff(fast.run(ids, rows, length)!, reference(model, ids, rows, length))).toBeLessThan(2e-6);
      }
      setAll(model, (i) => Math.cos(i) * 0.2);
      const ids = batch(12, 9, 6);
      expect(maxDiff(fast.run(ids, 12, 9)!, reference(model, ids, 12, 9))).toBeLessThan(2e-6);
      const lstm = randomModel(8, 2);
      expect(createBowInference(lstm)).toBeUndefined();
      lstm.dispose();
      fast.dispose();
      model.dispose();
    }
  });

  it('ships a kernel built from assembly/lstm.ts (the generated module is current)', () => {
    const script = fileURLToPath(new URL('../../scripts/build-wasm.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
