import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import { NodeRuntimeError } from './errors.js';
import { loadBundleFiles } from './load-bundle-files.js';
import { saveBundleFiles } from './save-bundle-files.js';

const v1 = { 'manifest.json': new TextEncoder().encode('{"version":1}'), 'weights.bin': new Uint8Array([0, 1, 2, 255]) };

async function errorOf(promise: Promise<unknown>): Promise<NodeRuntimeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NodeRuntimeError);
  return error as NodeRuntimeError;
}

describe('loadBundleFiles', () => {
  const tmp = useTempDir();

  it('reports a missing directory, pointing at a copy left by an interrupted save', async () => {
    const dir = join(tmp(), 'bundle');
    const plain = await errorOf(loadBundleFiles(dir));
    expect(plain.code).toBe('STORAGE');
    expect(plain.message).toMatch(/does not exist/);
    await mkdir(join(tmp(), 'bundle.old-123abc'));
    const withCopy = await errorOf(loadBundleFiles(dir));
    expect(withCopy.message).toMatch(/bundle\.old-123abc/);
  });

  it('reports a path that is not a directory', async () => {
    const path = join(tmp(), 'file.json');
    await writeFile(path, '{}');
    const error = await errorOf(loadBundleFiles(path));
    expect(error.message).toMatch(/is not a directory/);
  });

  it('reads regular files only, skipping sub-directories and dot-files', async () => {
    const dir = join(tmp(), 'bundle');
    await saveBundleFiles(dir, v1);
    await mkdir(join(dir, 'nested'));
    await writeFile(join(dir, 'nested', 'inner.bin'), 'x');
    await writeFile(join(dir, '.DS_Store'), 'x');
    expect(Object.keys(await loadBundleFiles(dir)).sort()).toEqual(['manifest.json', 'weights.bin']);
  });

  it('follows a symlink inside the directory but refuses one leading outside', async () => {
    const dir = join(tmp(), 'bundle');
    await saveBundleFiles(dir, v1);
    await symlink(join(dir, 'weights.bin'), join(dir, 'alias.bin'));
    expect((await loadBundleFiles(dir))['alias.bin']).toEqual(v1['weights.bin']);
    await writeFile(join(tmp(), 'secret.txt'), 'secret');
    await symlink(join(tmp(), 'secret.txt'), join(dir, 'leak.txt'));
    const error = await errorOf(loadBundleFiles(dir));
    expect(error.code).toBe('INVALID_PATH');
    expect(error.message).toMatch(/leak\.txt.*outside the bundle directory/);
  });

  it('enforces the size limits', async () => {
    const dir = join(tmp(), 'bundle');
    await saveBundleFiles(dir, { 'a.bin': new Uint8Array(100), 'b.bin': new Uint8Array(100) });
    expect((await errorOf(loadBundleFiles(dir, { maxFileBytes: 99 }))).code).toBe('LIMIT_EXCEEDED');
    const total = await errorOf(loadBundleFiles(dir, { maxTotalBytes: 150 }));
    expect(total.code).toBe('LIMIT_EXCEEDED');
    expect(total.message).toMatch(/maxTotalBytes \(150\)/);
    expect(Object.keys(await loadBundleFiles(dir, { maxFileBytes: 100, maxTotalBytes: 200 }))).toHaveLength(2);
  });
});
