import { type Tensor, memory, tensor2d } from '@tensorflow/tfjs-core';
import { type SymbolicTensor, layers as tfLayers, model as tfModel } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { deserializeBundle, expectedWeightShapes, readManifest, serializeBundle, type BundleFiles } from '../bundle.js';
import { BundleError } from '../errors.js';
import { setFusedLstm, setWasmKernels } from '../flags.js';
import type { TextClassifierOptions } from '../options.js';
import { createTextClassifier } from '../text-classifier.js';
import { NEURAL_ARCHITECTURE_SPECS } from './neural-specs.js';
import { ARCHITECTURE_REGISTRY, NEURAL_ARCHITECTURES } from './registry.js';

const data = syntheticSentiment(240, 4);
const texts = ['a wonderful film', 'awful, boring plot', '', '好看 🙂', 'great great great and then some more words to make it long'];
const small = { embeddingDim: 8, units: 6, vocabSize: 300, heads: 2, maxLength: 20 } as const;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** A classifier of `options` trained on `data` (2 epochs, seed 5), its losses and its scores of `scored`. */
async function trainSeeded(options: TextClassifierOptions, scored: readonly string[]) {
  const clf = createTextClassifier(options);
  const result = await clf.fit(data, { epochs: 2, seed: 5 });
  return { clf, losses: result.history.map((h) => h.loss), probs: Array.from(await clf.predictProbabilities(scored)) };
}

/** Runs `f` with the WebAssembly kernels and the fused recurrences on or off, then both on again. */
async function withKernels<T>(wasm: boolean, fused: boolean, f: () => Promise<T>): Promise<T> {
  setWasmKernels(wasm);
  setFusedLstm(fused);
  try {
    return await f();
  } finally {
    setWasmKernels(true);
    setFusedLstm(true);
  }
}

/** A tensor's values, the tensor freed. */
function readValues(t: Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

/** The architectures added with the module registry (lstm, bow and cnn have their own suites as well). */
const NEW = ['gru', 'bilstm', 'bigru', 'transformer'] as const;

describe('the neural architecture modules', () => {
  it('cover exactly the neural architectures of the registry', () => {
    expect(Object.keys(NEURAL_ARCHITECTURE_SPECS).sort()).toEqual([...NEURAL_ARCHITECTURES].sort());
    for (const a of NEURAL_ARCHITECTURES) expect(ARCHITECTURE_REGISTRY[a].kind).toBe('neural');
  });

  for (const architecture of NEURAL_ARCHITECTURES) {
    it(`build models whose weights have the shapes bundle validation expects (${architecture})`, async () => {
      const clf = createTextClassifier({ architecture, ...small });
      await clf.fit(data.slice(0, 60), { epochs: 1, seed: 1, validationSplit: 0 });
      const shapes = clf.model!.weights.map((w) => w.shape);
      const manifest = { architecture, options: clf.options, labels: [...clf.labels] };
      expect(shapes).toEqual(expectedWeightShapes(manifest, clf.pipeline!.vocabulary.size));
      clf.dispose();
    });
  }
});

describe.each(NEW)('%s', (architecture) => {
  it('is reproducible from its seed and round-trips through a (format 2) bundle to identical scores', async () => {
    const before = memory().numTensors;
    const run = () => trainSeeded({ architecture, ...small, dropout: 0.1 }, texts);
    const a = await run();
    const b = await run();
    expect(b.losses).toEqual(a.losses);
    expect(b.probs).toEqual(a.probs);
    const files = await serializeBundle(a.clf);
    expect(readManifest(files).formatVersion).toBe(2);
    const loaded = await deserializeBundle(files);
    expect(loaded.options.architecture).toBe(architecture);
    expect(Array.from(await loaded.predictProbabilities(texts))).toEqual(a.probs);
    for (const c of [a.clf, b.clf, loaded]) c.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('learns a separable task', async () => {
    const clf = createTextClassifier({ architecture, ...small, embeddingDim: 16, units: 16, heads: 4 });
    const result = await clf.fit(syntheticSentiment(600, 1), { epochs: 6, batchSize: 32, seed: 7 });
    expect(result.validation?.accuracy).toBeGreaterThan(0.9);
    clf.dispose();
  });
});

describe('bundle validation of the new architectures', () => {
  async function bundleOf(architecture: (typeof NEW)[number]): Promise<BundleFiles> {
    const clf = createTextClassifier({ architecture, ...small });
    await clf.fit(data.slice(0, 60), { epochs: 1, seed: 2, validationSplit: 0 });
    const files = await serializeBundle(clf);
    clf.dispose();
    return files;
  }
  const edit = (files: BundleFiles, name: string, f: (value: Record<string, unknown>) => void): BundleFiles => {
    const value = JSON.parse(dec.decode(files[name])) as Record<string, unknown>;
    f(value);
    return { ...files, [name]: enc.encode(JSON.stringify(value)) };
  };
  const middle = (model: Record<string, unknown>) =>
    (model.modelTopology as { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } }).config.layers[2]!;

  it('refuses a one-directional layer in a bidirectional bundle, and the reverse', async () => {
    const files = await bundleOf('bigru');
    const flipped = edit(files, 'model.json', (m) => {
      delete middle(m).config.bidirectional;
    });
    await expect(deserializeBundle(flipped)).rejects.toThrow(/bidirectional is false, but the architecture is bidirectional/);
    const relabelled = edit(files, 'manifest.json', (m) => {
      m.architecture = 'gru';
      (m.options as Record<string, unknown>).architecture = 'gru';
    });
    const error = await deserializeBundle(relabelled).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).problems.join('\n')).toMatch(/bidirectional is true, but the architecture is not bidirectional/);
  });

  it('refuses a transformer whose heads or positions differ from the manifest', async () => {
    const files = await bundleOf('transformer');
    const heads = edit(files, 'model.json', (m) => {
      middle(m).config.heads = 4;
    });
    await expect(deserializeBundle(heads)).rejects.toThrow(/heads is 4, but options.heads is 2/);
    const positions = edit(files, 'model.json', (m) => {
      middle(m).config.max_positions = 50;
    });
    await expect(deserializeBundle(positions)).rejects.toThrow(/max_positions is 50, but options.maxLength is 20/);
  });

  it('refuses a recurrent layer whose learned initial state disagrees with options.initialState', async () => {
    const files = await bundleOf('gru');
    const zero = edit(files, 'manifest.json', (m) => {
      (m.options as Record<string, unknown>).initialState = 'zero';
    });
    const error = await deserializeBundle(zero).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).problems.join('\n')).toMatch(/learned_initial_state is true, but options.initialState is "zero"/);
  });

  it('refuses a GRU layer in an lstm bundle', async () => {
    const files = await bundleOf('gru');
    const relabelled = edit(files, 'manifest.json', (m) => {
      m.architecture = 'lstm';
      (m.options as Record<string, unknown>).architecture = 'lstm';
    });
    await expect(deserializeBundle(relabelled)).rejects.toThrow(/GlossaGRU belongs to architecture "gru"/);
  });
});

