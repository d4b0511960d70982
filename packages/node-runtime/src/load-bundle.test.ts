import { cp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BundleError, createTextClassifier, packBundle, unpackBundle } from '@glossa/model-core';
import { memory } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import { NodeRuntimeError } from './errors.js';
import { initBackend } from './init-backend.js';
import { loadBundle } from './load-bundle.js';
import { loadBundleFiles } from './load-bundle-files.js';
import { saveBundle } from './save-bundle.js';

// Damaged and tampered bundles on disk, as directories and as .glossa files: loadBundle ends in a
// BundleError (or a NodeRuntimeError for the path itself) that says which, never reads outside the bundle.

const tmp = useTempDir();
let source: string;
let sourceDir: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  sourceDir = await mkdtemp(join(tmpdir(), 'glossa-load-bundle-'));
  const clf = createTextClassifier({ architecture: 'bow', embeddingDim: 4, vocabSize: 100, maxLength: 10 });
  const rows = Array.from({ length: 40 }, (_, i) => ({ text: i % 2 ? 'great fun film' : 'dull poor plot', label: i % 2 ? 'pos' : 'neg' }));
  await clf.fit(rows, { epochs: 1, seed: 1, validationSplit: 0 });
  source = await saveBundle(clf, join(sourceDir, 'model'));
  clf.dispose();
  return () => rm(sourceDir, { recursive: true, force: true });
});

async function copyBundle(): Promise<string> {
  const dir = join(tmp(), 'model');
  await cp(source, dir, { recursive: true });
  return dir;
}

async function editManifest(dir: string, change: (manifest: Record<string, unknown>) => void): Promise<void> {
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  change(manifest);
  await writeFile(path, JSON.stringify(manifest));
}

