import { resolve } from 'node:path';
import { NodeRuntimeError } from './errors.js';
import { recoverLeftovers } from './internal/save-leftovers.js';
import { type Logger, silentLogger } from './logger.js';

/** What {@link recoverInterruptedSave} did. */
export interface SaveRecovery {
  /** The previous copy that was renamed back to the bundle path, if any. */
  restored: string | undefined;
  /** Temporary or stale entries that were removed. */
  removed: string[];
}

/**
 * Repairs what a save of the bundle (directory or `.glossa` file) at `path` left behind when its process
 * was killed. Saves are atomic, so the bundle is always the complete old or the complete new one, except
 * in one case: a directory save killed between its two renames (a window of microseconds) leaves no
 * directory at `path` and the previous bundle as `<path>.old-<pid>-<random>`. This puts that copy back, and
 * removes temporary `<path>.tmp-*` / `.<name>.tmp-*` entries and stale `.old-*` copies of processes that no
 * longer run. Entries of a save still running in another process are left alone.
 *
 * {@link saveBundleFiles}, {@link saveBundle} and checkpoint stores call it before they write, so the next
 * save repairs a killed one; call it before reading a bundle that a killed process may have been saving.
 *
 * @param path - A bundle directory or `.glossa` file (which may not exist).
 * @param options - Optional logger (told what was restored or removed).
 * @returns What was restored and removed.
 * @throws {@link NodeRuntimeError} `STORAGE` when the parent directory cannot be read.
 * @example
 * ```ts
 * const { restored } = await recoverInterruptedSave('./models/sentiment');
 * if (restored) console.log(`recovered the previous bundle from ${restored}`);
 * ```
 */
export async function recoverInterruptedSave(path: string, options: { logger?: Logger } = {}): Promise<SaveRecovery> {
  const logger = options.logger ?? silentLogger;
  const target = resolve(path);
  let result: SaveRecovery;
  try {
    result = await recoverLeftovers(target);
  } catch (cause) {
    throw new NodeRuntimeError(
      'STORAGE',
      `recoverInterruptedSave: could not inspect the directory of ${target} (${(cause as Error).message}). Check its permissions.`,
      { cause },
    );
  }
  if (result.restored) logger.warn(`${target} was missing after an interrupted save; restored the previous copy from ${result.restored}.`);
  if (result.removed.length > 0) logger.debug?.(`removed ${result.removed.length} leftover(s) of interrupted saves: ${result.removed.join(', ')}`);
  return result;
}
