/**
 * The one place where the CLI touches `@glossa/node-runtime` (which re-exports `@glossa/model-core`)
 * and `@glossa/math`. Both are loaded lazily, so `--help`, `--version` and usage errors never pay for
 * TensorFlow.js start-up; only node-runtime's table of data formats (`@glossa/node-runtime/formats`, no
 * TensorFlow.js) is imported up front.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from './cli-error.js';
import { cliVersion, readPackageVersion } from './internal/version.js';

export { formatFromExtension, recordPlace } from '@glossa/node-runtime/formats';

export type {
  Architecture,
  BackendCandidate,
  BackendChoice,
  BackendReport,
  BundleManifest,
  DataFormat,
  EvaluationReport,
  FitOptions,
  FitResult,
  LabeledRecord,
  LabeledText,
  Logger,
  PortfolioReport,
  PredictionRecord,
  TextClassifier,
  TextClassifierOptions,
  TokenizerType,
  TrainingEvent,
} from '@glossa/node-runtime';

import type { BackendChoice, BackendReport, Logger, TextClassifier } from '@glossa/node-runtime';

/** The `@glossa/node-runtime` module as the CLI uses it. */
export type RuntimeApi = typeof import('@glossa/node-runtime');
/** The `@glossa/math` module as the CLI uses it. */
export type MathApi = typeof import('@glossa/math');

let runtimePromise: Promise<RuntimeApi> | undefined;

function loadFailure(specifier: string, error: unknown): CliError {
  const message = error instanceof Error ? error.message : String(error);
  return new CliError('RUNTIME', `cannot load ${specifier} (${message}). Reinstall glossa.`, {
    cause: error,
  });
}

/**
 * Loads `@glossa/node-runtime` once.
 *
 * @returns The runtime module.
 * @throws {CliError} RUNTIME when the package cannot be loaded.
 * @example
 * ```ts
 * const runtime = await loadRuntime();
 * ```
 */
export function loadRuntime(): Promise<RuntimeApi> {
  runtimePromise ??= import('@glossa/node-runtime').catch((error: unknown) => {
    runtimePromise = undefined;
    throw loadFailure('@glossa/node-runtime', error);
  });
  return runtimePromise;
}

let mathPromise: Promise<MathApi> | undefined;

/**
 * Loads `@glossa/math` once.
 *
 * @returns The math module.
 * @throws {CliError} RUNTIME when the package cannot be loaded.
 * @example
 * ```ts
 * const math = await loadMath();
 * ```
 */
export function loadMath(): Promise<MathApi> {
  mathPromise ??= import('@glossa/math').catch((error: unknown) => {
    mathPromise = undefined;
    throw loadFailure('@glossa/math', error);
  });
  return mathPromise;
}

// ---------------------------------------------------------------------------------------------
// Compositions used by several commands
// ---------------------------------------------------------------------------------------------

/**
 * Chooses and initialises the tfjs backend for a job.
 *
 * @param runtime - The loaded runtime.
 * @param job - What the backend will be used for.
 * @param backend - The user's choice (default `auto`).
 * @param logger - Where node-runtime reports (optional).
 * @returns What was chosen and why.
 * @throws Whatever `initBackend` throws (e.g. an unavailable backend was forced).
 * @example
 * ```ts
 * const report = await initBackendFor(runtime, 'train', 'auto');
 * ```
 */
export async function initBackendFor(runtime: RuntimeApi, job: 'train' | 'predict', backend: BackendChoice = 'auto', logger?: Logger): Promise<BackendReport> {
  return runtime.initBackend({ backend, job, ...(logger === undefined ? {} : { logger }) });
}

/**
 * Size on disk of a bundle: the file itself, or the files in the bundle directory.
 *
 * @param path - Bundle directory or `.glossa` file.
 * @returns Bytes.
 * @throws Whatever the file system throws.
 * @example
 * ```ts
 * await bundleBytesOnDisk('./model');
 * ```
 */
export async function bundleBytesOnDisk(path: string): Promise<number> {
  const info = await stat(path);
  if (info.isFile()) return info.size;
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(path, entry.name))).size;
  }
  return total;
}

/**
 * Writes a trained classifier as a bundle directory, or as one packed file when `out` ends in
 * `.glossa` (node-runtime's `saveBundle`: serializeBundle + saveBundleFiles / packBundle, atomic).
 *
 * @param runtime - The loaded runtime.
 * @param classifier - A trained classifier.
 * @param out - Target directory or `.glossa` file.
 * @param logger - Where node-runtime reports (optional).
 * @returns The absolute path written and its size in bytes.
 * @throws Whatever serialisation or the file system throws.
 * @example
 * ```ts
 * const { path } = await saveClassifier(runtime, classifier, './model');
 * ```
 */
export async function saveClassifier(runtime: RuntimeApi, classifier: TextClassifier, out: string, logger?: Logger): Promise<{ path: string; bytes: number }> {
  const path = await runtime.saveBundle(classifier, out, logger === undefined ? {} : { logger });
  return { path, bytes: await bundleBytesOnDisk(path) };
}

/**
 * Loads a bundle (directory or packed file) into a ready-to-use classifier.
 *
 * @param runtime - The loaded runtime.
 * @param path - Bundle directory or file.
 * @returns The classifier.
 * @throws NodeRuntimeError when the path does not exist; BundleError when the bundle is invalid.
 * @example
 * ```ts
 * const classifier = await loadClassifier(runtime, './model');
 * ```
 */
export function loadClassifier(runtime: RuntimeApi, path: string): Promise<TextClassifier> {
  return runtime.loadBundle(path);
}

/**
 * Versions of the glossa packages this CLI runs with.
 *
 * @param runtime - The loaded runtime (for the model-core version).
 * @returns Package name → version.
 * @example
 * ```ts
 * glossaVersions(runtime)['@glossa/cli'];
 * ```
 */
export function glossaVersions(runtime: RuntimeApi): Record<string, string> {
  const versions: Record<string, string> = { '@glossa/cli': cliVersion() };
  const nodeRuntime = readPackageVersion('@glossa/node-runtime/package.json');
  if (nodeRuntime !== undefined) versions['@glossa/node-runtime'] = nodeRuntime;
  versions['@glossa/model-core'] = runtime.MODEL_CORE_VERSION;
  return versions;
}

/**
 * Seeded stratified split of labelled items: `@glossa/math`'s `stratifiedSplitBy` (classes numbered in
 * sorted order), loaded lazily.
 *
 * @param items - Items with a `label`.
 * @param testFraction - Share of each class put in the test part, in (0, 1).
 * @param seed - Random seed.
 * @returns The train and test parts (each shuffled).
 * @throws {CliError} RUNTIME when `@glossa/math` is unavailable; MathError on invalid arguments.
 * @example
 * ```ts
 * const { train, test } = await splitStratified(data, 0.2, 42);
 * ```
 */
export async function splitStratified<T extends { label: string }>(
  items: readonly T[],
  testFraction: number,
  seed: number,
): Promise<{ train: T[]; test: T[] }> {
  const math = await loadMath();
  return math.stratifiedSplitBy(items, (item) => item.label, testFraction, math.createRng(seed));
}
