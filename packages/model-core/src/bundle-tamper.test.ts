import { memory } from '@tensorflow/tfjs-core';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { type BundleFiles, deserializeBundle, expectedWeightShapes, readManifest, serializeBundle } from './bundle.js';
import { BundleError } from './errors.js';
import { packBundle, unpackBundle } from './pack.js';
import { type TextClassifier, createTextClassifier } from './text-classifier.js';

// The bundle half of issue 5's catalogue: every damaged or tampered bundle is refused with a BundleError
// that says which file and what is wrong — never a crash, never code execution, never a huge
// allocation, never a leaked tensor.

const enc = new TextEncoder();
const dec = new TextDecoder();
// biome-ignore lint/suspicious/noExplicitAny: tampering edits arbitrary JSON
type Json = Record<string, any>;

let lstm: TextClassifier;
let files: BundleFiles;
let bowFiles: BundleFiles;

const json = (f: BundleFiles, name: string): Json => JSON.parse(dec.decode(f[name])) as Json;
const withJson = (f: BundleFiles, name: string, value: unknown): BundleFiles => ({
  ...f,
  [name]: enc.encode(typeof value === 'string' ? value : JSON.stringify(value)),
});
const edit = (name: string, change: (value: Json) => void, base: BundleFiles = files): BundleFiles => {
  const value = json(base, name);
  change(value);
  return withJson(base, name, value);
};

