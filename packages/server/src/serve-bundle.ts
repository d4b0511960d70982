import { basename, resolve } from 'node:path';
import {
  type BackendChoice,
  type BackendReport,
  type BundleFiles,
  type BundleManifest,
  deserializeBundle,
  initBackend,
  type Logger,
  readBundleFiles,
  readManifest,
  resolveBundlePath,
  serializeBundle,
  type TextClassifier,
} from '@glossa/node-runtime';
import { bundleId } from './bundle-id.js';
import type { ServeModel } from './serve-controller.js';

/**
 * What a server can serve: a bundle directory or `.glossa` file, an installed model package's name
 * (`@glossa/model-sentiment-en`), a bundle's files (`BundleFiles`) or a loaded classifier.
 */
export type ServeBundle = string | BundleFiles | TextClassifier;

/** Options of {@link openServeBundle} and {@link loadServeModel}. */
export interface ServeBundleOptions {
  /** Where model package names are resolved from, as Node finds packages (default: the working directory). */
  from?: string;
  /** The model's name in answers (default: the bundle's directory, file or package name; `model` for files or a classifier). */
  name?: string;
  /**
   * The TensorFlow.js backend to build the model on (node-runtime's `initBackend`; default `auto`, or
   * `GLOSSA_BACKEND`). Not used for a loaded classifier, which stays where it is.
   */
  backend?: BackendChoice;
  /** Where the backend choice is reported (node-runtime's `Logger`; default: nowhere). */
  logger?: Logger;
}

/** A bundle whose files have been read and checked, before its model is built. */
export interface OpenedServeBundle {
  /** The bundle's manifest. */
  readonly manifest: BundleManifest;
  /** The content id ({@link bundleId}). */
  readonly id: string;
  /** The model's name in answers. */
  readonly name: string;
  /** The backend the model will be built on (initialised here), unless a loaded classifier was given. */
  readonly backend: BackendReport | undefined;
  /** Whether {@link OpenedServeBundle.load} builds a new classifier (which whoever loads it disposes), rather than handing back the one given. */
  readonly builds: boolean;
  /** Builds the classifier from the files, or hands back the classifier that was given. */
  load(): Promise<TextClassifier>;
}

function isClassifier(bundle: ServeBundle): bundle is TextClassifier {
  return typeof (bundle as Partial<TextClassifier>).predictProbabilities === 'function';
}

/**
 * Reads a bundle's files and manifest and computes its id, without building the model: the cheap checks (a
 * missing path, an uninstalled package, a damaged manifest) fail here, before a server listens. Unless a loaded
 * classifier is given, it then initialises the TensorFlow.js backend the model will be built on.
 *
 * @param bundle - A path, a model package name, bundle files or a loaded classifier.
 * @param options - Where to resolve package names from, the name to show, the backend.
 * @returns The opened bundle.
 * @throws `NodeRuntimeError` for a missing path or package; `BundleError` for a damaged bundle.
 * @example
 * ```ts
 * const opened = await openServeBundle('@glossa/model-sentiment-en');
 * opened.manifest.labels; // ['negative', 'positive']
 * const classifier = await opened.load();
 * ```
 */
export async function openServeBundle(bundle: ServeBundle, options: ServeBundleOptions = {}): Promise<OpenedServeBundle> {
  let files: BundleFiles;
  let name = options.name ?? 'model';
  if (typeof bundle === 'string') {
    files = await readBundleFiles(await resolveBundlePath(bundle, options.from === undefined ? {} : { from: options.from }));
    name = options.name ?? basename(resolve(bundle)).replace(/\.glossa$/, '');
  } else if (isClassifier(bundle)) {
    files = await serializeBundle(bundle);
  } else {
    files = bundle;
  }
  const manifest = readManifest(files);
  const given = isClassifier(bundle) ? bundle : undefined;
  const backend =
    given === undefined
      ? await initBackend({
          job: 'predict',
          ...(options.backend === undefined ? {} : { backend: options.backend }),
          ...(options.logger === undefined ? {} : { logger: options.logger }),
        })
      : undefined;
  return {
    manifest,
    id: bundleId(files),
    name,
    backend,
    builds: given === undefined,
    load: () => (given === undefined ? deserializeBundle(files) : Promise.resolve(given)),
  };
}

/**
 * Loads a bundle as a {@link ServeModel} for the {@link glossaServe} plugin: manifest, id, name, backend and the
 * classifier, built on the backend it initialises (yours to dispose when it was built here, i.e. unless you passed
 * a classifier).
 *
 * @param bundle - A path, a model package name, bundle files or a loaded classifier.
 * @param options - Where to resolve package names from, the name to show, the backend.
 * @returns The model.
 * @throws `NodeRuntimeError` for a missing path or package; `BundleError` for a damaged bundle.
 * @example
 * ```ts
 * const model = await loadServeModel('@glossa/model-sentiment-en');
 * await app.register(glossaServe, { model, prefix: '/sentiment' });
 * ```
 */
export async function loadServeModel(bundle: ServeBundle, options: ServeBundleOptions = {}): Promise<ServeModel> {
  const opened = await openServeBundle(bundle, options);
  return {
    classifier: await opened.load(),
    manifest: opened.manifest,
    id: opened.id,
    name: opened.name,
    ...(opened.backend === undefined ? {} : { backend: opened.backend.backend }),
  };
}
