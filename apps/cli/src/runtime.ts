/**
 * The one place where the CLI touches `@glossa/node-runtime` (and `@glossa/math`).
 *
 * Every name the CLI uses from those packages is listed in {@link RuntimeApi} / {@link MathApi},
 * written from their briefs. The packages are loaded lazily (so `--help`, `--version` and usage
 * errors never pay for TensorFlow.js start-up) and checked name by name, so a missing export is a
 * one-line error naming it instead of `undefined is not a function`.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CliError } from './cli-error.js';
import { cliVersion, readPackageVersion } from './internal/version.js';
import { writeFileAtomic } from './internal/write-file-atomic.js';

// ---------------------------------------------------------------------------------------------
// model-core types (see notes/MODEL_CORE_API.md; re-exported by node-runtime)
// ---------------------------------------------------------------------------------------------

/** Model architecture. */
export type Architecture = 'lstm' | 'bow' | 'cnn';
/** Tokenizer kind. */
export type TokenizerType = 'word' | 'whitespace' | 'char' | 'char-ngram';

/** Hyper-parameters of a classifier. */
export interface TextClassifierOptions {
  architecture?: Architecture;
  embeddingDim?: number;
  units?: number;
  dropout?: number;
  maxLength?: number;
  vocabSize?: number;
  minFrequency?: number;
  tokenizer?: TokenizerType;
  learningRate?: number;
}

/** One training example. */
export interface LabeledText {
  text: string;
  label: string;
}

/** Progress events emitted by `fit`. */
export type TrainingEvent =
  | {
      type: 'start';
      epochs: number;
      batchesPerEpoch: number;
      trainSize: number;
      validationSize: number;
      labels: string[];
      vocabularySize: number;
    }
  | {
      type: 'batch';
      epoch: number;
      batch: number;
      batchesPerEpoch: number;
      loss: number;
      accuracy: number;
    }
  | {
      type: 'epoch';
      epoch: number;
      epochs: number;
      loss: number;
      accuracy: number;
      valLoss?: number;
      valAccuracy?: number;
      seconds: number;
      samplesPerSecond: number;
    }
  | { type: 'end'; epochsRun: number; bestEpoch: number; stoppedEarly: boolean; trainSeconds: number };

/** Options of `fit`. */
export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  validationSplit?: number;
  validationData?: readonly LabeledText[];
  seed?: number;
  onProgress?: (event: TrainingEvent) => void;
  signal?: AbortSignal;
}

/** Per-epoch training log. */
export interface EpochLog {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  seconds: number;
  samplesPerSecond: number;
}

/** Classification metrics. */
export interface EvaluationReport {
  n: number;
  labels: string[];
  accuracy: number;
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  weightedF1: number;
  logLoss: number;
  rocAuc?: number;
  perClass: Array<{ label: string; precision: number; recall: number; f1: number; support: number }>;
  confusionMatrix: number[][];
  unknownLabels?: Array<{ label: string; count: number }>;
}

/** Result of `fit`. */
export interface FitResult {
  epochsRun: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  history: EpochLog[];
  trainSeconds: number;
  trainSamplesPerSecond: number;
  validation?: EvaluationReport;
  trainSize?: number;
  validationSize?: number;
}

/** One prediction. */
export interface Prediction {
  label: string;
  scores: Record<string, number>;
}

/** Bundle manifest (`manifest.json`). */
export interface BundleManifest {
  format: 'glossa-bundle';
  formatVersion: number;
  task: 'text-classification';
  labels: string[];
  architecture: Architecture;
  options: Required<TextClassifierOptions>;
  preprocessing: { file: string };
  model: { topology: string; weights: string };
  training?: {
    seed: number;
    epochsRun: number;
    bestEpoch: number;
    trainSize: number;
    dataFingerprint: string;
    trainSeconds: number;
  };
  metrics?: { validation?: EvaluationReport };
  createdBy: { name: string; version: string };
  createdAt: string;
}

/** A trainable text classifier. */
export interface TextClassifier {
  readonly options: Required<TextClassifierOptions>;
  readonly labels: readonly string[];
  readonly isTrained: boolean;
  fit(examples: readonly LabeledText[], options?: FitOptions): Promise<FitResult>;
  evaluate(
    examples: readonly LabeledText[],
    options?: { batchSize?: number },
  ): Promise<EvaluationReport>;
  predict(texts: readonly string[], options?: { batchSize?: number }): Promise<Prediction[]>;
  dispose(): void;
}

/** A bundle as named files. */
export type BundleFiles = Record<string, Uint8Array>;

// ---------------------------------------------------------------------------------------------
// node-runtime types (from its brief)
// ---------------------------------------------------------------------------------------------