/** Loads `bad`, expecting a BundleError with `code` whose message and problems match; checks no tensor leaks. */
async function refused(bad: BundleFiles, code: BundleError['code'], pattern: RegExp): Promise<BundleError> {
  const before = memory().numTensors;
  const error = await deserializeBundle(bad).then(
    (loaded) => {
      loaded.dispose();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BundleError);
  const bundleError = error as BundleError;
  expect(bundleError.code).toBe(code);
  expect(`${bundleError.message}\n${bundleError.problems.join('\n')}`).toMatch(pattern);
  expect(memory().numTensors).toBe(before);
  return bundleError;
}

beforeAll(async () => {
  lstm = createTextClassifier({ architecture: 'lstm', embeddingDim: 8, units: 8, vocabSize: 200, maxLength: 20 });
  await lstm.fit(syntheticSentiment(120, 3), { epochs: 1, seed: 4 });
  files = await serializeBundle(lstm);
  const bow = createTextClassifier({ architecture: 'bow', embeddingDim: 8, vocabSize: 200, maxLength: 20 });
  await bow.fit(syntheticSentiment(120, 5), { epochs: 1, seed: 6 });
  bowFiles = await serializeBundle(bow);
  bow.dispose();
});
afterAll(() => lstm.dispose());

describe('deserializeBundle on sound bundles', () => {
  it('still loads every architecture, with and without dropout', async () => {
    for (const options of [{ architecture: 'cnn', dropout: 0.2, kernelSize: 3 }, { architecture: 'lstm', dropout: 0.1 }, { architecture: 'bow' }] as const) {
      const clf = createTextClassifier({ ...options, embeddingDim: 4, units: 4, vocabSize: 100, maxLength: 12 });
      await clf.fit(syntheticSentiment(40, 8), { epochs: 1, seed: 2, validationSplit: 0 });
      const loaded = await deserializeBundle(await serializeBundle(clf));
      expect(Array.from(await loaded.predictProbabilities(['great film', 'awful']))).toEqual(
        Array.from(await clf.predictProbabilities(['great film', 'awful'])),
      );
      loaded.dispose();
      clf.dispose();
    }
  });
});

describe('deserializeBundle on damaged bundles', () => {
  it.each(['manifest.json', 'preprocessing.json', 'model.json', 'weights.bin'])('names a missing %s', async (name) => {
    const { [name]: _gone, ...rest } = files;
    await refused(rest, 'BUNDLE_MISSING_FILE', new RegExp(`${name.replace('.', '\\.')} is missing`));
  });

  it('refuses truncated and padded weights, saying how many bytes it needs', async () => {
    const weights = files['weights.bin']!;
    await refused(
      { ...files, 'weights.bin': weights.subarray(0, weights.length - 4) },
      'BUNDLE_CORRUPT',
      new RegExp(`weights\\.bin has ${weights.length - 4} bytes but the model needs ${weights.length} \\(truncated`),
    );
    await refused({ ...files, 'weights.bin': new Uint8Array(weights.length + 4) }, 'BUNDLE_CORRUPT', /has \d+ bytes but the model needs/);
    await refused({ ...files, 'weights.bin': new Uint8Array(0) }, 'BUNDLE_CORRUPT', /has 0 bytes/);
  });

  it.each([
    ['manifest.json', '{"format":'],
    ['manifest.json', new Uint8Array([0xff, 0xfe, 0x7b, 0x7d])],
    ['preprocessing.json', 'not json'],
    ['model.json', '\u0000'],
  ])('refuses %s that is not UTF-8 JSON', async (name, content) => {
    const bad = { ...files, [name]: typeof content === 'string' ? enc.encode(content) : content };
    await refused(bad, 'BUNDLE_CORRUPT', new RegExp(`${name.replace('.', '\\.')} is not valid UTF-8 JSON`));
  });

  it('refuses weight specs whose shapes do not fit the model, even with the right byte count', async () => {
    const swapped = edit('model.json', (m) => {
      const spec = m.weightsManifest[0].weights[0];
      spec.shape = [...spec.shape].reverse();
    });
    await refused(swapped, 'BUNDLE_INVALID', /weight shapes .* do not match the manifest's lstm model/);
    const renamed = edit('model.json', (m) => {
      m.weightsManifest[0].weights[1].name = 'somewhere/else';
    });
    await refused(renamed, 'BUNDLE_INVALID', /weight "somewhere\/else": expected "lstm\/kernel"/);
  });

  it('lists the expected weight shapes of each architecture', () => {
    const manifest = readManifest(files);
    // An lstm with a learned initial state (the default): h₀ and c₀ after the bias.
    expect(expectedWeightShapes(manifest, 50)).toEqual([[50, 8], [8, 32], [8, 32], [32], [8], [8], [8, 2], [2]]);
    const zeroStart = { ...manifest, options: { ...manifest.options, initialState: 'zero' as const } };
    expect(expectedWeightShapes(zeroStart, 50)).toEqual([[50, 8], [8, 32], [8, 32], [32], [8, 2], [2]]);
    expect(expectedWeightShapes({ ...manifest, architecture: 'bigru' }, 50)).toEqual([
      [50, 8],
      [8, 24],
      [8, 24],
      [24],
      [8],
      [8, 24],
      [8, 24],
      [24],
      [8],
      [16, 2],
      [2],
    ]);
    expect(expectedWeightShapes({ ...manifest, architecture: 'cnn' }, 50)).toEqual([[50, 8], [40, 8], [8], [8, 2], [2]]);
    expect(expectedWeightShapes({ ...manifest, architecture: 'bow' }, 50)).toEqual([[50, 8], [8, 2], [2]]);
  });
});

describe('deserializeBundle on tampered manifests', () => {
  it('refuses a newer format version, saying which release is needed', async () => {
    await refused(
      edit('manifest.json', (m) => {
        m.formatVersion = 7;
      }),
      'BUNDLE_UNSUPPORTED_VERSION',
      /format version 7, but this @glossa\/model-core .* reads up to version 3\. Upgrade Glossa/,
    );
  });

  it.each([
    [
      'an unknown architecture',
      (m: Json) => {
        m.architecture = 'mamba';
        m.options.architecture = 'mamba';
      },
      /architecture/,
    ],
    [
      'a vocabulary of 1e12',
      (m: Json) => {
        m.options.vocabSize = 1e12;
      },
      /options\.vocabSize: .*2000000/,
    ],
    [
      'an embedding of 1e9',
      (m: Json) => {
        m.options.embeddingDim = 1e9;
      },
      /options\.embeddingDim/,
    ],
    [
      'NaN-like units',
      (m: Json) => {
        m.options.units = 'NaN';
      },
      /options\.units/,
    ],
    [
      'a fractional maxLength',
      (m: Json) => {
        m.options.maxLength = 10.5;
      },
      /options\.maxLength/,
    ],
    [
      'a million labels',
      (m: Json) => {
        m.labels = Array.from({ length: 100_001 }, (_, i) => `l${i}`);
      },
      /labels/,
    ],
    [
      'duplicate labels',
      (m: Json) => {
        m.labels = ['a', 'a'];
      },
      /labels contain duplicates/,
    ],
    [
      'one label',
      (m: Json) => {
        m.labels = ['a'];
      },
      /labels/,
    ],
    [
      'weights at ../../etc/passwd',
      (m: Json) => {
        m.files.weights = '../../etc/passwd';
      },
      /files\.weights: must be a plain file name inside the bundle/,
    ],
    [
      'weights at an absolute path',
      (m: Json) => {
        m.files.weights = '/etc/passwd';
      },
      /files\.weights: must be a plain file name/,
    ],
    [
      'a Windows path',
      (m: Json) => {
        m.files.topology = 'C:\\Windows\\win.ini';
      },
      /files\.topology: must be a plain file name/,
    ],
    [
      'a sub-directory',
      (m: Json) => {
        m.files.preprocessing = 'sub/preprocessing.json';
      },
      /files\.preprocessing: must be a plain file name/,
    ],
    [
      'a wrong format name',
      (m: Json) => {
        m.format = 'keras';
      },
      /format/,
    ],
    [
      'a manifest that is an array',
      (m: Json) => {
        for (const key of Object.keys(m)) delete m[key];
      },
      /manifest\.json/,
    ],
  ])('refuses %s naming the field', async (_name, change, pattern) => {
    await refused(edit('manifest.json', change), 'BUNDLE_INVALID', pattern);
  });

  it('refuses manifest JSON that is not an object', async () => {
    for (const text of ['[]', 'null', '42', '"manifest"']) {
      await refused(withJson(files, 'manifest.json', text), 'BUNDLE_INVALID', /manifest\.json .*\(root\)/);
    }
  });

  it('drops __proto__ keys instead of letting them reach options or Object.prototype', async () => {
    const text = dec
      .decode(files['manifest.json'])
      .replace('"options": {', '"options": { "__proto__": { "polluted": true, "units": 1e9 },')
      .replace('{', '{ "__proto__": { "polluted": true },');
    expect(text).toContain('"__proto__"');
    const loaded = await deserializeBundle(withJson(files, 'manifest.json', text));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(loaded.options).sort()).toEqual(Object.keys(lstm.options).sort());
    expect(loaded.options.units).toBe(8);
    expect(Object.getPrototypeOf(loaded.options)).toBe(Object.prototype);
    loaded.dispose();
  });

  it('never reads files[name] from the prototype (constructor, toString, __proto__)', async () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      await refused(
        edit('manifest.json', (m) => {
          m.files.preprocessing = name;
        }),
        'BUNDLE_MISSING_FILE',
        new RegExp(`${name} is missing`),
      );
    }
    const viaJson = JSON.parse('{"__proto__": {"manifest.json": [1,2,3]}}') as BundleFiles;
    await refused(viaJson, 'BUNDLE_MISSING_FILE', /manifest\.json is missing \(files present: none\)/);
  });
});

