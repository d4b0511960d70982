import { createTokenizer } from '@glossa/text-preprocessing';
import { type Tensor, memory } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { restoreAutoClassifier } from '../architectures/auto/auto-classifier.js';
import { createFeatureTable, fitFeatureTable, lowLaneMask, vectorize } from '../architectures/ngram/features.js';
import { ngramStateOf } from '../architectures/ngram/ngram-classifier.js';
import { decodeQuantizedNgram, encodeQuantizedNgram, ngramKeyBits } from '../architectures/ngram/ngram-quantized.js';
import { NEURAL_ARCHITECTURES } from '../architectures/registry.js';
import { type BundleFiles, deserializeBundle, quantizationOf, quantizeBundle, readManifest, serializeBundle } from '../bundle.js';
import { BundleError, ModelCoreError } from '../errors.js';
import { packBundle, unpackBundle } from '../pack.js';
import { type TextClassifier, createTextClassifier } from '../text-classifier.js';
import type { LabeledText } from '../types.js';
import type { QuantizationDtype } from './manifest.js';

/** Seeded uniform numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Sentiment examples with two of 400 filler words each: a vocabulary large enough for int8 embeddings. */
function examples(n: number, seed: number): LabeledText[] {
  const r = rng(seed);
  return syntheticSentiment(n, seed).map((e) => ({ ...e, text: `${e.text} w${Math.floor(r() * 400)} w${Math.floor(r() * 400)}` }));
}

const data = examples(300, 21);
const texts = [...examples(60, 99).map((e) => e.text), 'a wonderful film', 'awful, boring plot', '', '好看 🙂'];
const small = { embeddingDim: 16, units: 16, vocabSize: 300, heads: 2, maxLength: 20 } as const;
const enc = new TextEncoder();
const dec = new TextDecoder();
const json = (f: BundleFiles, name: string): Record<string, unknown> => JSON.parse(dec.decode(f[name]));

function maxDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Each weight of `loaded` lies within the dtype's error bound of the original's. */
function expectWeightsWithinBounds(original: readonly Tensor[], loaded: readonly Tensor[], dtype: QuantizationDtype, encodings: readonly string[]): void {
  expect(loaded.length).toBe(original.length);
  original.forEach((tensor, i) => {
    const a = tensor.dataSync() as Float32Array;
    const b = loaded[i]!.dataSync() as Float32Array;
    const largest = a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (let j = 0; j < a.length; j++) {
      const error = Math.abs(a[j]! - b[j]!);
      if (encodings[i] === 'float32') expect(error).toBe(0);
      else if (dtype === 'float16') expect(error).toBeLessThanOrEqual(Math.abs(a[j]!) * 2 ** -11 + 2 ** -25);
      // Half a step of the coarsest scale the tensor can have (its own largest magnitude / 127).
      else expect(error).toBeLessThanOrEqual(largest / 254 + 1e-7);
    }
  });
}

/** Quantizes, loads, compares with the float32 model, saves the loaded model again and loads that. */
async function checkRoundTrip(
  clf: TextClassifier,
  dtype: QuantizationDtype,
  maxProbabilityChange: number,
): Promise<{ float32: BundleFiles; quantized: BundleFiles }> {
  const float32 = await serializeBundle(clf);
  const snapshot = Object.fromEntries(Object.entries(float32).map(([name, bytes]) => [name, bytes.slice()]));
  const quantized = quantizeBundle(float32, { dtype });
  // The input is left as it was.
  expect(float32).toEqual(snapshot);
  const manifest = readManifest(quantized);
  expect(manifest.formatVersion).toBe(3);
  expect(manifest.quantization?.dtype).toBe(dtype);
  expect(Object.keys(quantized).some((name) => name.endsWith('weights.bin') || name.endsWith('features.bin'))).toBe(false);
  const before = memory().numTensors;
  const loaded = await deserializeBundle(quantized);
  expect(quantizationOf(loaded)).toBe(dtype);
  expect(quantizationOf(clf)).toBeUndefined();
  const expected = await clf.predictProbabilities(texts);
  const got = await loaded.predictProbabilities(texts);
  expect(maxDifference(expected, got)).toBeLessThanOrEqual(maxProbabilityChange);
  if (manifest.quantization!.tensors) expectWeightsWithinBounds(clf.model!.getWeights(), loaded.model!.getWeights(), dtype, manifest.quantization!.tensors!);
  // Saved again (a browser caching the model it fetched, say): the same dtype, the same predictions.
  const again = await serializeBundle(loaded);
  expect(readManifest(again).quantization?.dtype).toBe(dtype);
  expect(Object.keys(again).sort()).toEqual(Object.keys(quantized).sort());
  const reloaded = await deserializeBundle(unpackBundle(packBundle(again)));
  expect(maxDifference(got, await reloaded.predictProbabilities(texts))).toBeLessThanOrEqual(1e-6);
  reloaded.dispose();
  loaded.dispose();
  expect(memory().numTensors).toBe(before);
  return { float32, quantized };
}