/** Backend names accepted by `initBackend`. */
export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** One backend candidate considered by `initBackend`. */
export interface BackendCandidate {
  name: string;
  available: boolean;
  missingKernels: string[];
  error?: string;
}

/** What `initBackend` chose and why. */
export interface BackendReport {
  backend: string;
  reason: string;
  candidates: BackendCandidate[];
  versions: { tfjsCore: string; tfjsLayers?: string; tfjsNode?: string; node: string };
}

/** Where node-runtime reports what it does. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug?(message: string): void;
}

/** Options of `initBackend`. */
export interface InitBackendOptions {
  backend?: BackendChoice;
  job?: 'train' | 'predict';
  requiredKernels?: readonly string[];
  logger?: Logger;
}

/** Data file format. */
export type DataFormat = 'csv' | 'tsv' | 'jsonl';

/** Options of `loadLabeledTexts`. */
export interface LoadLabeledTextsOptions {
  format?: DataFormat;
  textColumn?: string;
  labelColumn?: string;
  onBadRow?: 'fail' | 'skip';
}

/** Result of `loadLabeledTexts`. */
export interface LoadLabeledTextsResult {
  records: LabeledText[];
  skipped: number;
  problems: ReadonlyArray<unknown>;
}

/** Everything the CLI uses from `@glossa/node-runtime`. */
export interface RuntimeApi {
  createTextClassifier(options?: TextClassifierOptions): TextClassifier;
  serializeBundle(classifier: TextClassifier): Promise<BundleFiles>;
  deserializeBundle(files: BundleFiles): Promise<TextClassifier>;
  readManifest(files: BundleFiles): BundleManifest;
  packBundle(files: BundleFiles): Uint8Array;
  unpackBundle(bytes: Uint8Array): BundleFiles;
  isPackedBundle(bytes: Uint8Array): boolean;
  requiredKernels?(job: 'train' | 'predict'): string[];
  initBackend(options?: InitBackendOptions): Promise<BackendReport>;
  listBackends(options?: { requiredKernels?: readonly string[] }): Promise<BackendCandidate[]>;
  saveBundleFiles(dir: string, files: BundleFiles): Promise<void>;
  loadBundleFiles(dir: string): Promise<BundleFiles>;
  loadLabeledTexts(path: string, options?: LoadLabeledTextsOptions): Promise<LoadLabeledTextsResult>;
  MODEL_CORE_VERSION?: string;
}

/** The seeded generator of `@glossa/math` (only passed through by the CLI). */
export interface Rng {
  readonly seed: number;
  next(): number;
}

/** Everything the CLI uses from `@glossa/math`. */
export interface MathApi {
  createRng(seed: number): Rng;
  stratifiedSplit(
    labels: ArrayLike<number>,
    testFraction: number,
    rng: Rng,
  ): { train: Int32Array; test: Int32Array };
}

const RUNTIME_NAMES: ReadonlyArray<keyof RuntimeApi> = [
  'createTextClassifier',
  'serializeBundle',
  'deserializeBundle',
  'readManifest',
  'packBundle',
  'unpackBundle',
  'isPackedBundle',
  'initBackend',
  'listBackends',
  'saveBundleFiles',
  'loadBundleFiles',
  'loadLabeledTexts',
];

let runtimePromise: Promise<RuntimeApi> | undefined;

/**
 * Loads `@glossa/node-runtime` once and checks that it exports what the CLI needs.
 *
 * @returns The runtime API.
 * @throws {CliError} RUNTIME when the package cannot be loaded or lacks an export.
 * @example
 * ```ts
 * const runtime = await loadRuntime();
 * ```
 */
export function loadRuntime(): Promise<RuntimeApi> {
  runtimePromise ??= importChecked<RuntimeApi>('@glossa/node-runtime', RUNTIME_NAMES);
  return runtimePromise;
}

let mathPromise: Promise<MathApi> | undefined;

/**
 * Loads `@glossa/math` once and checks that it exports what the CLI needs.
 *
 * @returns The math API.
 * @throws {CliError} RUNTIME when the package cannot be loaded or lacks an export.
 * @example
 * ```ts
 * const math = await loadMath();
 * ```
 */
export function loadMath(): Promise<MathApi> {
  mathPromise ??= importChecked<MathApi>('@glossa/math', ['createRng', 'stratifiedSplit']);
  return mathPromise;
}

