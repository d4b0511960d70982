import { BUNDLE_FILE_NAMES, type BundleFiles, BundleError, type TextClassifier, bundleFileNames, deserializeBundle, isPackedBundle, readManifest, unpackBundle } from '@glossa/model-core';

/** Options of {@link fetchBundle}. */
export interface FetchBundleOptions {
  /** The `fetch` to use (default: the global one). */
  fetch?: (input: string, init?: { signal?: AbortSignal }) => Promise<Response>;
  /** Cancels the download. */
  signal?: AbortSignal;
}

async function getBytes(url: string, options: FetchBundleOptions): Promise<Uint8Array> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let response: Response;
  try {
    response = await doFetch(url, options.signal ? { signal: options.signal } : undefined);
  } catch (cause) {
    throw new BundleError('BUNDLE_MISSING_FILE', `fetchBundle: could not download ${url} (${(cause as Error).message}). Check the URL and the network.`, [url], { cause });
  }
  if (!response.ok) {
    throw new BundleError('BUNDLE_MISSING_FILE', `fetchBundle: ${url} answered HTTP ${response.status}. Check that the bundle is published at that URL.`, [`${url}: HTTP ${response.status}`]);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Downloads a bundle's files: a packed `.glossa` file, or a bundle directory served over HTTP (the URL of
 * the directory, ending in `/`, or of its `manifest.json`).
 *
 * @param url - Where the bundle is published.
 * @param options - A custom `fetch` or an abort signal.
 * @returns The bundle files.
 * @throws `BundleError` when a file cannot be downloaded or the archive is damaged.
 * @example
 * ```ts
 * const files = await fetchBundleFiles('/models/sentiment.glossa');
 * ```
 */
export async function fetchBundleFiles(url: string, options: FetchBundleOptions = {}): Promise<BundleFiles> {
  const isDirectory = url.endsWith('/') || url.endsWith(`/${BUNDLE_FILE_NAMES.manifest}`);
  if (!isDirectory) {
    const bytes = await getBytes(url, options);
    if (!isPackedBundle(bytes)) {
      throw new BundleError('BUNDLE_CORRUPT', `fetchBundle: ${url} is not a packed .glossa bundle. For a bundle directory, pass its URL ending in "/".`, [url]);
    }
    return unpackBundle(bytes);
  }
  const base = url.endsWith('/') ? url : url.slice(0, -BUNDLE_FILE_NAMES.manifest.length);
  const files: BundleFiles = { [BUNDLE_FILE_NAMES.manifest]: await getBytes(base + BUNDLE_FILE_NAMES.manifest, options) };
  const manifest = readManifest(files);
  const names = bundleFileNames(manifest);
  const contents = await Promise.all(names.map((name) => getBytes(base + name, options)));
  names.forEach((name, i) => {
    files[name] = contents[i]!;
  });
  return files;
}

/**
 * Downloads and loads a trained classifier, the same bundle that `@glossa/node-runtime` saves.
 *
 * @param url - A `.glossa` file URL, or a bundle directory URL ending in `/`.
 * @param options - A custom `fetch` or an abort signal.
 * @returns The classifier, ready to predict.
 * @throws `BundleError` when the bundle cannot be downloaded or is invalid.
 * @example
 * ```ts
 * const classifier = await fetchBundle('/models/sentiment.glossa');
 * const [p] = await classifier.predict(['loved it']);
 * ```
 */
export async function fetchBundle(url: string, options: FetchBundleOptions = {}): Promise<TextClassifier> {
  return deserializeBundle(await fetchBundleFiles(url, options));
}

/**
 * Loads a classifier from the bytes of a packed `.glossa` file (a `File` or `Blob` dropped on the page).
 *
 * @param source - The packed bundle as bytes, or a `Blob`/`File`.
 * @returns The classifier.
 * @throws `BundleError` when the bytes are not a valid bundle.
 * @example
 * ```ts
 * input.onchange = async () => { classifier = await loadBundleFromBlob(input.files![0]!); };
 * ```
 */
export async function loadBundleFromBlob(source: Blob | Uint8Array): Promise<TextClassifier> {
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(await source.arrayBuffer());
  return deserializeBundle(unpackBundle(bytes));
}
