import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBundleStoreContract } from '../test/store-contract.js';
import { useTempDir } from '../test/temp-dir.js';
import { createFileStore } from './create-file-store.js';
import { NodeRuntimeError } from './errors.js';

const created: string[] = [];
runBundleStoreContract(
  'createFileStore',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'glossa-store-'));
    created.push(dir);
    // A sub-directory that does not exist yet: the store creates it on first write.
    return createFileStore(join(dir, 'store'));
  },
  {
    invalidKeys: ['', '../escape', 'a/b', '/etc/passwd', 'a\\b', '.hidden', 'with space', 'C:evil'],
    cleanup: async () => {
      await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  },
);

describe('createFileStore', () => {
  const dir = useTempDir();

  it('keeps one file per key and leaves no temporary files behind', async () => {
    const store = createFileStore(dir());
    await store.write('a.bin', new Uint8Array([1]));
    await store.write('a.bin', new Uint8Array([2]));
    await store.write('b.bin', new Uint8Array([3]));
    expect((await readdir(dir())).sort()).toEqual(['a.bin', 'b.bin']);
  });

  it('ignores foreign and temporary files when listing', async () => {
    const store = createFileStore(dir());
    await writeFile(join(dir(), '.tmp-abc'), 'partial');
    await writeFile(join(dir(), 'not a key'), 'x');
    await store.write('real', new Uint8Array([1]));
    expect(await store.list()).toEqual(['real']);
  });

  it('throws INVALID_PATH explaining why a key is refused', async () => {
    const store = createFileStore(dir());
    const error = await store.write('../up', new Uint8Array([1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeRuntimeError);
    expect((error as NodeRuntimeError).code).toBe('INVALID_PATH');
    expect((error as Error).message).toMatch(/contains "\.\."/);
  });
});