describe('quantizeBundle: neural architectures', () => {
  for (const architecture of NEURAL_ARCHITECTURES) {
    it(`${architecture}: int8 and float16 bundles load and predict as the float32 model, to quantization error`, async () => {
      // 32 wide: every weight matrix has at least INT8_MIN_TENSOR_VALUES values.
      const clf = createTextClassifier({ architecture, ...small, embeddingDim: 32, units: 32 });
      await clf.fit(data, { epochs: 2, seed: 3, validationSplit: 0 });
      const int8 = await checkRoundTrip(clf, 'int8', 0.05);
      const float16 = await checkRoundTrip(clf, 'float16', 2e-3);
      const encodings = readManifest(int8.quantized).quantization!.tensors!;
      // The embedding table (first tensor): one scale per token; small tensors stay float32.
      expect(encodings[0]).toBe('int8-rows');
      expect(encodings.at(-1)).toBe('float32'); // the output bias
      // The weights file: about 4× (int8) and 2× (float16) smaller.
      const weightsOf = (files: BundleFiles): number => files['weights.bin']?.byteLength ?? files['weights.q.bin']!.byteLength;
      expect(weightsOf(int8.float32) / weightsOf(int8.quantized)).toBeGreaterThan(architecture === 'transformer' ? 3 : 3.3);
      expect(weightsOf(float16.float32) / weightsOf(float16.quantized)).toBeCloseTo(2, 5);
      clf.dispose();
    });
  }
});

