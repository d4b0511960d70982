import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import type { BundleFiles } from '@glossa/model-core';
import { NodeRuntimeError } from './errors.js';
import { checkNumberOption } from './internal/check-option.js';
import { errnoCode } from './internal/fs-utils.js';
import { findLeftovers, isProcessAlive } from './internal/save-leftovers.js';

/**
 * Options for {@link loadBundleFiles}.
 */
export interface LoadBundleFilesOptions {
  /** Largest single file accepted, in bytes. Default 512 MiB. */
  maxFileBytes?: number;
  /** Largest total size accepted, in bytes. Default 1 GiB. */
  maxTotalBytes?: number;
}

const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;
const DEFAULT_MAX_TOTAL_BYTES = 1024 * 1024 * 1024;

async function leftoverCopies(dir: string): Promise<string[]> {
  try {
    const base = basename(dir);
    const siblings = await readdir(dirname(dir));
    return siblings.filter((name) => name.startsWith(`${base}.old-`)).map((name) => join(dirname(dir), name));
  } catch {
    return [];
  }
}

/**
 * Reads every regular file directly inside `dir` (not recursive; names starting with `.` are ignored) into
 * a {@link BundleFiles} map. A symbolic link is followed only if it stays inside `dir`.
 *
 * @param dir - the bundle directory written by {@link saveBundleFiles}
 * @param options - size limits, see {@link LoadBundleFilesOptions}
 * @returns file name → bytes
 * @throws {@link NodeRuntimeError} `INVALID_OPTION` for a limit that is not a whole number of bytes; `STORAGE` when `dir` is missing, not a directory or unreadable;
 *   `INVALID_PATH` for a symlink pointing outside `dir`; `LIMIT_EXCEEDED` when a file or the total is too big
 * @example
 * ```ts
 * const files = await loadBundleFiles('./models/sentiment');
 * const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
 * ```
 */
export async function loadBundleFiles(dir: string, options: LoadBundleFilesOptions = {}): Promise<BundleFiles> {
  const maxFileBytes = checkNumberOption('loadBundleFiles', 'maxFileBytes', options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, 0, Number.MAX_SAFE_INTEGER, true);
  const maxTotalBytes = checkNumberOption(
    'loadBundleFiles',
    'maxTotalBytes',
    options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES,
    0,
    Number.MAX_SAFE_INTEGER,
    true,
  );
  // A save replaces the directory by renaming a new one into place. If that happens while the files are
  // read, some would come from each bundle: the directory's identity is compared before and after, and
  // the read is repeated (the rename is atomic, so a repeated read sees one bundle).
  const deadline = Date.now() + CONCURRENT_SAVE_WAIT_MS;
  const busy = (attempts: number): NodeRuntimeError =>
    new NodeRuntimeError(
      'STORAGE',
      `loadBundleFiles: ${dir} kept changing while it was read (${attempts} attempts in ${CONCURRENT_SAVE_WAIT_MS / 1000} s): another process is saving bundles there. Try again when it has finished.`,
    );
  for (let attempt = 1; ; attempt++) {
    const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.min(5 * 2 ** attempt, 100)));
    const before = await stat(dir).catch(() => undefined);
    let files: BundleFiles;
    try {
      files = await readDirectoryOnce(dir, maxFileBytes, maxTotalBytes);
    } catch (error) {
      // Between a save's two renames the directory is briefly absent (its previous copy set aside), and a
      // read that overlapped a swap fails on files that moved: try again while that is what happened.
      const now = await stat(dir).catch(() => undefined);
      const moved = before === undefined || now === undefined || before.ino !== now.ino || before.ctimeMs !== now.ctimeMs;
      const midSave = moved && (now !== undefined || (await liveSaveUnderway(dir)));
      if (!midSave) throw error;
      if (Date.now() >= deadline) throw busy(attempt);
      await pause();
      continue;
    }
    const after = await stat(dir).catch(() => undefined);
    const same = before !== undefined && after !== undefined && before.ino === after.ino && before.dev === after.dev && before.ctimeMs === after.ctimeMs;
    if (same) return files;
    if (Date.now() >= deadline) throw busy(attempt);
    await pause();
  }
}

/** Whether a process that is still running has set `dir`'s previous copy aside (a save between its renames). */
async function liveSaveUnderway(dir: string): Promise<boolean> {
  const leftovers = await findLeftovers(dir).catch(() => []);
  return leftovers.some((l) => l.kind === 'old' && l.pid !== undefined && isProcessAlive(l.pid));
}

/** How long a load keeps retrying while another process keeps replacing the directory. */
const CONCURRENT_SAVE_WAIT_MS = 2000;

async function readDirectoryOnce(dir: string, maxFileBytes: number, maxTotalBytes: number): Promise<BundleFiles> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) {
      throw new NodeRuntimeError('STORAGE', `loadBundleFiles: ${dir} is not a directory. Pass the bundle directory (the one containing manifest.json).`);
    }
    const realDir = await realpath(dir);
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const files: BundleFiles = {};
    let total = 0;
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      let source = path;
      if (entry.isSymbolicLink()) {
        const real = await realpath(path).catch((error: unknown) => {
          throw new NodeRuntimeError('STORAGE', `loadBundleFiles: ${path} is a symbolic link to a missing file. Replace it with the file itself.`, {
            cause: error,
          });
        });
        const rel = relative(realDir, real);
        if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
          throw new NodeRuntimeError(
            'INVALID_PATH',
            `loadBundleFiles: ${path} is a symbolic link leading outside the bundle directory (to ${real}). Copy the file into the bundle instead of linking it.`,
          );
        }
        source = real;
      } else if (!entry.isFile()) {
        continue;
      }
      const fileInfo = await lstat(source);
      if (!fileInfo.isFile()) continue;
      if (fileInfo.size > maxFileBytes) {
        throw new NodeRuntimeError(
          'LIMIT_EXCEEDED',
          `loadBundleFiles: ${path} is ${fileInfo.size} bytes, more than maxFileBytes (${maxFileBytes}). Raise maxFileBytes if the file is expected to be this large.`,
        );
      }
      total += fileInfo.size;
      if (total > maxTotalBytes) {
        throw new NodeRuntimeError(
          'LIMIT_EXCEEDED',
          `loadBundleFiles: the files in ${dir} add up to more than maxTotalBytes (${maxTotalBytes}). Raise maxTotalBytes if the bundle is expected to be this large.`,
        );
      }
      const buffer = await readFile(source);
      files[entry.name] = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    }
    return files;
  } catch (error) {
    if (error instanceof NodeRuntimeError) throw error;
    if (errnoCode(error) === 'ENOENT') {
      const copies = await leftoverCopies(dir);
      const hint =
        copies.length > 0
          ? ` A previous copy exists at ${copies.join(', ')} (left by an interrupted save); rename it to ${dir} to recover it.`
          : ' Check the path, or save a bundle there first.';
      throw new NodeRuntimeError('STORAGE', `loadBundleFiles: the bundle directory ${dir} does not exist.${hint}`, {
        cause: error,
      });
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new NodeRuntimeError('STORAGE', `loadBundleFiles: could not read ${dir} (${detail}). Check its permissions.`, {
      cause: error,
    });
  }
}
