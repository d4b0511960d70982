import { lstat, mkdir, rename } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { BundleFiles } from '@glossa/model-core';
import { NodeRuntimeError } from './errors.js';
import { errnoCode, removeQuietly, syncDirectory, writeFileSynced } from './internal/fs-utils.js';
import { leftoverName, recoverLeftovers } from './internal/save-leftovers.js';
import { assertSafeName } from './internal/safe-name.js';
import { type Logger, silentLogger } from './logger.js';

/**
 * Options for {@link saveBundleFiles}.
 */
export interface SaveBundleFilesOptions {
  /** Receives a warning if an old copy cannot be removed after a successful save. */
  logger?: Logger;
}

function storageError(dir: string, error: unknown): NodeRuntimeError {
  if (error instanceof NodeRuntimeError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new NodeRuntimeError(
    'STORAGE',
    `saveBundleFiles: could not save the bundle to ${dir} (${detail}). Check that the parent directory is writable and the disk has space; the previous bundle, if any, is unchanged.`,
    { cause: error },
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Saves a bundle (a set of named files) into the directory `dir`, atomically: readers of `dir` see either
 * the complete previous bundle or the complete new one, never a mix.
 *
 * How: every file is written into a temporary sibling `<dir>.tmp-<pid>-<random>` and fsynced, then the
 * directory is fsynced. If `dir` exists it is renamed aside to `<dir>.old-<pid>-<random>`, the temporary
 * directory is renamed to `dir`, the parent directory is fsynced and the old copy is removed. Names are
 * checked as the files are written; any failure removes the temporary directory and, during the swap, puts
 * the old copy back. Node has no atomic directory exchange, so there is one window: between the two
 * renames (microseconds) `dir` does not exist; if the process is killed exactly then, the previous bundle
 * survives as `<dir>.old-<pid>-<random>`. Before writing, every save runs {@link recoverInterruptedSave}:
 * it puts such a copy back and removes the temporary entries of killed processes (a test kills saving
 * processes hundreds of times and checks this).
 *
 * @param dir - destination directory (created with its parents if missing)
 * @param files - file name → bytes; names must be flat and safe (letters, digits, `_`, `-`, `.`; no `/`,
 *   `\`, `..`, leading `.`)
 * @param options - see {@link SaveBundleFilesOptions}
 * @throws {@link NodeRuntimeError} `INVALID_PATH` for an unsafe name, `STORAGE` when the file system fails
 *   or `dir` exists and is not a directory
 * @example
 * ```ts
 * await saveBundleFiles('./models/sentiment', {
 *   'manifest.json': new TextEncoder().encode('{"format":"glossa-bundle"}'),
 *   'weights.bin': new Uint8Array([1, 2, 3]),
 * });
 * ```
 */
export async function saveBundleFiles(dir: string, files: BundleFiles, options: SaveBundleFilesOptions = {}): Promise<void> {
  const logger = options.logger ?? silentLogger;
  const target = resolve(dir);
  const parent = dirname(target);
  const base = basename(target);
  const tmp = join(parent, leftoverName(base, 'tmp'));

  try {
    await mkdir(parent, { recursive: true });
    const recovered = await recoverLeftovers(target);
    if (recovered.restored)
      logger.warn(`saveBundleFiles: ${dir} was missing after an interrupted save; restored the previous copy from ${recovered.restored} first.`);
    await mkdir(tmp);
  } catch (error) {
    throw storageError(dir, error);
  }
  try {
    for (const [name, bytes] of Object.entries(files)) {
      assertSafeName(name, 'saveBundleFiles');
      if (!(bytes instanceof Uint8Array)) {
        throw new NodeRuntimeError(
          'STORAGE',
          `saveBundleFiles: the content of "${name}" is not a Uint8Array (got ${typeof bytes}). Pass file contents as bytes, e.g. new TextEncoder().encode(text).`,
        );
      }
      await writeFileSynced(join(tmp, name), bytes);
    }
    await syncDirectory(tmp);
  } catch (error) {
    await removeQuietly(tmp);
    throw storageError(dir, error);
  }

  let old: string | undefined;
  try {
    const stat = await lstat(target).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    });
    if (stat !== undefined) {
      if (!stat.isDirectory()) {
        throw new NodeRuntimeError('STORAGE', `saveBundleFiles: ${dir} exists and is not a directory. Remove it or choose another path for the bundle.`);
      }
      old = join(parent, leftoverName(base, 'old'));
      await rename(target, old);
    }
    await rename(tmp, target);
  } catch (error) {
    if (old !== undefined) {
      // Put the previous bundle back if nothing took its place; if something did (a concurrent save
      // won), the aside copy is stale.
      if (!(await exists(target).catch(() => true))) await rename(old, target).catch(() => undefined);
      else await removeQuietly(old).catch(() => undefined);
    }
    await removeQuietly(tmp).catch(() => undefined);
    throw storageError(dir, error);
  }

  try {
    await syncDirectory(parent);
  } catch (error) {
    logger.warn(`saveBundleFiles: could not fsync ${parent} (${String(error)}); the bundle is saved but may not survive a power loss.`);
  }
  if (old !== undefined) {
    try {
      await removeQuietly(old);
    } catch (error) {
      logger.warn(`saveBundleFiles: saved ${dir} but could not remove the previous copy at ${old} (${String(error)}). Delete it by hand.`);
    }
  }
}