describe('cnn with initialState padded', () => {
  it('predicts what an unmasked CNN predicts from texts pre-padded to a fixed length', async () => {
    const k = 3;
    const clf = createTextClassifier({ architecture: 'cnn', ...small, kernelSize: k, initialState: 'padded' });
    await clf.fit(data, { epochs: 2, seed: 4, validationSplit: 0 });
    const model = clf.model!;
    const weight = (n: string) =>
      model.weights
        .find((w) => w.originalName === n)!
        .read()
        .arraySync() as number[][];
    const [table, kernel, dense] = ['embedding/embeddings', 'conv/kernel', 'output/kernel'].map(weight);
    const [bias, denseBias] = ['conv/bias', 'output/bias'].map((n) => weight(n) as unknown as number[]);
    const e = small.embeddingDim;
    // The reference: ids pre-padded with 0 to 30 steps (every text is shorter), every window unmasked, ReLU, max, softmax.
    const reference = (ids: Int32Array): number[] => {
      const padded = [...new Array<number>(30 - ids.length).fill(0), ...ids];
      const features = new Array<number>(small.units).fill(0);
      for (let t = 0; t + k <= padded.length; t++) {
        for (let f = 0; f < small.units; f++) {
          let z = bias![f]!;
          for (let j = 0; j < k; j++) for (let d = 0; d < e; d++) z += table![padded[t + j]!]![d]! * kernel![j * e + d]![f]!;
          features[f] = Math.max(features[f]!, z);
        }
      }
      const logits = clf.labels.map((_, c) => features.reduce((s, v, f) => s + v * dense![f]![c]!, denseBias![c]!));
      const top = Math.max(...logits);
      const exp = logits.map((z) => Math.exp(z - top));
      return exp.map((v) => v / exp.reduce((a, b) => a + b, 0));
    };
    const probs = await clf.predictProbabilities(texts);
    texts.forEach((text, i) => {
      const expected = reference(clf.pipeline!.encode(text));
      for (let c = 0; c < clf.labels.length; c++) expect(probs[i * clf.labels.length + c]).toBeCloseTo(expected[c]!, 5);
    });
    // Alone or beside longer texts, a text scores the same.
    const alone = await clf.predictProbabilities([texts[0]!]);
    expect(Array.from(alone)).toEqual(Array.from(probs.subarray(0, clf.labels.length)));
    const files = await serializeBundle(clf);
    const loaded = await deserializeBundle(files);
    expect(Array.from(await loaded.predictProbabilities(texts))).toEqual(Array.from(probs));
    const mismatched = {
      ...files,
      'manifest.json': enc.encode(JSON.stringify({ ...readManifest(files), options: { ...clf.options, initialState: 'learned' } })),
    };
    await expect(deserializeBundle(mismatched)).rejects.toThrow(/leading_padding is true, but options.initialState is "learned"/);
    for (const c of [clf, loaded]) c.dispose();
  });

  it('is refused for the architectures that do not have it', () => {
    expect(() => createTextClassifier({ architecture: 'bigru', initialState: 'padded' })).toThrow(
      'createTextClassifier: initialState "padded" is not available for the bigru architecture: choose "learned" or "zero" ("padded" is for lstm, cnn, gru).',
    );
    expect(() => createTextClassifier({ architecture: 'bilstm', initialState: 'padded' })).toThrow(/not available for the bilstm architecture/);
  });
});

