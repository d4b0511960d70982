import { memory } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { type BundleFiles, deserializeBundle, serializeBundle } from './bundle.js';
import { BundleError } from './errors.js';
import { packBundle, unpackBundle } from './pack.js';
import { type TextClassifier, createTextClassifier } from './text-classifier.js';

// Arbitrary and mutated manifests, topologies and bytes, and random archives: the loader either returns
// a working classifier or throws a BundleError — never another error, never a hang, never a leaked
// tensor, never a polluted Object.prototype.

const enc = new TextEncoder();
const dec = new TextDecoder();

let clf: TextClassifier;
let files: BundleFiles;
let packed: Uint8Array;

beforeAll(async () => {
  clf = createTextClassifier({ architecture: 'cnn', embeddingDim: 4, units: 4, kernelSize: 2, vocabSize: 60, maxLength: 12, dropout: 0.1 });
  await clf.fit(syntheticSentiment(40, 9), { epochs: 1, seed: 1, validationSplit: 0 });
  files = await serializeBundle(clf);
  packed = packBundle(files);
});
afterAll(() => clf.dispose());

/** Loads `candidate`; only a BundleError may escape, and no tensor may be left behind. */
async function loadsOrRefuses(candidate: () => BundleFiles): Promise<void> {
  const before = memory().numTensors;
  try {
    const loaded = await deserializeBundle(candidate());
    const [prediction] = await loaded.predict(['great film']);
    expect(loaded.labels).toContain(prediction?.label);
    loaded.dispose();
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    expect(error.message).toMatch(/^Bundle: /);
  }
  expect(memory().numTensors).toBe(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

type JsonPath = Array<string | number>;

function pathsOf(value: unknown, prefix: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(prefix);
  if (out.length > 5000) return out;
  if (Array.isArray(value)) {
    value.slice(0, 50).forEach((child, i) => {
      pathsOf(child, [...prefix, i], out);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) pathsOf(child, [...prefix, key], out);
  }
  return out;
}

function replaceAt(root: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = replacement;
  return copy;
}

const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    1e12,
    -1,
    0,
    0.5,
    2 ** 31,
    1e308,
    '',
    '../../etc/passwd',
    '/etc/passwd',
    'constructor',
    '__proto__',
    'Lambda',
    'x'.repeat(10_000),
    null,
    [],
    {},
  ),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}}') as unknown),
);

// GLOSSA_FUZZ_RUNS=2000 runs a longer search locally; CI keeps it short.
const limits = {
  numRuns: Number(process.env.GLOSSA_FUZZ_RUNS ?? 80),
  timeout: 10_000,
  interruptAfterTimeLimit: 60_000,
  markInterruptAsFailure: false,
} as const;

describe('deserializeBundle on arbitrary input', () => {
  it('refuses an arbitrary manifest with a BundleError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.jsonValue(), fc.object({ key: fc.constantFrom('__proto__', 'format', 'formatVersion', 'files', 'options', 'labels', 'constructor') })),
        async (manifest) => {
          await loadsOrRefuses(() => ({ ...files, 'manifest.json': enc.encode(JSON.stringify(manifest)) }));
        },
      ),
      limits,
    );
  });

  it.each(['manifest.json', 'preprocessing.json', 'model.json'])('loads or refuses %s with one value replaced anywhere', async (name) => {
    const original = JSON.parse(dec.decode(files[name])) as unknown;
    const paths = pathsOf(original);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: paths.length - 1 }), hostile, async (index, replacement) => {
        const mutated = replaceAt(original, paths[index]!, replacement);
        await loadsOrRefuses(() => ({ ...files, [name]: enc.encode(JSON.stringify(mutated)) }));
      }),
      limits,
    );
  });

  it('loads or refuses a bundle with bytes flipped, cut or appended in any file', async () => {
    const names = Object.keys(files);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('flip', 'cut', 'append'),
        async (name, edits, how) => {
          await loadsOrRefuses(() => {
            const bytes = new Uint8Array(files[name]!);
            if (how === 'cut') return { ...files, [name]: bytes.subarray(0, edits[0]![0] % (bytes.length + 1)) };
            if (how === 'append') return { ...files, [name]: Uint8Array.from([...bytes, ...edits.map(([, b]) => b)]) };
            for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
            return { ...files, [name]: bytes };
          });
        },
      ),
      limits,
    );
  });
});

describe('unpackBundle on arbitrary archives', () => {
  it('refuses random bytes behind a ZIP header with a BundleError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (tail) => {
        const bytes = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...tail]);
        try {
          unpackBundle(bytes);
        } catch (error) {
          if (!(error instanceof BundleError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('loads or refuses a packed bundle with bytes flipped or cut', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.boolean(), async (edits, cut) => {
        const bytes = new Uint8Array(packed);
        for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
        const damaged = cut ? bytes.subarray(0, edits[0]![0] % bytes.length) : bytes;
        let unpacked: BundleFiles | undefined;
        try {
          unpacked = unpackBundle(damaged);
        } catch (error) {
          if (!(error instanceof BundleError)) throw error;
        }
        if (unpacked !== undefined) await loadsOrRefuses(() => unpacked);
      }),
      limits,
    );
  });
});
