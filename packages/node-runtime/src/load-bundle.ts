import { readFile, stat } from 'node:fs/promises';
import { type BundleFiles, type TextClassifier, deserializeBundle, unpackBundle } from '@glossa/model-core';
import { NodeRuntimeError } from './errors.js';
import { loadBundleFiles } from './load-bundle-files.js';
import { recoverInterruptedSave } from './recover-interrupted-save.js';
import { resolveBundlePath } from './resolve-bundle-path.js';

const MAX_PACKED_BYTES = 1024 * 1024 * 1024;

/**
 * Reads a bundle's files from a directory, a packed `.glossa` file or an installed model package (see
 * {@link resolveBundlePath}), without building the model.
 *
 * @param path - A bundle directory, packed file, or model package name (`@glossa/model-sentiment-en`).
 * @returns The bundle files.
 * @throws {@link NodeRuntimeError} `STORAGE` / `INVALID_PATH` when the path is missing or unreadable; `BundleError` for a damaged archive.
 * @example
 * ```ts
 * const files = await readBundleFiles('sentiment-model');
 * ```
 */
export async function readBundleFiles(path: string): Promise<BundleFiles> {
  const target = await resolveBundlePath(path);
  // Put back a bundle that a save killed mid-swap left aside (and wait out a save in progress); where the
  // location is read-only there is nothing to repair.
  await recoverInterruptedSave(target).catch(() => undefined);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(target);
  } catch (cause) {
    throw new NodeRuntimeError(
      'INVALID_PATH',
      `${target} does not exist: no model there. Pass the directory or .glossa file that \`glossa train --out\` wrote, or an installed model package's name (e.g. @glossa/model-sentiment-en).`,
      { cause },
    );
  }
  if (info.isDirectory()) return loadBundleFiles(target);
  if (info.size > MAX_PACKED_BYTES) {
    throw new NodeRuntimeError('LIMIT_EXCEEDED', `loadBundle: ${target} is ${info.size} bytes, over the ${MAX_PACKED_BYTES}-byte limit for a packed bundle.`);
  }
  return unpackBundle(new Uint8Array(await readFile(target)));
}

/**
 * Loads a trained classifier from a bundle directory, a packed `.glossa` file or an installed model package
 * (`@glossa/model-sentiment-en`), validating every file. Loading never evaluates code.
 *
 * @param path - A bundle directory, packed file, or model package name.
 * @returns The classifier, ready to predict.
 * @throws {@link NodeRuntimeError} when the path cannot be read; `BundleError` naming the file and problem when the bundle is invalid.
 * @example
 * ```ts
 * const classifier = await loadBundle('sentiment-model');
 * console.log(await classifier.predict(['what a film']));
 * ```
 */
export async function loadBundle(path: string): Promise<TextClassifier> {
  return deserializeBundle(await readBundleFiles(path));
}
