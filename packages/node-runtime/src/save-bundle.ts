import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type TextClassifier, packBundle, serializeBundle } from '@glossa/model-core';
import { NodeRuntimeError } from './errors.js';
import { writeFileAtomic } from './internal/write-file-atomic.js';
import { type Logger, silentLogger } from './logger.js';
import { saveBundleFiles } from './save-bundle-files.js';

/** The extension of the single-file bundle form (a ZIP archive). */
export const PACKED_BUNDLE_EXTENSION = '.glossa';

/**
 * Saves a trained classifier as a bundle: a directory (`manifest.json`, `preprocessing.json`,
 * `model.json`, `weights.bin`), or, when `path` ends with `.glossa`, one packed file. Atomic either way: a
 * process killed at any moment leaves the previous bundle or the new one, never a mix (see
 * {@link saveBundleFiles} and {@link recoverInterruptedSave}).
 *
 * @param classifier - A trained classifier.
 * @param path - Target directory, or a `.glossa` file.
 * @param options - Optional logger.
 * @returns The absolute path written.
 * @throws {@link NodeRuntimeError} `STORAGE` when the files cannot be written; `BundleError` when the classifier is untrained.
 * @example
 * ```ts
 * await saveBundle(classifier, 'sentiment-model');
 * await saveBundle(classifier, 'sentiment.glossa');
 * ```
 */
export async function saveBundle(classifier: TextClassifier, path: string, options: { logger?: Logger } = {}): Promise<string> {
  const logger = options.logger ?? silentLogger;
  const target = resolve(path);
  const files = await serializeBundle(classifier);
  if (target.endsWith(PACKED_BUNDLE_EXTENSION)) {
    try {
      await writeFileAtomic(target, packBundle(files));
    } catch (cause) {
      throw new NodeRuntimeError(
        'STORAGE',
        `saveBundle: could not write ${target} (${(cause as Error).message}). Check the path and free space; the previous file, if any, is unchanged.`,
        {
          cause,
        },
      );
    }
  } else {
    await saveBundleFiles(target, files, { logger });
  }
  logger.info(`saved bundle to ${target}`);
  return target;
}

/**
 * Whether `path` is an existing packed (single-file) bundle rather than a directory.
 *
 * @param path - A bundle path.
 * @returns True for a regular file.
 * @example
 * ```ts
 * if (await isPackedBundlePath('model.glossa')) console.log('single file');
 * ```
 */
export async function isPackedBundlePath(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
