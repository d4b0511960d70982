import { createRng } from '@glossa/math';
import { type Tensor, memory, tensor, tensor2d, tidy } from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { maxDiff } from '../../test/recurrent-fixtures.js';
import { setFusedLstm, setWasmKernels } from '../flags.js';
import { type TextClassifierOptions, resolveClassifierOptions } from '../options.js';
import { buildModel, initializeWeights } from './build-model.js';
import { createGruInference, type GruInferenceOptions } from './gru-inference.js';
import { createGruPredictor } from './gru-wasm.js';

const vocab = 300;
type Model = ReturnType<typeof buildModel>;

/** A gru model with seeded random weights (every weight, biases and initial state too). */
function randomModel(units: number, classes: number, extra: Partial<TextClassifierOptions> = {}): Model {
  const options = resolveClassifierOptions({ architecture: 'gru', embeddingDim: 12, units, vocabSize: vocab, ...extra });
  const model = buildModel(options, vocab, classes, 3);
  initializeWeights(model, createRng(11));
  const rng = createRng(5);
  reweigh(model, () => (rng.next() - 0.5) * 0.8);
  return model;
}

/** Assigns every weight of `model` the values `value(index)` (a new data id each: caches see the change). */
function reweigh(model: Model, value: (i: number) => number): void {
  for (const w of model.weights) {
    const values = tensor(
      Float32Array.from({ length: w.shape.reduce((a, b) => a! * b!, 1)! }, (_, i) => value(i)),
      w.shape as number[],
    );
    w.write(values);
    values.dispose();
  }
}

/** Rows of random lengths (one with a masked step inside, the last one empty), after `lead` pad steps. */
function idRows(rows: number, length: number, seed: number, lead: number): Int32Array {
  const rng = createRng(seed);
  const width = lead + length;
  const ids = new Int32Array(rows * width);
  for (let r = 0; r < rows - 1; r++) {
    const len = 1 + Math.floor(rng.next() * length);
    for (let t = 0; t < len; t++) ids[r * width + lead + t] = 1 + Math.floor(rng.next() * (vocab - 1));
  }
  if (rows > 2 && length > 3) ids[width + lead + 1] = 0;
  return ids;
}

/** The layers model's probabilities with the recurrence as plain tfjs ops. */
function layersProbabilities(model: Model, ids: Int32Array, rows: number): Float32Array {
  setFusedLstm(false);
  try {
    const out = tidy(() => model.apply(tensor2d(ids, [rows, ids.length / rows], 'int32')) as Tensor);
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values;
  } finally {
    setFusedLstm(true);
  }
}

describe('createGruInference', () => {
  afterEach(() => setWasmKernels(true));

  it('has the WebAssembly SIMD predictor on Node 20 (units a multiple of 4)', () => {
    expect(createGruPredictor(16)).toBeDefined();
    expect(createGruPredictor(6)).toBeUndefined();
  });

  const paths: Record<string, { wasm: boolean; options: GruInferenceOptions }> = {
    'WebAssembly predictor + projected table (default)': { wasm: true, options: {} },
    'no table (huge vocabulary), per-call kernel': { wasm: true, options: { maxTableBytes: 0 } },
    'JavaScript recurrence + table': { wasm: false, options: {} },
    'JavaScript recurrence, no table': { wasm: false, options: { maxTableBytes: 0 } },
  };
  for (const [name, { wasm, options }] of Object.entries(paths)) {
    it(`gives the layers model's probabilities to 1e-5 (learned, zero and padded initial states; 16 and 6 units): ${name}`, () => {
      setWasmKernels(wasm);
      for (const initialState of ['learned', 'zero', 'padded'] as const) {
        for (const [units, classes, dropout] of [
          [16, 2, 0],
          [6, 3, 0.3],
        ] as const) {
          const model = randomModel(units, classes, { initialState, dropout, maxLength: 12 });
          const fast = createGruInference(model, options)!;
          expect(fast).toBeDefined();
          // Padded: one leading pad step, as the classifier's batches have (rows longer than maxLength start from zero).
          const lead = initialState === 'padded' ? 1 : 0;
          for (const [rows, length, seed] of [
            [9, 7, 1],
            [33, 20, 2],
            [1, 2, 3],
          ] as const) {
            const ids = idRows(rows, length, seed, lead);
            expect(
              maxDiff(fast.run(ids, rows, lead + length)!, layersProbabilities(model, ids, rows)),
              `${initialState}, ${units} units, ${rows} × ${length}`,
            ).toBeLessThan(1e-5);
          }
          fast.dispose();
          model.dispose();
        }
      }
    });
  }

  it('follows weight changes (the cached table is rebuilt), leaks no tensors, and steps aside when the fused recurrences are off', () => {
    const model = randomModel(16, 2);
    const fast = createGruInference(model)!;
    const ids = idRows(12, 9, 6, 0);
    const before = memory().numTensors;
    const first = fast.run(ids, 12, 9)!;
    reweigh(model, (i) => Math.sin(i) * 0.3);
    const second = fast.run(ids, 12, 9)!;
    expect(maxDiff(first, second)).toBeGreaterThan(1e-3);
    expect(maxDiff(second, layersProbabilities(model, ids, 12))).toBeLessThan(1e-5);
    expect(memory().numTensors).toBe(before);
    setFusedLstm(false);
    expect(fast.run(ids, 12, 9)).toBeUndefined();
    setFusedLstm(true);
    fast.dispose();
    model.dispose();
  });

  it('is not used for bigru or other architectures', () => {
    for (const architecture of ['bigru', 'lstm'] as const) {
      const model = buildModel(resolveClassifierOptions({ architecture, embeddingDim: 8, units: 8, vocabSize: vocab }), vocab, 2, 1);
      expect(createGruInference(model)).toBeUndefined();
      model.dispose();
    }
  });
});
