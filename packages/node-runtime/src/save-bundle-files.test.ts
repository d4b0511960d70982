import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import type { BundleFiles } from '@glossa/model-core';
import { NodeRuntimeError } from './errors.js';
import { loadBundleFiles } from './load-bundle-files.js';
import { saveBundleFiles } from './save-bundle-files.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

const v1: BundleFiles = {
  'manifest.json': encode('{"version":1}'),
  'weights.bin': new Uint8Array([0, 1, 2, 255]),
};
const v2: BundleFiles = {
  'manifest.json': encode('{"version":2}'),
  'vocab.json': encode('["a","b"]'),
};

async function errorOf(promise: Promise<unknown>): Promise<NodeRuntimeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NodeRuntimeError);
  return error as NodeRuntimeError;
}

describe('saveBundleFiles', () => {
  const tmp = useTempDir();

  it('round-trips a bundle through loadBundleFiles', async () => {
    const dir = join(tmp(), 'models', 'sentiment');
    await saveBundleFiles(dir, v1);
    expect(await loadBundleFiles(dir)).toEqual(v1);
    expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toBe('{"version":1}');
  });

  it('replaces a previous bundle completely, removing files the new one lacks', async () => {
    const dir = join(tmp(), 'bundle');
    await saveBundleFiles(dir, v1);
    await saveBundleFiles(dir, v2);
    expect(await loadBundleFiles(dir)).toEqual(v2);
    expect(await readdir(tmp())).toEqual(['bundle']);
  });

  it('keeps the previous bundle intact when a name is invalid after valid ones', async () => {
    const dir = join(tmp(), 'bundle');
    await saveBundleFiles(dir, v1);
    const broken = { ...v2, 'z-later': encode('x'), '../escape.json': encode('x') };
    const error = await errorOf(saveBundleFiles(dir, broken));
    expect(error.code).toBe('INVALID_PATH');
    expect(error.message).toMatch(/\.\.\/escape\.json/);
    expect(await loadBundleFiles(dir)).toEqual(v1);
    expect(await readdir(tmp())).toEqual(['bundle']);
  });

  it('keeps the previous bundle when the new content is not bytes', async () => {
    const dir = join(tmp(), 'bundle');
    await saveBundleFiles(dir, v1);
    const broken = { ...v2, 'bad.bin': 'not bytes' as unknown as Uint8Array };
    const error = await errorOf(saveBundleFiles(dir, broken));
    expect(error.code).toBe('STORAGE');
    expect(error.message).toMatch(/bad\.bin.*not a Uint8Array/);
    expect(await loadBundleFiles(dir)).toEqual(v1);
    expect(await readdir(tmp())).toEqual(['bundle']);
  });

  it.each([
    ['', /empty/],
    ['/abs.json', /absolute/],
    ['a\\b.json', /backslash/],
    ['..', /"\.\."/],
    ['sub/file.json', /sub-directories/],
    ['.hidden', /starts with "\."/],
    ['naïve.json', /characters other than/],
  ])('rejects the file name %j', async (name, why) => {
    const error = await errorOf(saveBundleFiles(join(tmp(), 'bundle'), { [name]: encode('x') }));
    expect(error.code).toBe('INVALID_PATH');
    expect(error.message).toMatch(why);
    expect(await readdir(tmp())).toEqual([]);
  });

  it('refuses to replace a regular file and leaves it as it was', async () => {
    const path = join(tmp(), 'bundle');
    await writeFile(path, 'precious');
    const error = await errorOf(saveBundleFiles(path, v1));
    expect(error.code).toBe('STORAGE');
    expect(error.message).toMatch(/not a directory/);
    expect(await readFile(path, 'utf8')).toBe('precious');
    expect(await readdir(tmp())).toEqual(['bundle']);
  });

  it('saves an empty bundle as an empty directory', async () => {
    const dir = join(tmp(), 'empty');
    await saveBundleFiles(dir, {});
    expect(await loadBundleFiles(dir)).toEqual({});
  });

  it('ends concurrent saves to one directory with one complete bundle', async () => {
    const dir = join(tmp(), 'bundle');
    await saveBundleFiles(dir, v1);
    const results = await Promise.allSettled([saveBundleFiles(dir, v1), saveBundleFiles(dir, v2)]);
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    expect([v1, v2]).toContainEqual(await loadBundleFiles(dir));
    expect(await readdir(tmp())).toEqual(['bundle']);
  });
});
