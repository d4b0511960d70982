import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { basename, dirname, join } from 'node:path';
import { removeQuietly, syncDirectory } from './internal/fs-utils.js';
import { leftoverName, recoverLeftovers } from './internal/save-leftovers.js';

/** A file being written whole or not at all. */
export interface AtomicWriteStream {
  /** Write here (a temporary sibling of the target). */
  readonly stream: WriteStream;
  /** Ends the stream, fsyncs it and renames it over the target (then fsyncs the directory). */
  commit(): Promise<void>;
  /** Ends the stream and removes the temporary file; the target is untouched. Safe after a failure. */
  abort(): Promise<void>;
}

/**
 * Opens a large output file for streaming, written atomically: the data goes to a temporary sibling
 * `.<name>.tmp-<pid>-<random>` that replaces `path` only on {@link AtomicWriteStream.commit}. A crash or an
 * error at any moment leaves the old file (or none), never a half-written one; temporary files of killed
 * processes are removed by the next write to the same path.
 *
 * @param path - The target file.
 * @returns The stream and how to finish it.
 * @throws Whatever the file system throws (e.g. ENOENT for a missing directory is avoided: parents are created).
 * @example
 * ```ts
 * const out = await openAtomicWriteStream('scores.jsonl');
 * out.stream.write('{"label":"pos"}\n');
 * await out.commit();
 * ```
 */
export async function openAtomicWriteStream(path: string): Promise<AtomicWriteStream> {
  const parent = dirname(path);
  await mkdir(parent, { recursive: true });
  await recoverLeftovers(path).catch(() => undefined);
  const tmp = join(parent, leftoverName(basename(path), 'file-tmp'));
  const stream = createWriteStream(tmp, { flags: 'wx' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  let settled = false;
  return {
    stream,
    async commit() {
      if (settled) return;
      settled = true;
      try {
        await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
        await finished(stream).catch(() => undefined);
        // fs.WriteStream exposes no fsync: reopen and sync before the rename makes the file visible.
        const handle = await open(tmp, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(tmp, path);
      } catch (error) {
        await removeQuietly(tmp).catch(() => undefined);
        throw error;
      }
      await syncDirectory(parent);
    },
    async abort() {
      if (settled) return;
      settled = true;
      stream.destroy();
      await finished(stream).catch(() => undefined);
      await removeQuietly(tmp).catch(() => undefined);
    },
  };
}