async function importChecked<T>(specifier: string, names: ReadonlyArray<keyof T>): Promise<T> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError('RUNTIME', `cannot load ${specifier} (${message}). Reinstall glossa.`, {
      cause: error,
    });
  }
  for (const name of names) {
    if (mod[name as string] === undefined) {
      throw new CliError(
        'RUNTIME',
        `${specifier} does not export ${String(name)}; this glossa CLI needs a newer ${specifier}.`,
      );
    }
  }
  return mod as unknown as T;
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
export async function initBackendFor(
  runtime: RuntimeApi,
  job: 'train' | 'predict',
  backend: BackendChoice = 'auto',
  logger?: Logger,
): Promise<BackendReport> {
  const kernels = runtime.requiredKernels?.(job);
  return runtime.initBackend({
    backend,
    job,
    ...(kernels === undefined ? {} : { requiredKernels: kernels }),
    ...(logger === undefined ? {} : { logger }),
  });
}

/** Whether a path names the single-file bundle form. */
export function isPackedBundlePath(path: string): boolean {
  return path.toLowerCase().endsWith('.glossa');
}

/**
 * Writes a trained classifier as a bundle directory, or as one packed file when `out` ends in `.glossa`.
 *
 * @param runtime - The loaded runtime.
 * @param classifier - A trained classifier.
 * @param out - Target directory or `.glossa` file.
 * @returns The total size in bytes.
 * @throws Whatever serialisation or the file system throws.
 * @example
 * ```ts
 * await saveClassifier(runtime, classifier, './model');
 * ```
 */
export async function saveClassifier(
  runtime: RuntimeApi,
  classifier: TextClassifier,
  out: string,
): Promise<number> {
  const files = await runtime.serializeBundle(classifier);
  if (isPackedBundlePath(out)) {
    const bytes = runtime.packBundle(files);
    await mkdir(dirname(out), { recursive: true });
    await writeFileAtomic(out, bytes);
    return bytes.byteLength;
  }
  await runtime.saveBundleFiles(out, files);
  return bundleSize(files);
}

/** A loaded bundle: its files and their total size. */
export interface LoadedBundleFiles {
  files: BundleFiles;
  bytes: number;
}

/**
 * Reads a bundle from a directory or a packed `.glossa` file (detected by content, not name).
 *
 * @param runtime - The loaded runtime.
 * @param path - Bundle directory or file.
 * @returns The bundle files and their size.
 * @throws {CliError} RUNTIME when the path does not exist or is not a bundle.
 * @example
 * ```ts
 * const { files } = await readBundle(runtime, './model');
 * ```
 */
export async function readBundle(runtime: RuntimeApi, path: string): Promise<LoadedBundleFiles> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch {
    throw new CliError(
      'RUNTIME',
      `bundle not found: ${path}. Pass the directory (or .glossa file) written by glossa train.`,
    );
  }
  if (isFile) {
    const bytes = new Uint8Array(await readFile(path));
    if (!runtime.isPackedBundle(bytes)) {
      throw new CliError(
        'RUNTIME',
        `${path} is not a glossa bundle file. Pass the directory (or .glossa file) written by glossa train.`,
      );
    }
    return { files: runtime.unpackBundle(bytes), bytes: bytes.byteLength };
  }
  const files = await runtime.loadBundleFiles(path);
  return { files, bytes: bundleSize(files) };
}

/**
 * Loads a bundle into a ready-to-use classifier.
 *
 * @param runtime - The loaded runtime.
 * @param path - Bundle directory or file.
 * @returns The classifier and the bundle's size in bytes.
 * @throws {CliError} RUNTIME when the path is not a bundle; BundleError from model-core when it is invalid.
 * @example
 * ```ts
 * const { classifier } = await loadClassifier(runtime, './model');
 * ```
 */
export async function loadClassifier(
  runtime: RuntimeApi,
  path: string,
): Promise<{ classifier: TextClassifier; bytes: number }> {
  const { files, bytes } = await readBundle(runtime, path);
  const classifier = await runtime.deserializeBundle(files);
  return { classifier, bytes };
}

function bundleSize(files: BundleFiles): number {
  let total = 0;
  for (const bytes of Object.values(files)) total += bytes.byteLength;
  return total;
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
  if (typeof runtime.MODEL_CORE_VERSION === 'string') {
    versions['@glossa/model-core'] = runtime.MODEL_CORE_VERSION;
  }
  return versions;
}

/**
 * Seeded stratified split of labelled items (via `@glossa/math`'s `stratifiedSplit`/`createRng`).
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
  const labelIds = new Map<string, number>();
  for (const label of [...new Set(items.map((item) => item.label))].sort()) {
    labelIds.set(label, labelIds.size);
  }
  const ids = Int32Array.from(items, (item) => labelIds.get(item.label) ?? 0);
  const split = math.stratifiedSplit(ids, testFraction, math.createRng(seed));
  const pick = (indices: Int32Array): T[] => Array.from(indices, (i) => items[i] as T);
  return { train: pick(split.train), test: pick(split.test) };
}