for (const architecture of ['lstm', 'gru'] as const)
  describe(`${architecture} with initialState padded`, () => {
    const CELL = architecture.toUpperCase();
    // units 8: the WebAssembly kernels run (a multiple of 4); maxLength 20 is longer than every text but one, cut to 20.
    const opts = { architecture, ...small, units: 8, initialState: 'padded' } as const;
    const long = Array.from({ length: 26 }, (_, i) => (i % 2 === 0 ? 'great' : 'awful')).join(' ');
    const all = [...texts, long];

    it(`predicts what a stock unmasked ${CELL} predicts from texts pre-padded with id 0 to maxLength (wasm kernel, JavaScript, tfjs ops)`, async () => {
      const clf = createTextClassifier(opts);
      await clf.fit(data, { epochs: 2, seed: 4, validationSplit: 0 });
      const model = clf.model!;
      const weight = (n: string) => model.weights.find((w) => w.originalName === n)!.read();
      const [table, kernel, recurrent, bias, dense, denseBias] = [
        'embedding/embeddings',
        `${architecture}/kernel`,
        `${architecture}/recurrent_kernel`,
        `${architecture}/bias`,
        'output/kernel',
        'output/bias',
      ].map(weight);
      // The reference: tfjs-layers' own Embedding (no mask) → LSTM / GRU (reset_after false) → Dense softmax over ids pre-padded with 0 to 20.
      const input = tfLayers.input({ shape: [small.maxLength], dtype: 'int32' });
      const embedded = tfLayers.embedding({ inputDim: table!.shape[0]!, outputDim: small.embeddingDim }).apply(input) as SymbolicTensor;
      const recurrentArgs = { units: 8, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' } as const;
      const cell = (architecture === 'lstm' ? tfLayers.lstm(recurrentArgs) : tfLayers.gru(recurrentArgs)).apply(embedded) as SymbolicTensor;
      const output = tfLayers.dense({ units: clf.labels.length, activation: 'softmax' }).apply(cell) as SymbolicTensor;
      const stock = tfModel({ inputs: input, outputs: output });
      stock.setWeights([table!, kernel!, recurrent!, bias!, dense!, denseBias!]);
      const padded = all.map((t) => {
        const ids = clf.pipeline!.encode(t);
        return [...new Array<number>(small.maxLength - ids.length).fill(0), ...ids];
      });
      expect(padded.every((row) => row.length === small.maxLength)).toBe(true);
      const expected = readValues(stock.predict(tensor2d(padded, undefined, 'int32')) as Tensor);
      for (const [wasm, fused] of [
        [true, true],
        [false, true],
        [true, false],
      ] as const) {
        const probs = await withKernels(wasm, fused, () => clf.predictProbabilities(all));
        for (let i = 0; i < expected.length; i++) expect(probs[i]).toBeCloseTo(expected[i]!, 5);
      }
      // Alone or beside longer texts, a text scores the same.
      const probs = await clf.predictProbabilities(all);
      const alone = await clf.predictProbabilities([all[0]!]);
      expect(Array.from(alone)).toEqual(Array.from(probs.subarray(0, clf.labels.length)));
      // No weight beyond the zero-state model's, and the bundle round trip predicts the same.
      expect(model.weights.map((w) => w.originalName)).not.toContain(`${architecture}/initial_h`);
      const files = await serializeBundle(clf);
      const loaded = await deserializeBundle(files);
      expect(Array.from(await loaded.predictProbabilities(all))).toEqual(Array.from(probs));
      const mismatched = {
        ...files,
        'manifest.json': enc.encode(JSON.stringify({ ...readManifest(files), options: { ...clf.options, initialState: 'zero' } })),
      };
      await expect(deserializeBundle(mismatched)).rejects.toThrow(/pad_to is 20, but options.initialState is "zero"/);
      stock.dispose();
      for (const c of [clf, loaded]) c.dispose();
    });

    it('is reproducible from its seed, and trains on the wasm and cpu kernels and the tfjs ops alike', async () => {
      const run = () => trainSeeded({ ...opts, dropout: 0.1 }, all);
      const a = await run();
      const b = await run();
      expect(b.losses).toEqual(a.losses);
      expect(b.probs).toEqual(a.probs);
      // The JavaScript recurrence and the tfjs ops train to the same losses to float rounding.
      for (const [wasm, fused] of [
        [false, true],
        [true, false],
      ] as const) {
        const c = await withKernels(wasm, fused, run);
        c.losses.forEach((l, i) => {
          expect(l).toBeCloseTo(a.losses[i]!, 3);
        });
        c.clf.dispose();
      }
      for (const c of [a.clf, b.clf]) c.dispose();
    });

    it('learns a separable task', async () => {
      const clf = createTextClassifier({ ...opts, embeddingDim: 16, units: 16 });
      // gru: 8 epochs (measured at seed 7: 0.87 after 6, 1.0 after 8; learned and zero 0.98 after 6).
      const result = await clf.fit(syntheticSentiment(600, 1), { epochs: architecture === 'gru' ? 8 : 6, batchSize: 32, seed: 7 });
      expect(result.validation?.accuracy).toBeGreaterThan(0.9);
      clf.dispose();
    });
  });

describe('cnn padding window (initialState learned)', () => {
  it('max-pools each text with one window of the trained padding vector: a floor under every filter', async () => {
    const clf = createTextClassifier({ architecture: 'cnn', ...small, kernelSize: 3 });
    await clf.fit(data, { epochs: 2, seed: 4, validationSplit: 0 });
    const model = clf.model!;
    const [table, kernel, bias] = ['embedding/embeddings', 'conv/kernel', 'conv/bias'].map((n) =>
      model.weights
        .find((w) => w.originalName === n)!
        .read()
        .dataSync(),
    );
    const e = small.embeddingDim;
    const filters = small.units;
    // The window of padding: kernelSize copies of the embedding of id 0.
    const floor = Array.from({ length: filters }, (_, f) => {
      let z = bias![f]!;
      for (let j = 0; j < 3 * e; j++) z += table![j % e]! * kernel![j * filters + f]!;
      return Math.max(z, 0);
    });
    expect(floor.some((v) => v > 0)).toBe(true);
    const pooled = tfModel({ inputs: model.inputs, outputs: model.getLayer('max_pool').output as SymbolicTensor });
    // An empty text is padding only; others are at least the floor. Batching pads kernelSize (3) steps after the longest text.
    const ids = tensor2d(
      [
        [0, 0, 0, 0, 0],
        [5, 0, 0, 0, 0],
        [7, 9, 0, 0, 0],
      ],
      undefined,
      'int32',
    );
    const features = (pooled.predict(ids) as Tensor).arraySync() as number[][];
    for (let f = 0; f < filters; f++) {
      expect(features[0]![f]).toBeCloseTo(floor[f]!, 5);
      for (const row of features.slice(1)) expect(row[f]!).toBeGreaterThanOrEqual(floor[f]! - 1e-6);
    }
    ids.dispose();
    const files = await serializeBundle(clf);
    expect(readManifest(files).formatVersion).toBe(2);
    const loaded = await deserializeBundle(files);
    expect(Array.from(await loaded.predictProbabilities(texts))).toEqual(Array.from(await clf.predictProbabilities(texts)));
    for (const c of [clf, loaded]) c.dispose();
  });

  it('is absent with initialState zero (the format-1 cnn), and a bundle whose layer disagrees is refused', async () => {
    const clf = createTextClassifier({ architecture: 'cnn', ...small, initialState: 'zero' });
    await clf.fit(data.slice(0, 60), { epochs: 1, seed: 2, validationSplit: 0 });
    const files = await serializeBundle(clf);
    expect(readManifest(files).formatVersion).toBe(1);
    const model = JSON.parse(dec.decode(files['model.json'])) as { modelTopology: { config: { layers: Array<{ config: Record<string, unknown> }> } } };
    expect(model.modelTopology.config.layers[2]!.config.padding_window).toBeUndefined();
    const learned = {
      ...files,
      'manifest.json': enc.encode(JSON.stringify({ ...readManifest(files), formatVersion: 2, options: { ...clf.options, initialState: 'learned' } })),
    };
    await expect(deserializeBundle(learned)).rejects.toThrow(/padding_window is false, but options.initialState is "learned"/);
    clf.dispose();
  });
});
