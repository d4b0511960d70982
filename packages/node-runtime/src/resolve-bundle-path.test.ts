import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveBundlePath } from './resolve-bundle-path.js';

const FIXTURE = fileURLToPath(new URL('../../model-core/test/fixtures/bundles-v1/bow.glossa', import.meta.url));

async function project(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'glossa-pkg-'));
  const pkg = join(root, 'node_modules', '@acme', 'model-reviews');
  await mkdir(pkg, { recursive: true });
  await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/model-reviews', version: '1.0.0', glossa: { bundle: 'reviews.glossa' } }));
  await copyFile(FIXTURE, join(pkg, 'reviews.glossa'));
  const other = join(root, 'node_modules', 'left-pad');
  await mkdir(other, { recursive: true });
  await writeFile(join(other, 'package.json'), JSON.stringify({ name: 'left-pad', version: '1.3.0' }));
  await mkdir(join(root, 'src', 'deep'), { recursive: true });
  return root;
}

describe('resolveBundlePath', () => {
  it('finds the bundle of an installed model package from any folder below the project, as Node finds packages', async () => {
    const root = await project();
    const expected = join(root, 'node_modules', '@acme', 'model-reviews', 'reviews.glossa');
    expect(await resolveBundlePath('@acme/model-reviews', { from: root })).toBe(expected);
    expect(await resolveBundlePath('@acme/model-reviews', { from: join(root, 'src', 'deep') })).toBe(expected);
  });

  it('keeps paths as paths: an existing file or directory wins over a package of the same name', async () => {
    const root = await project();
    expect(await resolveBundlePath(FIXTURE)).toBe(FIXTURE);
    await mkdir(join(root, 'left-pad'));
    const here = process.cwd();
    process.chdir(root);
    try {
      expect(await resolveBundlePath('left-pad')).toBe(join(root, 'left-pad'));
      // A bare name that is neither: left to the caller's "does not exist" message (more often a mistyped directory).
      expect(await resolveBundlePath('sentiment-model')).toBe(join(root, 'sentiment-model'));
    } finally {
      process.chdir(here);
    }
  });

  it('says to install a scoped package that is missing, and names a package that is not a model', async () => {
    const root = await project();
    await expect(resolveBundlePath('@acme/model-nope', { from: root })).rejects.toThrow(
      /@acme\/model-nope is neither a bundle here nor an installed model package: install it \(npm install @acme\/model-nope\)/,
    );
    await expect(resolveBundlePath('left-pad', { from: root })).rejects.toThrow(
      /left-pad is installed but is not a Glossa model package: its package\.json has no "glossa": \{ "bundle": "<file>" \} \(.*left-pad\/package\.json\)/,
    );
  });
});
