import { type TextClassifier, packBundle, serializeBundle } from '@glossa/model-core';

/**
 * The packed single-file `.glossa` form of a trained classifier as a `Blob` (type `application/zip`), for
 * uploads, `URL.createObjectURL` or the File System Access API.
 *
 * @param classifier - A trained classifier.
 * @returns The bundle as a Blob; `glossa predict` and `loadBundleFromBlob` read it.
 * @throws `BundleError` when the classifier is not trained.
 * @example
 * ```ts
 * await fetch('/upload', { method: 'POST', body: await bundleToBlob(classifier) });
 * ```
 */
export async function bundleToBlob(classifier: TextClassifier): Promise<Blob> {
  const bytes = packBundle(await serializeBundle(classifier));
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
}
