import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRng } from '@glossa/math';
import { type Tensor, memory, mul, profile, setBackend, tensor, tensor2d, tidy } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { CNN_ARCHITECTURE } from '../architectures/cnn.js';
import { deserializeBundle, serializeBundle } from '../bundle.js';
import { setWasmKernels } from '../flags.js';
import { onWasmBackend, useWasmBackend } from '../../test/wasm-backend.js';
import { type ResolvedClassifierOptions, resolveClassifierOptions } from '../options.js';
import { createTextClassifier } from '../text-classifier.js';
import { padBatch } from './batching.js';
import { buildModel, initializeWeights } from './build-model.js';
import { type CnnInferenceOptions, cnnFastRows, createCnnInference } from './cnn-inference.js';

const vocab = 300;
type InitialState = ResolvedClassifierOptions['initialState'];
const MODES: InitialState[] = ['learned', 'zero', 'padded'];

/** A cnn model with seeded random weights (biases and the pad embedding too, so every term matters). */
function randomModel(initialState: InitialState, kernelSize: number, units: number, classes = 3) {
  const options = resolveClassifierOptions({ architecture: 'cnn', embeddingDim: 12, units, kernelSize, vocabSize: vocab, initialState, dropout: 0.2 });
  const model = buildModel(options, vocab, classes, 3);
  initializeWeights(model, createRng(11));
  const rng = createRng(5);
  const fresh = model.weights.map((w) =>
    tensor(
      Float32Array.from({ length: w.shape.reduce((a, b) => a! * b!, 1)! }, () => (rng.next() - 0.5) * 0.8),
      w.shape as number[],
    ),
  );
  model.setWeights(fresh);
  for (const t of fresh) t.dispose();
  return { model, options };
}

/** Texts of assorted lengths: empty, shorter than the kernel, exactly the kernel, long. */
function sequences(count: number, seed: number, longest: number): Int32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i) => {
    const len = i < 4 ? i : Math.floor(rng.next() * (longest + 1));
    return Int32Array.from({ length: len }, () => 1 + Math.floor(rng.next() * (vocab - 1)));
  });
}

/** One batch of `seqs` padded as the classifier pads it for `options`. */
function padded(seqs: readonly Int32Array[], options: ResolvedClassifierOptions) {
  const rows = Int32Array.from(seqs.keys());
  const { ids, length } = padBatch(seqs, rows, CNN_ARCHITECTURE.extraPadding(options), CNN_ARCHITECTURE.minLength, CNN_ARCHITECTURE.leadingPadding!(options));
  return { ids, rows: rows.length, length };
}

function reference(model: ReturnType<typeof randomModel>['model'], ids: Int32Array, rows: number, length: number): Float32Array {
  const out = tidy(() => model.apply(tensor2d(ids, [rows, length], 'int32')) as Tensor);
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}

