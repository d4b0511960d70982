import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';

/** A short random suffix for temporary names. */
export function randomSuffix(): string {
  return randomBytes(6).toString('hex');
}

/** Writes `bytes` to a new file at `path` (failing if it exists) and fsyncs it before closing. */
export async function writeFileSynced(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Fsyncs a directory so renames and new entries in it survive a crash. Some platforms (Windows) cannot
 * open directories for syncing; there the rename is as durable as the OS makes it and we carry on.
 */
export async function syncDirectory(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}

/** Removes a file or directory tree, ignoring "not found". */
export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** The `code` of a Node.js system error, if any. */
export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
