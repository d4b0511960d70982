import type { TextClassifier } from '@glossa/model-core';
import { bundleToBlob } from './bundle-to-blob.js';
import { WebRuntimeError } from './errors.js';

/**
 * Offers a trained classifier to the user as a downloaded `.glossa` file (an anchor with an object URL,
 * clicked programmatically). Call it from a user gesture (a click handler) so browsers allow the download.
 *
 * @param classifier - A trained classifier.
 * @param filename - Name of the downloaded file. Default `'model.glossa'`.
 * @throws {@link WebRuntimeError} `INVALID_OPTION` outside a page (no `document`, e.g. in a worker: post the
 *   bytes to the page instead); `BundleError` when the classifier is not trained.
 * @example
 * ```ts
 * button.onclick = () => downloadBundle(classifier, 'my-sentiment.glossa');
 * ```
 */
export async function downloadBundle(classifier: TextClassifier, filename = 'model.glossa'): Promise<void> {
  const doc = (globalThis as { document?: Document }).document;
  if (doc === undefined) {
    throw new WebRuntimeError(
      'INVALID_OPTION',
      'downloadBundle: there is no document here (a worker or Node). Call it in the page, or use bundleToBlob and hand the Blob to the page.',
    );
  }
  const url = URL.createObjectURL(await bundleToBlob(classifier));
  const anchor = doc.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  anchor.rel = 'noopener';
  anchor.style.display = 'none';
  doc.body.append(anchor);
  try {
    anchor.click();
  } finally {
    anchor.remove();
    // Revoking at once cancels the download in some browsers; give it time to start.
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
  }
}
