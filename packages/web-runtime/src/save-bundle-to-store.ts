import { type BundleStore, type TextClassifier, packBundle, serializeBundle } from '@glossa/model-core';

/**
 * Saves a trained classifier in a {@link BundleStore} (IndexedDB in the browser) as the packed single-file
 * `.glossa` form — the same bytes `glossa train` writes and {@link loadBundleFromStore} reads.
 *
 * @param classifier - A trained classifier.
 * @param store - Where to save it, e.g. {@link createIndexedDbStore}.
 * @param name - Key to save under, a flat name such as `"sentiment.glossa"`.
 * @throws `BundleError` when the classifier is not trained; the store's errors (`INVALID_KEY`, `STORAGE`).
 * @example
 * ```ts
 * await saveBundleToStore(classifier, createIndexedDbStore(), 'sentiment.glossa');
 * ```
 */
export async function saveBundleToStore(classifier: TextClassifier, store: BundleStore, name: string): Promise<void> {
  await store.write(name, packBundle(await serializeBundle(classifier)));
}
