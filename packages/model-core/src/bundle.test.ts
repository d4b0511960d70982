import { memory } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { BUNDLE_FORMAT_VERSION, type BundleFiles, deserializeBundle, readManifest, serializeBundle } from './bundle.js';
import { BundleError } from './errors.js';
import { isPackedBundle, packBundle, unpackBundle } from './pack.js';
import { type TextClassifier, createTextClassifier } from './text-classifier.js';

const texts = ['a wonderful film', 'awful, boring plot', '', '好看 🙂', 'great great great'];
let clf: TextClassifier;
let files: BundleFiles;

const enc = new TextEncoder();
const dec = new TextDecoder();
const json = (f: BundleFiles, name: string) => JSON.parse(dec.decode(f[name]));
const withJson = (f: BundleFiles, name: string, value: unknown): BundleFiles => ({ ...f, [name]: enc.encode(JSON.stringify(value)) });

beforeAll(async () => {
  clf = createTextClassifier({ architecture: 'lstm', embeddingDim: 8, units: 8, vocabSize: 300 });
  await clf.fit(syntheticSentiment(200, 5), { epochs: 2, seed: 11 });
  files = await serializeBundle(clf);
});
afterAll(() => clf.dispose());

describe('serializeBundle / deserializeBundle', () => {
  it('round-trips to identical scores, labels, options and metrics', async () => {
    const loaded = await deserializeBundle(files);
    expect(loaded.labels).toEqual(clf.labels);
    expect(loaded.options).toEqual(clf.options);
    expect(loaded.validation?.accuracy).toBe(clf.validation?.accuracy);
    expect(Array.from(await loaded.predictProbabilities(texts))).toEqual(Array.from(await clf.predictProbabilities(texts)));
    const manifest = readManifest(files);
    // A learned initial state needs a release that applies it: format 2 (see the zero-state test below).
    expect(manifest.formatVersion).toBe(2);
    // Format 3 is read, but only quantized bundles are written as it: float32 ones keep their format.
    expect(BUNDLE_FORMAT_VERSION).toBe(3);
    expect(manifest.quantization).toBeUndefined();
    expect(manifest.training?.seed).toBe(11);
    expect(manifest.createdBy).toEqual({ name: '@glossa/model-core', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    loaded.dispose();
  });

  it('keeps format 1, which releases before format 2 read, for lstm, bow and cnn with the zero initial state', async () => {
    for (const architecture of ['lstm', 'bow', 'cnn'] as const) {
      const zero = createTextClassifier({ architecture, embeddingDim: 8, units: 8, vocabSize: 300, initialState: 'zero' });
      await zero.fit(syntheticSentiment(60, 5), { epochs: 1, seed: 2, validationSplit: 0 });
      expect(readManifest(await serializeBundle(zero)).formatVersion).toBe(1);
      zero.dispose();
    }
    const bow = createTextClassifier({ architecture: 'bow', embeddingDim: 8, vocabSize: 300 });
    await bow.fit(syntheticSentiment(60, 5), { epochs: 1, seed: 2, validationSplit: 0 });
    // bow has no initial state: format 1 whatever the option says.
    expect(readManifest(await serializeBundle(bow)).formatVersion).toBe(1);
    bow.dispose();
  });

  it('round-trips through the single-file (zip) form', async () => {
    const packed = packBundle(files);
    expect(isPackedBundle(packed)).toBe(true);
    expect(isPackedBundle(files['weights.bin']!)).toBe(false);
    const loaded = await deserializeBundle(unpackBundle(packed));
    expect(Array.from(await loaded.predictProbabilities(texts))).toEqual(Array.from(await clf.predictProbabilities(texts)));
    loaded.dispose();
    expect(() => unpackBundle(packed.subarray(0, 100))).toThrow(BundleError);
  });

  it('refuses a bundle of a newer format version, saying which is needed', async () => {
    const m = json(files, 'manifest.json');
    await expect(deserializeBundle(withJson(files, 'manifest.json', { ...m, formatVersion: 99 }))).rejects.toMatchObject({
      code: 'BUNDLE_UNSUPPORTED_VERSION',
      message: expect.stringMatching(/format version 99.*reads up to version 3/),
    });
  });

  it('names every problem of a tampered manifest without building anything', async () => {
    const before = memory().numTensors;
    const m = json(files, 'manifest.json');
    const bad = { ...m, architecture: 'mamba', options: { ...m.options, embeddingDim: 1e9 }, files: { ...m.files, weights: '../../etc/passwd' } };
    const error = await deserializeBundle(withJson(files, 'manifest.json', bad)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    const problems = (error as BundleError).problems.join('\n');
    expect(problems).toMatch(/architecture/);
    expect(problems).toMatch(/embeddingDim/);
    expect(problems).toMatch(/files\.weights/);
    expect(memory().numTensors).toBe(before);
  });

  it('refuses missing files, truncated weights, foreign layer classes and wrong shapes', async () => {
    const { 'weights.bin': _w, ...noWeights } = files;
    await expect(deserializeBundle(noWeights)).rejects.toMatchObject({ code: 'BUNDLE_MISSING_FILE' });
    await expect(deserializeBundle({ ...files, 'weights.bin': files['weights.bin']!.subarray(0, 10) })).rejects.toMatchObject({ code: 'BUNDLE_CORRUPT' });
    await expect(deserializeBundle({ ...files, 'manifest.json': enc.encode('{"format":') })).rejects.toMatchObject({ code: 'BUNDLE_CORRUPT' });
    const model = json(files, 'model.json');
    const layers = model.modelTopology.config.layers;
    const evil = structuredClone(model);
    evil.modelTopology.config.layers = [...layers, { class_name: 'Lambda', config: { function: 'process.exit()' } }];
    await expect(deserializeBundle(withJson(files, 'model.json', evil))).rejects.toThrow(/"Lambda": not a layer Glossa builds/);
    const wrong = structuredClone(model);
    wrong.modelTopology.config.layers.find((l: { class_name: string }) => l.class_name === 'GlossaEmbedding').config.input_dim = 5;
    await expect(deserializeBundle(withJson(files, 'model.json', wrong))).rejects.toThrow(/does not match the vocabulary/);
  });
});
