import { BundleError, type BundleStore, type TextClassifier, deserializeBundle, isPackedBundle, unpackBundle } from '@glossa/model-core';
import { WebRuntimeError } from './errors.js';

/**
 * Loads a classifier saved with {@link saveBundleToStore} (or any packed `.glossa` bytes written to the
 * store).
 *
 * @param store - The store, e.g. {@link createIndexedDbStore}.
 * @param name - The key the bundle was saved under.
 * @returns The classifier, ready to predict.
 * @throws {@link WebRuntimeError} `NOT_FOUND` when nothing is stored under `name`; `BundleError` when the
 *   stored bytes are not a valid bundle; the store's errors.
 * @example
 * ```ts
 * const classifier = await loadBundleFromStore(createIndexedDbStore(), 'sentiment.glossa');
 * ```
 */
export async function loadBundleFromStore(store: BundleStore, name: string): Promise<TextClassifier> {
  const bytes = await store.read(name);
  if (bytes === undefined) {
    const names = await store.list();
    throw new WebRuntimeError(
      'NOT_FOUND',
      `loadBundleFromStore: no bundle is stored under "${name}" (stored: ${names.length > 0 ? names.map((n) => JSON.stringify(n)).join(', ') : 'none'}). Save it first with saveBundleToStore.`,
    );
  }
  if (!isPackedBundle(bytes)) {
    throw new BundleError(
      'BUNDLE_CORRUPT',
      `loadBundleFromStore: the value under "${name}" is not a packed .glossa bundle (${bytes.length} bytes). Save it again with saveBundleToStore.`,
      [name],
    );
  }
  return deserializeBundle(unpackBundle(bytes));
}