describe('deserializeBundle on tampered preprocessing and topology', () => {
  it('refuses a pipeline whose maxLength or vocabulary disagrees with the manifest', async () => {
    await refused(
      edit('preprocessing.json', (p) => {
        p.config.maxLength = 2 ** 31 - 1;
      }),
      'BUNDLE_INVALID',
      /config\.maxLength: 2147483647, but the manifest's options\.maxLength is 20/,
    );
    const big = edit('preprocessing.json', (p) => {
      p.vocabulary.tokens = ['<pad>', '<unk>', ...Array.from({ length: 300 }, (_, i) => `t${i}`)];
    });
    await refused(big, 'BUNDLE_INVALID', /302 tokens, more than the manifest's options\.vocabSize \(200\)/);
    await refused(
      edit('preprocessing.json', (p) => {
        p.schemaVersion = 99;
      }),
      'BUNDLE_INVALID',
      /preprocessing\.json is invalid/,
    );
  });

  it.each([
    [
      'a Lambda layer',
      (m: Json) => {
        m.modelTopology.config.layers.push({ class_name: 'Lambda', config: { function: 'process.exit(1)' } });
      },
      /"Lambda": not a layer Glossa builds/,
    ],
    [
      'a nested unknown class',
      (m: Json) => {
        m.modelTopology.config.layers.at(-1).config.kernel_initializer = { class_name: 'EvilInitializer', config: {} };
      },
      /class "EvilInitializer": not a layer Glossa builds/,
    ],
    [
      'a non-string class name',
      (m: Json) => {
        m.modelTopology.config.layers[1].class_name = { toString: 'x' };
      },
      /not a layer Glossa builds/,
    ],
    [
      'an unknown model class',
      (m: Json) => {
        m.modelTopology.class_name = 'Evil';
      },
      /modelTopology\.class_name: must be "Model"/,
    ],
    [
      'an LSTM of 1e9 units',
      (m: Json) => {
        m.modelTopology.config.layers.find((l: Json) => l.class_name === 'GlossaLSTM').config.units = 1e9;
      },
      /GlossaLSTM: units is 1000000000, but options\.units is 8/,
    ],
    [
      'an embedding of 1e12 rows',
      (m: Json) => {
        m.modelTopology.config.layers.find((l: Json) => l.class_name === 'GlossaEmbedding').config.input_dim = 1e12;
      },
      /embedding: shape \[1000000000000, 8\] does not match the vocabulary/,
    ],
    [
      'an output layer of 1e9 units',
      (m: Json) => {
        m.modelTopology.config.layers.find((l: Json) => l.class_name === 'Dense').config.units = 1e9;
      },
      /output layer: 1000000000 units for 2 labels/,
    ],
    [
      'a fixed input length of 1e9',
      (m: Json) => {
        m.modelTopology.config.layers[0].config.batch_input_shape = [null, 1e9];
      },
      /batch_input_shape must be \[null, null\]/,
    ],
    [
      'weights of 1e8 x 1e8',
      (m: Json) => {
        m.weightsManifest[0].weights[0].shape = [1e8, 1e8];
      },
      /the weights would take 4000000000000\d+ bytes, over the limit/,
    ],
    [
      'a weight shape of 5 dimensions',
      (m: Json) => {
        m.weightsManifest[0].weights[0].shape = [1, 1, 1, 1, 1];
      },
      /a shape of at most 4 whole numbers/,
    ],
    [
      'int32 weights',
      (m: Json) => {
        m.weightsManifest[0].weights[0].dtype = 'int32';
      },
      /dtype float32/,
    ],
    [
      'quantized weights',
      (m: Json) => {
        m.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', scale: 1, min: 0 };
      },
      /quantized weights are not supported/,
    ],
    [
      'weights at ../../etc/passwd',
      (m: Json) => {
        m.weightsManifest[0].paths = ['../../etc/passwd'];
      },
      /weightsManifest\.paths: must be \["weights\.bin"\]/,
    ],
    [
      'an absolute weights URL',
      (m: Json) => {
        m.weightsManifest[0].paths = ['https://example.com/w.bin'];
      },
      /weightsManifest\.paths/,
    ],
    [
      '1000 layers',
      (m: Json) => {
        m.modelTopology.config.layers = Array.from({ length: 1000 }, () => ({ class_name: 'Dense', config: { units: 2 } }));
      },
      /1000 layers, a Glossa model has at most 32/,
    ],
    [
      'a deeply nested topology',
      (m: Json) => {
        let deep: Json = {};
        const root = deep;
        for (let i = 0; i < 100; i++) deep = deep.next = {};
        m.modelTopology.config.layers.at(-1).config.extra = root;
      },
      /too large or too deeply nested/,
    ],
    [
      'no topology',
      (m: Json) => {
        delete m.modelTopology;
      },
      /modelTopology: missing/,
    ],
    // tfjs's graph reconstruction never returns when an inbound layer is missing: these must be refused first.
    [
      'the input layer renamed to a number',
      (m: Json) => {
        m.modelTopology.config.layers[0].name = 0;
      },
      /layer 0: name must be a plain identifier \(got 0\)/,
    ],
    [
      'an inbound layer that does not exist',
      (m: Json) => {
        m.modelTopology.config.layers[2].inbound_nodes = [[['nowhere', 0, 0, {}]]];
      },
      /inbound_nodes must be \[\[\["embedding",0,0,\{\}\]\]\]/,
    ],
    [
      'a cycle',
      (m: Json) => {
        m.modelTopology.config.layers[1].inbound_nodes = [[['output', 0, 0, {}]]];
      },
      /layer 1 "embedding": inbound_nodes must be/,
    ],
    [
      'a duplicated layer name',
      (m: Json) => {
        m.modelTopology.config.layers[2].name = 'embedding';
        m.modelTopology.config.layers[2].config.name = 'embedding';
      },
      /name "embedding" is used twice/,
    ],
    [
      'a second input',
      (m: Json) => {
        m.modelTopology.config.input_layers.push(['embedding', 0, 0]);
      },
      /input_layers: must be \[\["token_ids", 0, 0\]\]/,
    ],
    [
      'a foreign output',
      (m: Json) => {
        m.modelTopology.config.output_layers = [['embedding', 0, 0]];
      },
      /output_layers: must be \[\["output", 0, 0\]\]/,
    ],
  ])('refuses model.json with %s before building anything', async (_name, change, pattern) => {
    await refused(edit('model.json', change), 'BUNDLE_INVALID', pattern);
  });

  it("refuses a topology of another architecture than the manifest's", async () => {
    const lstmTopology = json(files, 'model.json');
    const mixed = withJson(bowFiles, 'model.json', { ...json(bowFiles, 'model.json'), modelTopology: lstmTopology.modelTopology });
    await refused(mixed, 'BUNDLE_INVALID', /layer GlossaLSTM belongs to architecture "lstm", but the manifest says "bow"|no GlossaMaskedMean layer/);
  });
});

describe('unpackBundle on hostile archives', () => {
  const entry = (name: string, data = 'x'): Record<string, Uint8Array> => ({ [name]: enc.encode(data) });

  it.each([
    ['../../etc/passwd', /unsafe entry name "\.\.\/\.\.\/etc\/passwd": it leaves the bundle/],
    ['/etc/passwd', /unsafe entry name "\/etc\/passwd": it is an absolute path/],
    ['models/model.json', /it is in a sub-directory/],
    ['..\\evil', /it leaves the bundle/],
    ['.hidden', /it is not a plain file name/],
  ])('refuses an entry named %s before decompressing it', (name, pattern) => {
    const archive = zipSync({ ...files, ...entry(name) } as Record<string, Uint8Array>);
    expect(() => unpackBundle(archive)).toThrow(BundleError);
    expect(() => unpackBundle(archive)).toThrow(pattern);
  });

  it('refuses an archive with too many entries', () => {
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 65; i++) many[`f${i}.json`] = enc.encode('{}');
    expect(() => unpackBundle(zipSync(many))).toThrow(/more than 64 entries/);
  });

  it('refuses a zip bomb from its declared size, without allocating it', () => {
    const archive = zipSync({ 'weights.bin': [new Uint8Array(1000), { level: 9 }] });
    // Patch the central directory's uncompressed size to ~4 GB.
    const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
    let central = -1;
    for (let i = archive.length - 22; i >= 0; i--) {
      if (view.getUint32(i, true) === 0x02014b50) {
        central = i;
        break;
      }
    }
    expect(central).toBeGreaterThan(0);
    view.setUint32(central + 24, 0xfffffff0, true);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => unpackBundle(archive)).toThrow(/declares 4294967280 bytes uncompressed, over the 1073741824-byte limit \(a zip bomb/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses truncated, empty and foreign archives as BUNDLE_CORRUPT', () => {
    const packed = packBundle(files);
    for (const bytes of [packed.subarray(0, 40), packed.subarray(0, packed.length - 30), new Uint8Array([0x50, 0x4b, 0x03, 0x04]), enc.encode('hello')]) {
      let error: unknown;
      try {
        unpackBundle(bytes);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BundleError);
      expect((error as BundleError).code).toBe('BUNDLE_CORRUPT');
    }
  });

  it('loads a packed bundle whose manifest was tampered with the same BundleError as a directory', async () => {
    const tampered = edit('manifest.json', (m) => {
      m.files.weights = '../../etc/passwd';
    });
    await refused(unpackBundle(packBundle(tampered)), 'BUNDLE_INVALID', /files\.weights/);
  });
});
