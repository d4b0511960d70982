import { readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BundleStore } from '@glossa/model-core';
import { NodeRuntimeError } from './errors.js';
import { errnoCode } from './internal/fs-utils.js';
import { assertSafeName, isSafeName } from './internal/safe-name.js';
import { writeFileAtomic } from './internal/write-file-atomic.js';

function storageError(what: string, rootDir: string, error: unknown): NodeRuntimeError {
  if (error instanceof NodeRuntimeError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new NodeRuntimeError(
    'STORAGE',
    `createFileStore: ${what} in ${rootDir} failed (${detail}). Check that the directory is writable and the disk has space.`,
    { cause: error },
  );
}

/**
 * A {@link BundleStore} keeping one file per key in `rootDir` (created on first write).
 *
 * Keys are flat, safe file names (letters, digits, `_`, `-`, `.`; not starting with `.`). Writes are
 * atomic: the bytes go to a temporary `.<key>.tmp-<pid>-<random>` file in `rootDir`, are fsynced, and the
 * file is renamed over the key, so a reader sees the old or the new value, never a torn one, even if the
 * process is killed; a later write of the key removes temporary files of killed processes.
 *
 * @param rootDir - directory holding the entries
 * @returns the store
 * @throws {@link NodeRuntimeError} from its methods: `INVALID_PATH` for an unsafe key, `STORAGE` for
 *   file-system failures
 * @example
 * ```ts
 * const store = createFileStore('./cache');
 * await store.write('vocab.json', new TextEncoder().encode('["a","b"]'));
 * console.log(await store.list()); // ['vocab.json']
 * ```
 */
export function createFileStore(rootDir: string): BundleStore {
  const root = resolve(rootDir);
  return {
    async read(key) {
      assertSafeName(key, 'createFileStore.read');
      try {
        const buffer = await readFile(join(root, key));
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') return undefined;
        throw storageError(`reading "${key}"`, rootDir, error);
      }
    },
    async write(key, bytes) {
      assertSafeName(key, 'createFileStore.write');
      try {
        await writeFileAtomic(join(root, key), bytes);
      } catch (error) {
        throw storageError(`writing "${key}"`, rootDir, error);
      }
    },
    async list() {
      try {
        const entries = await readdir(root, { withFileTypes: true });
        return entries
          .filter((entry) => entry.isFile() && isSafeName(entry.name))
          .map((entry) => entry.name)
          .sort();
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') return [];
        throw storageError('listing', rootDir, error);
      }
    },
    async remove(key) {
      assertSafeName(key, 'createFileStore.remove');
      try {
        await rm(join(root, key), { force: true });
      } catch (error) {
        throw storageError(`removing "${key}"`, rootDir, error);
      }
    },
  };
}
