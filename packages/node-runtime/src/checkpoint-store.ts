import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type TrainingCheckpoint, deserializeCheckpoint, serializeCheckpoint } from '@glossa/model-core';
import { NodeRuntimeError } from './errors.js';
import { errnoCode, removeQuietly } from './internal/fs-utils.js';
import { findLeftovers } from './internal/save-leftovers.js';
import { loadBundleFiles } from './load-bundle-files.js';
import { type Logger, silentLogger } from './logger.js';
import { recoverInterruptedSave } from './recover-interrupted-save.js';
import { saveBundleFiles } from './save-bundle-files.js';

/** Options of {@link createCheckpointStore}. */
export interface CheckpointStoreOptions {
  /** Told about recovered interrupted saves and cleanup problems. */
  logger?: Logger;
}

/**
 * Keeps the latest training checkpoint of a run in one directory; see {@link createCheckpointStore}.
 *
 * @example
 * ```ts
 * const store: CheckpointStore = createCheckpointStore('./model.checkpoint');
 * await classifier.fit(data, { onCheckpoint: store.save });
 * ```
 */
export interface CheckpointStore {
  /** The absolute checkpoint directory. */
  readonly path: string;
  /**
   * Replaces the stored checkpoint atomically (like a bundle save: a process killed at any moment leaves the
   * previous checkpoint or the new one). A bound function, so it can be passed as `FitOptions.onCheckpoint`.
   */
  save(checkpoint: TrainingCheckpoint): Promise<void>;
  /** The stored checkpoint, or `undefined` when there is none. Repairs an interrupted save first. */
  load(): Promise<TrainingCheckpoint | undefined>;
  /** Whether a checkpoint is stored. */
  exists(): Promise<boolean>;
  /** Deletes the checkpoint (e.g. once the final bundle is saved) and any leftovers of interrupted saves. */
  remove(): Promise<void>;
}

const MAX_FILE_BYTES = 4 * 1024 * 1024 * 1024;

/**
 * A {@link CheckpointStore} in directory `dir` (created on first save): the files of
 * `serializeCheckpoint` (`checkpoint.json`, `preprocessing.json`, `tensors.bin`) saved with
 * {@link saveBundleFiles}, so every save is atomic and a killed save is repaired by the next load or save.
 *
 * @param dir - Checkpoint directory, e.g. `<bundle>.checkpoint`.
 * @param options - Optional logger.
 * @returns The store.
 * @throws {@link NodeRuntimeError} `STORAGE` from its methods when the file system fails; `BundleError` from
 *   `load` when the stored checkpoint is damaged.
 * @example
 * ```ts
 * const store = createCheckpointStore('./model.checkpoint');
 * const resumeFrom = await store.load();
 * await classifier.fit(data, { epochs: 10, onCheckpoint: store.save, ...(resumeFrom ? { resumeFrom } : {}) });
 * await saveBundle(classifier, './model');
 * await store.remove();
 * ```
 */
export function createCheckpointStore(dir: string, options: CheckpointStoreOptions = {}): CheckpointStore {
  const path = resolve(dir);
  const logger = options.logger ?? silentLogger;
  const exists = async (): Promise<boolean> => {
    await recoverInterruptedSave(path, { logger });
    try {
      return (await lstat(path)).isDirectory();
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return false;
      throw new NodeRuntimeError('STORAGE', `createCheckpointStore: cannot read ${path} (${(error as Error).message}). Check its permissions.`, {
        cause: error,
      });
    }
  };
  return {
    path,
    save: async (checkpoint) => {
      await saveBundleFiles(path, serializeCheckpoint(checkpoint), { logger });
    },
    load: async () => {
      if (!(await exists())) return undefined;
      return deserializeCheckpoint(await loadBundleFiles(path, { maxFileBytes: MAX_FILE_BYTES, maxTotalBytes: MAX_FILE_BYTES }));
    },
    exists,
    remove: async () => {
      try {
        await removeQuietly(path);
        for (const leftover of await findLeftovers(path)) await removeQuietly(leftover.path);
      } catch (error) {
        throw new NodeRuntimeError('STORAGE', `createCheckpointStore: could not remove ${path} (${(error as Error).message}). Delete it by hand.`, {
          cause: error,
        });
      }
    },
  };
}