async function refusal(path: string): Promise<BundleError | NodeRuntimeError> {
  const before = memory().numTensors;
  const error = await loadBundle(path).then(
    (loaded) => {
      loaded.dispose();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect(memory().numTensors).toBe(before);
  return error as BundleError;
}

describe('loadBundle on damaged bundle directories', () => {
  it('loads the untouched copy', async () => {
    const loaded = await loadBundle(await copyBundle());
    expect(loaded.labels).toEqual(['neg', 'pos']);
    loaded.dispose();
  });

  it.each(['manifest.json', 'preprocessing.json', 'model.json', 'weights.bin'])('names a missing %s', async (name) => {
    const dir = await copyBundle();
    await rm(join(dir, name));
    expect(await refusal(dir)).toMatchObject({ name: 'BundleError', code: 'BUNDLE_MISSING_FILE', message: expect.stringContaining(`${name} is missing`) });
  });

  it('refuses weights truncated on disk', async () => {
    const dir = await copyBundle();
    await truncate(join(dir, 'weights.bin'), 100);
    expect(await refusal(dir)).toMatchObject({
      code: 'BUNDLE_CORRUPT',
      message: expect.stringMatching(/weights\.bin has 100 bytes but the model needs \d+ \(truncated/),
    });
  });

  it('refuses a newer format version', async () => {
    const dir = await copyBundle();
    // Format 3 (quantized bundles) is read now: 4 is newer than any this release reads.
    await editManifest(dir, (m) => {
      m.formatVersion = 4;
    });
    expect(await refusal(dir)).toMatchObject({ code: 'BUNDLE_UNSUPPORTED_VERSION', message: expect.stringMatching(/format version 4/) });
  });

  it('never follows manifest paths out of the bundle', async () => {
    for (const weights of ['../../../../etc/passwd', '/etc/passwd', '..', 'sub/weights.bin']) {
      const dir = await copyBundle();
      await editManifest(dir, (m) => {
        m.files = { ...(m.files as object), weights };
      });
      expect(await refusal(dir)).toMatchObject({
        code: 'BUNDLE_INVALID',
        message: expect.stringMatching(/files\.weights: must be a plain file name inside the bundle/),
      });
      await rm(dir, { recursive: true });
    }
  });

  it('refuses a weights file that is a symbolic link leading out of the bundle', async () => {
    const dir = await copyBundle();
    await rm(join(dir, 'weights.bin'));
    await symlink('/etc/passwd', join(dir, 'weights.bin'));
    const error = await refusal(dir);
    expect(error).toBeInstanceOf(NodeRuntimeError);
    expect(error).toMatchObject({ code: 'INVALID_PATH', message: expect.stringMatching(/symbolic link leading outside the bundle directory/) });
  });

  it('refuses an unknown architecture and absurd sizes in the manifest', async () => {
    const dir = await copyBundle();
    await editManifest(dir, (m) => {
      m.architecture = 'mamba';
      m.options = { ...(m.options as object), vocabSize: 1e12 };
    });
    const error = await refusal(dir);
    expect(error).toMatchObject({ code: 'BUNDLE_INVALID' });
    expect((error as BundleError).problems.join('\n')).toMatch(/architecture[\s\S]*vocabSize/);
  });

  it('says a data file or a missing path is not a bundle', async () => {
    const csv = join(tmp(), 'data.csv');
    await writeFile(csv, 'text,label\na,b\n');
    expect(await refusal(csv)).toMatchObject({ code: 'BUNDLE_CORRUPT', message: expect.stringMatching(/not a packed Glossa bundle/) });
    expect(await refusal(join(tmp(), 'nope'))).toMatchObject({ code: 'INVALID_PATH', message: expect.stringMatching(/does not exist/) });
  });
});

describe('loadBundle on hostile .glossa files', () => {
  const packedFrom = async (dir: string): Promise<Record<string, Uint8Array>> => {
    const { readdir } = await import('node:fs/promises');
    const files: Record<string, Uint8Array> = {};
    for (const name of await readdir(dir)) files[name] = new Uint8Array(await readFile(join(dir, name)));
    return files;
  };

  it('loads a sound .glossa file and refuses one with an entry leaving the bundle', async () => {
    const files = await packedFrom(source);
    const good = join(tmp(), 'good.glossa');
    await writeFile(good, packBundle(files));
    (await loadBundle(good)).dispose();
    const evil = join(tmp(), 'evil.glossa');
    // Pack a harmless name, then rename the entry in place (same length, in both ZIP headers).
    const archive = Buffer.from(packBundle({ ...files, 'abcde.evil.sh': new TextEncoder().encode('rm -rf /') }));
    let renamed = 0;
    for (let at = archive.indexOf('abcde.evil.sh'); at !== -1; at = archive.indexOf('abcde.evil.sh', at + 1)) {
      archive.write('../../evil.sh', at, 'latin1');
      renamed++;
    }
    expect(renamed).toBe(2);
    await writeFile(evil, archive);
    expect(await refusal(evil)).toMatchObject({
      code: 'BUNDLE_CORRUPT',
      message: expect.stringMatching(/unsafe entry name "\.\.\/\.\.\/evil\.sh": it leaves the bundle/),
    });
  });

  it('refuses a truncated .glossa file', async () => {
    const path = join(tmp(), 'cut.glossa');
    const bytes = packBundle(await packedFrom(source));
    await writeFile(path, bytes.subarray(0, bytes.length >> 1));
    expect(await refusal(path)).toMatchObject({ code: 'BUNDLE_CORRUPT' });
    expect(() => unpackBundle(bytes.subarray(0, 10))).toThrow(/cannot be read|not a packed/);
  });
});

describe('loadBundleFiles options', () => {
  it.each([
    ['maxFileBytes', Number.NaN],
    ['maxFileBytes', -1],
    ['maxTotalBytes', 1.5],
    ['maxTotalBytes', Number.POSITIVE_INFINITY],
  ])('refuses %s = %s with the allowed range', async (name, value) => {
    await expect(loadBundleFiles(source, { [name]: value })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(new RegExp(`loadBundleFiles: ${name} must be an integer from 0 to 9007199254740991 \\(got ${String(value)}\\)`)),
    });
  });
});