function maxAbs(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const PATHS: Array<[string, CnnInferenceOptions]> = [
  ['wasm kernel', {}],
  ['JavaScript, whole-vocabulary table', { wasm: false }],
  ['JavaScript, table per batch', { maxTableBytes: 0 }],
];

describe('createCnnInference', () => {
  for (const mode of MODES) {
    for (const [k, units] of [
      [3, 6],
      [5, 21],
      [1, 16],
    ] as const) {
      it(`equals the layers model (initialState ${mode}, kernel ${k}, ${units} filters) on every path`, () => {
        const { model, options } = randomModel(mode, k, units);
        for (const [, pathOptions] of PATHS) {
          const fast = createCnnInference(model, pathOptions)!;
          for (const seed of [1, 2, 3]) {
            const { ids, rows, length } = padded(sequences(9, seed, 14), options);
            expect(maxAbs(fast.run(ids, rows, length)!, reference(model, ids, rows, length))).toBeLessThan(1e-5);
          }
          // A lone empty text, a lone text shorter than the kernel.
          for (const seqs of [[new Int32Array(0)], [Int32Array.of(7)]]) {
            const { ids, rows, length } = padded(seqs, options);
            expect(maxAbs(fast.run(ids, rows, length)!, reference(model, ids, rows, length))).toBeLessThan(1e-5);
          }
          fast.dispose();
        }
        model.dispose();
      });
    }
  }

  it('keeps the layers mask for any id matrix (a padding id inside a text) and follows weight changes', () => {
    for (const mode of MODES) {
      const { model, options } = randomModel(mode, 3, 8);
      const fast = createCnnInference(model)!;
      const { ids, rows, length } = padded(sequences(6, 9, 10), options);
      for (let r = 0; r < rows; r++) ids[r * length + Math.floor(length / 2)] = 0;
      expect(maxAbs(fast.run(ids, rows, length)!, reference(model, ids, rows, length))).toBeLessThan(1e-5);
      const doubled = model.getWeights().map((w) => mul(w, 2));
      model.setWeights(doubled);
      for (const t of doubled) t.dispose();
      expect(maxAbs(fast.run(ids, rows, length)!, reference(model, ids, rows, length))).toBeLessThan(1e-5);
      fast.dispose();
      model.dispose();
    }
  });

  it('uses the JavaScript path with the WebAssembly kernels switched off, with the same results', () => {
    const { model, options } = randomModel('learned', 4, 10);
    const fast = createCnnInference(model)!;
    const { ids, rows, length } = padded(sequences(12, 4, 20), options);
    const withWasm = fast.run(ids, rows, length)!;
    setWasmKernels(false);
    try {
      expect(maxAbs(fast.run(ids, rows, length)!, withWasm)).toBeLessThan(1e-6);
    } finally {
      setWasmKernels(true);
    }
    fast.dispose();
    model.dispose();
  });

  it('does not leak tensors, and declines other models and matrices shorter than the kernel', () => {
    const { model, options } = randomModel('zero', 3, 8);
    const before = memory().numTensors;
    for (const pathOptions of [{}, { maxTableBytes: 0 }]) {
      const fast = createCnnInference(model, pathOptions)!;
      const { ids, rows, length } = padded(sequences(5, 1, 8), options);
      fast.run(ids, rows, length);
      fast.run(ids, rows, length);
      expect(fast.run(new Int32Array(2), 1, 2)).toBeUndefined();
      fast.dispose();
    }
    expect(memory().numTensors).toBe(before);
    const lstm = buildModel(resolveClassifierOptions({ architecture: 'lstm', embeddingDim: 4, units: 4, vocabSize: vocab }), vocab, 2, 1);
    expect(createCnnInference(lstm)).toBeUndefined();
    lstm.dispose();
    model.dispose();
  });
});

describe("createCnnInference on tfjs-wasm's memory", () => {
  onWasmBackend();

  it('makes the table once per set of weights', async () => {
    const { model, options } = randomModel('zero', 3, 8);
    const fast = createCnnInference(model)!;
    const { ids, rows, length } = padded(sequences(5, 6, 12), options);
    const products = async () => (await profile(() => void fast.run(ids, rows, length))).kernels.filter((k) => k.name === 'BatchMatMul').length;
    expect(await products()).toBe(1);
    expect(await products()).toBe(0);
    expect(await products()).toBe(0);
    fast.dispose();
    model.dispose();
  });

  it('keeps the table in a tensor there (filters a multiple of 4) and equals the layers model, following weight changes', () => {
    for (const mode of MODES) {
      for (const [k, units, onHeap] of [
        [3, 8, true],
        [5, 21, false],
      ] as const) {
        const { model, options } = randomModel(mode, k, units);
        const before = memory().numTensors;
        const fast = createCnnInference(model)!;
        const { ids, rows, length } = padded(sequences(9, 3, 14), options);
        expect(maxAbs(fast.run(ids, rows, length)!, reference(model, ids, rows, length))).toBeLessThan(1e-5);
        // The table is a tensor in tfjs-wasm's memory while the weights last (else the kernel's own memory holds it).
        expect(memory().numTensors).toBe(before + (onHeap ? 1 : 0));
        const doubled = model.getWeights().map((w) => mul(w, 2));
        model.setWeights(doubled);
        for (const t of doubled) t.dispose();
        expect(maxAbs(fast.run(ids, rows, length)!, reference(model, ids, rows, length))).toBeLessThan(1e-5);
        expect(memory().numTensors).toBe(before + (onHeap ? 1 : 0));
        fast.dispose();
        expect(memory().numTensors).toBe(before);
        model.dispose();
      }
    }
  });

  it('makes the table again when the backend changes', async () => {
    const { model, options } = randomModel('learned', 3, 8);
    const fast = createCnnInference(model)!;
    const { ids, rows, length } = padded(sequences(7, 2, 12), options);
    const onWasm = fast.run(ids, rows, length)!;
    await setBackend('cpu');
    try {
      expect(maxAbs(fast.run(ids, rows, length)!, onWasm)).toBeLessThan(1e-6);
    } finally {
      expect(await useWasmBackend()).toBe(true);
    }
    expect(maxAbs(fast.run(ids, rows, length)!, onWasm)).toBeLessThan(1e-6);
    fast.dispose();
    model.dispose();
  });
});

describe('the cnn classifier', () => {
  const data = syntheticSentiment(240, 4);
  const texts = ['a wonderful film', 'awful, boring plot', '', 'ok', 'great great great and then some more words to make it long', '好看 🙂'];

  for (const mode of MODES) {
    it(`predicts through the fast path, as the layers model does, trained or loaded (initialState ${mode})`, async () => {
      const clf = createTextClassifier({ architecture: 'cnn', embeddingDim: 8, units: 6, vocabSize: 300, maxLength: 20, kernelSize: 3, initialState: mode });
      await clf.fit(data, { epochs: 1, seed: 4, validationSplit: 0 });
      const before = cnnFastRows();
      const probs = await clf.predictProbabilities(texts);
      expect(cnnFastRows() - before).toBe(texts.length);
      // The layers model on the same batches: one text at a time, and all of them in one batch.
      const seqs = texts.map((t) => clf.pipeline!.encode(t));
      const k = clf.labels.length;
      const batch = padded(seqs, clf.options);
      const together = reference(clf.model!, batch.ids, batch.rows, batch.length);
      seqs.forEach((s, i) => {
        const one = padded([s], clf.options);
        const alone = reference(clf.model!, one.ids, one.rows, one.length);
        expect(maxAbs(probs.subarray(i * k, (i + 1) * k), alone)).toBeLessThan(1e-5);
        expect(maxAbs(probs.subarray(i * k, (i + 1) * k), together.subarray(i * k, (i + 1) * k))).toBeLessThan(1e-5);
      });
      const loaded = await deserializeBundle(await serializeBundle(clf));
      const beforeLoaded = cnnFastRows();
      expect(Array.from(await loaded.predictProbabilities(texts))).toEqual(Array.from(probs));
      expect(cnnFastRows() - beforeLoaded).toBe(texts.length);
      for (const c of [clf, loaded]) c.dispose();
    });
  }
});

describe('the CNN kernel module', () => {
  it('ships a kernel built from assembly/cnn.ts (the generated module is current)', () => {
    const script = fileURLToPath(new URL('../../scripts/build-wasm.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check', 'cnn'], { stdio: 'pipe' })).not.toThrow();
  });
});