describe('quantizeBundle: n-gram models', () => {
  it('binary: stores one weight column, shortened keys that find every kept n-gram, predictions close', async () => {
    const clf = createTextClassifier({ architecture: 'ngram' });
    await clf.fit(data, { seed: 1 });
    const { float32, quantized } = await checkRoundTrip(clf, 'int8', 0.02);
    await checkRoundTrip(clf, 'float16', 1e-3);
    const manifest = readManifest(quantized);
    const featureCount = manifest.ngram!.featureCount;
    expect(manifest.quantization!.ngram).toEqual({ keyBits: ngramKeyBits(featureCount, 'int8'), weights: 'int8-groups', mirrored: true });
    const modelBytes = (files: BundleFiles): number =>
      Object.entries(files).reduce((n, [name, bytes]) => n + (name.endsWith('.bin') ? bytes.byteLength : 0), 0);
    expect(modelBytes(float32) / modelBytes(quantized)).toBeGreaterThan(3.5);
    // Every training text finds the same features with the shortened keys.
    const loaded = await deserializeBundle(quantized);
    const a = ngramStateOf(clf)!;
    const b = ngramStateOf(loaded)!;
    expect(b.table.keyBits).toBe(manifest.quantization!.ngram!.keyBits);
    const tokenizer = createTokenizer(a.pipeline.config.tokenizer);
    for (const { text } of data.slice(0, 100)) {
      const normalized = a.pipeline.normalize(text);
      const tokens = tokenizer.tokenize(normalized);
      expect(Array.from(vectorize(b.table, normalized, tokens).ids)).toEqual(Array.from(vectorize(a.table, normalized, tokens).ids));
    }
    loaded.dispose();
    clf.dispose();
  });

  it('three labels: stores every column', async () => {
    const three = [...data, ...syntheticSentiment(150, 5, ['neutral', 'mixed']).filter((e) => e.label === 'mixed')];
    const clf = createTextClassifier({ architecture: 'ngram' });
    await clf.fit(three, { seed: 1 });
    expect(clf.labels).toHaveLength(3);
    const { quantized } = await checkRoundTrip(clf, 'int8', 0.03);
    expect(readManifest(quantized).quantization!.ngram!.mirrored).toBe(false);
    clf.dispose();
  });

  it('codes keys losslessly up to their kept bits, in any feature order, and counts keys that became equal', () => {
    const r = rng(7);
    const f = 5000;
    const keys = Uint32Array.from({ length: 2 * f }, () => Math.floor(r() * 2 ** 32) || 1);
    // Feature 1 differs from feature 0 in the last bit only: the same key in its first 53 bits.
    keys[2] = (keys[0]! ^ 1) >>> 0 || 2;
    keys[3] = keys[1]!;
    const idf = Float32Array.from({ length: f }, (_, i) => 1 + (i % 7));
    const blocks = Uint8Array.from({ length: f }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
    const weights = Float32Array.from({ length: 2 * f }, (_, i) => Math.sin(i));
    const bias = Float32Array.from([0.5, -0.25]);
    for (const keyBits of [32, 40, 53]) {
      const encoded = encodeQuantizedNgram({ keys, idf, blocks, weights, bias }, 2, 'int8', keyBits);
      if ('overflowAt' in encoded) throw new Error('overflow');
      expect(encoded.settings).toEqual({ keyBits, weights: 'int8-groups', mirrored: false });
      if (keyBits > 32) expect(encoded.unreachableFeatures).toBe(1);
      else expect(encoded.unreachableFeatures).toBeGreaterThanOrEqual(1);
      const decoded = decodeQuantizedNgram(
        { featuresFile: 'f', features: encoded.features, weightsFile: 'w', weights: encoded.weights },
        f,
        2,
        encoded.settings,
      );
      if ('problems' in decoded) throw new Error(decoded.problems.join('; '));
      const mask = lowLaneMask(keyBits);
      for (let i = 0; i < f; i++) {
        expect(decoded.keys[2 * i + 1]).toBe(keys[2 * i + 1]);
        expect(decoded.keys[2 * i]).toBe((keys[2 * i]! & mask) >>> 0);
      }
      expect(Array.from(decoded.idf)).toEqual(Array.from(idf));
      expect(Array.from(decoded.blocks)).toEqual(Array.from(blocks));
      expect(Array.from(decoded.bias)).toEqual(Array.from(bias));
      // The look-up finds the first of two merged features, for either key.
      const table = createFeatureTable({ wordMaxN: 1, charMinN: 0, charMaxN: 0 }, decoded.keys, decoded.blocks, decoded.idf, keyBits);
      expect(table.lookup.get(keys[0]! & mask, keys[1]!)).toBe(0);
      expect(table.lookup.get(keys[2]! & mask, keys[3]!)).toBe(0);
      expect(table.lookup.get(keys[8]! & mask, keys[9]!)).toBe(4);
    }
  });

  it("codes each run of keys within 1.5 bits a key of the gaps' information (keyBits − log2 run + 1.44)", () => {
    const docs = examples(3000, 3).map((e, i) => [`${e.text} v${i % 1009}`, `${e.text} v${i % 1009}`.split(' ')] as const);
    const table = fitFeatureTable(docs, { wordMaxN: 2, charMinN: 2, charMaxN: 4 }, 1, 100_000);
    const f = table.blocks.length;
    const keyBits = ngramKeyBits(f, 'int8');
    const encoded = encodeQuantizedNgram(
      { keys: table.keys, idf: table.idf, blocks: table.blocks, weights: new Float32Array(2 * f), bias: new Float32Array(2) },
      2,
      'int8',
      keyBits,
    );
    if ('overflowAt' in encoded) throw new Error('overflow');
    // Runs of equal idf: the information of n sorted keys of keyBits bits is about n (keyBits − log2 n + 1.44).
    let bound = 0;
    let runs = 0;
    for (let i = 0; i < f; ) {
      let j = i;
      while (j < f && table.idf[j] === table.idf[i]) j++;
      const n = j - i;
      bound += n * Math.max(0, keyBits - Math.log2(n) + 1.44) + 1 /* block bit */ * n;
      runs++;
      i = j;
    }
    expect(f).toBeGreaterThan(5000);
    const bits = encoded.features.byteLength * 8;
    expect(bits).toBeLessThan(bound + 1.5 * f + runs * (70 + keyBits));
  });
});

describe('quantizeBundle: auto bundles', () => {
  it('quantizes each member, renames its files in the parent manifest, and loads', async () => {
    const ngram = createTextClassifier({ ...small, architecture: 'ngram' });
    await ngram.fit(data);
    const lstm = createTextClassifier({ ...small, architecture: 'lstm' });
    await lstm.fit(data, { epochs: 2 });
    const both = restoreAutoClassifier({
      options: { ...createTextClassifier(small).options },
      labels: [...ngram.labels],
      members: [
        { name: 'ngram', weight: 0.6, classifier: ngram },
        { name: 'lstm', weight: 0.4, classifier: lstm },
      ],
      portfolio: { candidates: [], chosen: 'ensemble', reason: 'test', budgetSeconds: 1 },
    });
    const { quantized } = await checkRoundTrip(both, 'int8', 0.05);
    expect(Object.keys(quantized).sort()).toEqual([
      'lstm.manifest.json',
      'lstm.model.json',
      'lstm.preprocessing.json',
      'lstm.weights.q.bin',
      'manifest.json',
      'ngram.features.q.bin',
      'ngram.manifest.json',
      'ngram.preprocessing.json',
      'ngram.weights.q.bin',
    ]);
    const manifest = readManifest(quantized);
    expect(manifest.quantization).toEqual({ dtype: 'int8' });
    expect(manifest.members!.map((m) => m.files)).toEqual([
      ['ngram.preprocessing.json', 'ngram.features.q.bin', 'ngram.weights.q.bin'],
      ['lstm.preprocessing.json', 'lstm.model.json', 'lstm.weights.q.bin'],
    ]);
    expect((json(quantized, 'lstm.model.json').weightsManifest as Array<{ paths: string[] }>)[0]!.paths).toEqual(['lstm.weights.q.bin']);
    // A member stored otherwise than its parent says is refused.
    const mixed = { ...quantized, 'manifest.json': enc.encode(JSON.stringify({ ...json(quantized, 'manifest.json'), quantization: { dtype: 'float16' } })) };
    await expect(deserializeBundle(mixed)).rejects.toThrow(/stored as int8, but manifest.json says float16/);
    both.dispose();
  });
});

describe('quantizeBundle: errors and damaged files', () => {
  let files: BundleFiles;
  let quantized: BundleFiles;
  const setup = async (): Promise<void> => {
    if (files) return;
    const clf = createTextClassifier({ architecture: 'bow', ...small });
    await clf.fit(data.slice(0, 100), { epochs: 1, seed: 1, validationSplit: 0 });
    files = await serializeBundle(clf);
    quantized = quantizeBundle(files, { dtype: 'int8' });
    clf.dispose();
  };

  it('refuses an unknown dtype and a bundle quantized already', async () => {
    await setup();
    const codeOf = (run: () => unknown): string | undefined => {
      try {
        run();
      } catch (error) {
        return error instanceof ModelCoreError ? `${error.code}: ${error.message}` : String(error);
      }
      return undefined;
    };
    expect(codeOf(() => quantizeBundle(files, { dtype: 'int4' as QuantizationDtype }))).toBe(
      'INVALID_OPTIONS: quantizeBundle: dtype must be float16 or int8 (got "int4").',
    );
    expect(codeOf(() => quantizeBundle(quantized, { dtype: 'float16' }))).toMatch(
      /^ALREADY_QUANTIZED: quantizeBundle: the bundle is already quantized \(int8\)\. Quantize the float32 bundle/,
    );
  });

  it('refuses weights float16 cannot hold, naming the weight', async () => {
    await setup();
    const big = files['weights.bin']!.slice();
    new DataView(big.buffer).setFloat32(0, 1e6, true);
    expect(() => quantizeBundle({ ...files, 'weights.bin': big }, { dtype: 'float16' })).toThrow(
      /weight embedding\/embeddings \(1000000\) is beyond float16's range/,
    );
    expect(readManifest(quantizeBundle({ ...files, 'weights.bin': big }, { dtype: 'int8' })).quantization?.dtype).toBe('int8');
  });

  it('refuses truncated, padded and mislabelled quantized files with a BundleError naming the file', async () => {
    await setup();
    const weights = quantized['weights.q.bin']!;
    await expect(deserializeBundle({ ...quantized, 'weights.q.bin': weights.subarray(0, weights.byteLength - 1) })).rejects.toThrow(
      /weights\.q\.bin: \d+ bytes, but the model's weights in their quantized encodings need \d+/,
    );
    await expect(deserializeBundle({ ...quantized, 'weights.q.bin': new Uint8Array(weights.byteLength + 4) })).rejects.toBeInstanceOf(BundleError);
    const negativeScale = weights.slice();
    new DataView(negativeScale.buffer).setFloat32(0, -1, true);
    await expect(deserializeBundle({ ...quantized, 'weights.q.bin': negativeScale })).rejects.toThrow(
      /weights\.q\.bin weight embedding\/embeddings: an int8 scale is negative or not finite/,
    );
    // A quantized manifest below format 3, or without its encodings.
    const manifest = json(quantized, 'manifest.json');
    await expect(deserializeBundle({ ...quantized, 'manifest.json': enc.encode(JSON.stringify({ ...manifest, formatVersion: 2 })) })).rejects.toThrow(
      /a quantized bundle needs format 3/,
    );
    await expect(
      deserializeBundle({ ...quantized, 'manifest.json': enc.encode(JSON.stringify({ ...manifest, quantization: { dtype: 'int8' } })) }),
    ).rejects.toThrow(/quantization\.tensors: required/);
    // The float32 weights file under the quantized manifest.
    await expect(deserializeBundle({ ...quantized, 'weights.q.bin': files['weights.bin']! })).rejects.toBeInstanceOf(BundleError);
  });

  it('n-gram: refuses damaged features files; random damage never escapes as another error', async () => {
    const clf = createTextClassifier({ architecture: 'ngram' });
    await clf.fit(data, { seed: 1 });
    const q = quantizeBundle(await serializeBundle(clf), { dtype: 'int8' });
    clf.dispose();
    const features = q['features.q.bin']!;
    await expect(deserializeBundle({ ...q, 'features.q.bin': features.subarray(0, features.byteLength - 10) })).rejects.toThrow(
      /features\.q\.bin: the data ends early/,
    );
    await expect(deserializeBundle({ ...q, 'features.q.bin': Uint8Array.from([0, ...features.subarray(1)]) })).rejects.toThrow(
      /features\.q\.bin: not a quantized features file/,
    );
    await expect(deserializeBundle({ ...q, 'features.q.bin': Uint8Array.from([...features, 0]) })).rejects.toThrow(
      /features\.q\.bin: 1 bytes after the features/,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (edits, inWeights) => {
          const name = inWeights ? 'weights.q.bin' : 'features.q.bin';
          const bytes = q[name]!.slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          try {
            const loaded = await deserializeBundle({ ...q, [name]: bytes });
            await loaded.predict(['great film']);
            loaded.dispose();
          } catch (error) {
            if (!(error instanceof BundleError)) throw error;
          }
        },
      ),
      { numRuns: 60, seed: 3 },
    );
  });
});
