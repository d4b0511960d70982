import {
  BUNDLE_FILE_NAMES,
  type BundleFiles,
  BundleError,
  type TextClassifier,
  bundleFileNames,
  deserializeBundle,
  isPackedBundle,
  modelPackageBundle,
  parseModelPackageSpec,
  readManifest,
  unpackBundle,
} from '@glossa/model-core';

/** Options of {@link fetchBundle}. */
export interface FetchBundleOptions {
  /** The `fetch` to use (default: the global one). */
  fetch?: (input: string, init?: { signal?: AbortSignal }) => Promise<Response>;
  /** Cancels the download. */
  signal?: AbortSignal;
  /**
   * Where model packages (`@glossa/model-sentiment-en`) are fetched from: `<packageCdn><name>[@version]/package.json`,
   * then the bundle it names. Default jsDelivr's npm mirror, `https://cdn.jsdelivr.net/npm/`; give your own
   * mirror (e.g. a directory served next to the app holding `node_modules`) for offline or private use.
   */
  packageCdn?: string;
}

/** The default {@link FetchBundleOptions.packageCdn}. */
export const DEFAULT_PACKAGE_CDN = 'https://cdn.jsdelivr.net/npm/';

async function getBytes(url: string, options: FetchBundleOptions): Promise<Uint8Array> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let response: Response;
  try {
    response = await doFetch(url, options.signal ? { signal: options.signal } : undefined);
  } catch (cause) {
    throw new BundleError(
      'BUNDLE_MISSING_FILE',
      `fetchBundle: could not download ${url} (${(cause as Error).message}). Check the URL and the network.`,
      [url],
      { cause },
    );
  }
  if (!response.ok) {
    throw new BundleError('BUNDLE_MISSING_FILE', `fetchBundle: ${url} answered HTTP ${response.status}. Check that the bundle is published at that URL.`, [
      `${url}: HTTP ${response.status}`,
    ]);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Downloads a bundle's files: a packed `.glossa` file, a bundle directory served over HTTP (the URL of
 * the directory, ending in `/`, or of its `manifest.json`), or a model package by name
 * (`@glossa/model-sentiment-en`, optionally `@version`) from {@link FetchBundleOptions.packageCdn}. A relative
 * URL that could be a package name (no `/`, no `.glossa`) is read as one: write it `./model`.
 *
 * @param url - Where the bundle is published, or a model package name.
 * @param options - A custom `fetch`, an abort signal, the package CDN.
 * @returns The bundle files.
 * @throws `BundleError` when a file cannot be downloaded or the archive is damaged.
 * @example
 * ```ts
 * const files = await fetchBundleFiles('/models/sentiment.glossa');
 * ```
 */
export async function fetchBundleFiles(url: string, options: FetchBundleOptions = {}): Promise<BundleFiles> {
  const pkg = parseModelPackageSpec(url);
  if (pkg !== undefined) {
    const cdn = options.packageCdn ?? DEFAULT_PACKAGE_CDN;
    const base = `${cdn.endsWith('/') ? cdn : `${cdn}/`}${pkg.name}${pkg.version === undefined ? '' : `@${pkg.version}`}/`;
    let manifest: unknown;
    try {
      manifest = JSON.parse(new TextDecoder().decode(await getBytes(`${base}package.json`, options)));
    } catch (cause) {
      if (cause instanceof BundleError) {
        throw new BundleError(
          cause.code,
          `fetchBundle: ${url} reads as a model package name, and ${base}package.json could not be fetched (${cause.message.replace(/^fetchBundle: /, '')}). Check the name and packageCdn, or write a relative URL as ./${url}.`,
          cause.problems,
          { cause },
        );
      }
      throw new BundleError('BUNDLE_CORRUPT', `fetchBundle: ${base}package.json is not valid JSON.`, [`${base}package.json`], { cause });
    }
    let bundle: string;
    try {
      bundle = modelPackageBundle(manifest, pkg.name);
    } catch (cause) {
      throw new BundleError('BUNDLE_CORRUPT', `fetchBundle: ${(cause as Error).message} (${base}package.json).`, [`${base}package.json`], { cause });
    }
    return fetchBundleFiles(base + bundle, options);
  }
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
 * @param url - A `.glossa` file URL, a bundle directory URL ending in `/`, or a model package name (`@glossa/model-sentiment-en`).
 * @param options - A custom `fetch`, an abort signal, the package CDN (default jsDelivr).
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
