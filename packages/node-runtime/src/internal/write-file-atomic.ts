import { mkdir, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { removeQuietly, syncDirectory, writeFileSynced } from './fs-utils.js';
import { leftoverName, recoverLeftovers } from './save-leftovers.js';

/**
 * Writes one file atomically: a temporary sibling `.<name>.tmp-<pid>-<random>` is written and fsynced, then
 * renamed over `path`, and the directory is fsynced. A crash at any moment leaves the old file or the new
 * one, never a half-written file; temporary files of killed processes are removed by the next write.
 * Throws the file system's error (the caller wraps it).
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const parent = dirname(path);
  await mkdir(parent, { recursive: true });
  await recoverLeftovers(path).catch(() => undefined);
  const tmp = join(parent, leftoverName(basename(path), 'file-tmp'));
  try {
    await writeFileSynced(tmp, bytes);
    await rename(tmp, path);
  } catch (error) {
    await removeQuietly(tmp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(parent);
}
