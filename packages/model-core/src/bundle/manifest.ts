/**
 * The bundle manifest: its schema, the format version, file names, and reading and validating
 * `manifest.json` (nothing here builds a model).
 */
import { z } from 'zod';
import { ARCHITECTURES, ARCHITECTURE_REGISTRY, type Architecture } from '../architectures/registry.js';
import { BundleError } from '../errors.js';
import { classifierOptionsSchema, epochLogSchema } from '../internal/options-schema.js';
import { OPTION_RANGES } from '../options.js';
import type { EvaluationReport, PortfolioReport } from '../types.js';
import { MODEL_CORE_VERSION } from '../version.js';
import { TENSOR_ENCODINGS, type TensorEncoding } from './quantize-codec.js';

/**
 * The architectures format-1 readers (Glossa releases before the ngram architecture) know: their bundles
 * stay at format 1; any other needs format 2, so an older reader says it is too old instead of failing.
 */
export const FORMAT_1_ARCHITECTURES: readonly Architecture[] = ['lstm', 'bow', 'cnn'];

/** What a member of an `auto` bundle can be. */
export type MemberArchitecture = Exclude<Architecture, 'auto'>;
/** A model bundle as named files: `manifest.json`, `preprocessing.json`, `model.json`, `weights.bin`. */
export type BundleFiles = Record<string, Uint8Array>;

/**
 * The newest bundle format version this library reads. Float32 bundles are written as they always were:
 * lstm, bow and cnn bundles (without a learned initial state) as version 1, which older Glossa releases
 * read, the other architectures as version 2; only quantized bundles are version 3
 * ({@link QUANTIZED_BUNDLE_FORMAT_VERSION}), which releases before quantization refuse ("upgrade Glossa")
 * instead of misreading their weights.
 */
export const BUNDLE_FORMAT_VERSION = 3;

/** The format version of float32 bundles of architectures format 1 cannot hold. */
export const FLOAT32_BUNDLE_FORMAT_VERSION = 2;

/** The format version of quantized bundles (`quantizeBundle`). */
export const QUANTIZED_BUNDLE_FORMAT_VERSION = 3;

/** What a quantized bundle stores its weights as. */
export type QuantizationDtype = 'float16' | 'int8';

/** Every {@link QuantizationDtype}. */
export const QUANTIZATION_DTYPES: readonly QuantizationDtype[] = ['float16', 'int8'];

/** File names inside a bundle. */
export const BUNDLE_FILE_NAMES = {
  manifest: 'manifest.json',
  preprocessing: 'preprocessing.json',
  topology: 'model.json',
  weights: 'weights.bin',
  features: 'features.bin',
  /** `weights.bin` of a quantized bundle (its own encoding: see `quantizeBundle`). */
  quantizedWeights: 'weights.q.bin',
  /** `features.bin` of a quantized n-gram bundle. */
  quantizedFeatures: 'features.q.bin',
} as const;

export const MAX_WEIGHT_BYTES = 1024 * 1024 * 1024;

const fileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a plain file name inside the bundle (no "/", "\\" or "..")');

const manifestSchema = z.object({
  format: z.literal('glossa-bundle'),
  formatVersion: z.number().int().min(1),
  task: z.literal('text-classification'),
  labels: z.array(z.string().max(1000)).min(2).max(100_000),
  architecture: z.enum(ARCHITECTURES as [Architecture, ...Architecture[]]),
  options: classifierOptionsSchema,
  files: z.object({ preprocessing: fileName.optional(), topology: fileName.optional(), weights: fileName.optional(), features: fileName.optional() }),
  ngram: z
    .object({
      features: z.object({ wordMaxN: z.number().int().min(0).max(3), charMinN: z.number().int().min(0).max(10), charMaxN: z.number().int().min(0).max(10) }),
      featureCount: z.number().int().min(1).max(OPTION_RANGES.maxFeatures[1]),
      regularization: z.number().min(0).max(1e6),
      refit: z.boolean(),
    })
    .optional(),
  members: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
        architecture: z.enum(ARCHITECTURES.filter((a) => a !== 'auto') as [MemberArchitecture, ...MemberArchitecture[]]),
        weight: z.number().min(0).max(1),
        manifest: fileName,
        files: z.array(fileName).max(8),
      }),
    )
    .min(1)
    .max(8)
    .optional(),
  portfolio: z
    .looseObject({ chosen: z.string().max(100), reason: z.string().max(2000), candidates: z.array(z.looseObject({ name: z.string().max(100) })).max(16) })
    .optional(),
  quantization: z
    .object({
      dtype: z.enum(QUANTIZATION_DTYPES as [QuantizationDtype, ...QuantizationDtype[]]),
      // Neural bundles: how each weight tensor of model.json is stored, in order.
      tensors: z
        .array(z.enum(TENSOR_ENCODINGS as [TensorEncoding, ...TensorEncoding[]]))
        .max(512)
        .optional(),
      // N-gram bundles: key bits kept, weight encoding, whether a binary model stores one column.
      ngram: z
        .object({
          keyBits: z.number().int().min(32).max(53),
          weights: z.enum(TENSOR_ENCODINGS as [TensorEncoding, ...TensorEncoding[]]),
          mirrored: z.boolean(),
          // Features a look-up can no longer find (shortened keys that became equal); usually absent (0).
          unreachableFeatures: z.number().int().min(0).optional(),
        })
        .optional(),
    })
    .optional(),
  training: z
    .object({
      seed: z.number().int(),
      epochsRun: z.number().int().min(0),
      bestEpoch: z.number().int().min(0),
      trainSize: z.number().int().min(0),
      validationSize: z.number().int().min(0),
      dataFingerprint: z.string().max(64),
      trainSeconds: z.number().min(0),
      history: z.array(epochLogSchema).max(100_000),
      pretrained: z.object({ covered: z.number().int().min(0), vocabularySize: z.number().int().min(0), source: z.string().max(4096).optional() }).optional(),
      // Added with data-parallel training; absent: one thread.
      threads: z.number().int().min(1).max(256).optional(),
    })
    .optional(),
  metrics: z.object({ validation: z.looseObject({ accuracy: z.number(), labels: z.array(z.string()) }).optional() }).optional(),
  createdBy: z.object({ name: z.string(), version: z.string() }),
  createdAt: z.string(),
});

/** The parsed `manifest.json` of a bundle. */
export type BundleManifest = Omit<z.infer<typeof manifestSchema>, 'metrics' | 'portfolio'> & {
  metrics?: { validation?: EvaluationReport };
  portfolio?: PortfolioReport;
};

export const encoder = new TextEncoder();
export const decoder = new TextDecoder('utf-8', { fatal: true });

export function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
}

/** JSON without indentation: the large generated files of a quantized bundle (a vocabulary, a topology). */
export function compactJsonBytes(value: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify(value)}\n`);
}

/**
 * Every file name of a bundle besides `manifest.json`, from its manifest (members' files included): what
 * a loader must fetch.
 *
 * @param manifest - The bundle's manifest.
 * @returns File names.
 * @example
 * ```ts
 * bundleFileNames(readManifest(files)); // ['preprocessing.json', 'model.json', 'weights.bin']
 * ```
 */
export function bundleFileNames(manifest: BundleManifest): string[] {
  const own = [manifest.files.preprocessing, manifest.files.topology, manifest.files.features, manifest.files.weights].filter(
    (f): f is string => f !== undefined,
  );
  for (const m of manifest.members ?? []) own.push(m.manifest, ...m.files);
  return own;
}

/** The bytes of `name`, only when it is an own entry holding bytes (never `files.constructor` and the like). */
export function fileOf(files: BundleFiles, name: string): Uint8Array | undefined {
  if (typeof files !== 'object' || files === null || !Object.hasOwn(files, name)) return undefined;
  const bytes: unknown = files[name];
  return bytes instanceof Uint8Array ? bytes : undefined;
}

/** Names of the own entries holding bytes, for messages. */
export function presentFiles(files: BundleFiles): string {
  const names = typeof files === 'object' && files !== null ? Object.keys(files).filter((n) => fileOf(files, n) !== undefined) : [];
  return names.slice(0, 10).join(', ') + (names.length > 10 ? ', …' : '') || 'none';
}

export function parseJsonFile(files: BundleFiles, name: string): unknown {
  const bytes = fileOf(files, name);
  if (!bytes) {
    throw new BundleError(
      'BUNDLE_MISSING_FILE',
      `Bundle: ${name} is missing (files present: ${presentFiles(files)}). Re-save the bundle or copy every file of it.`,
      [`${name}: missing`],
    );
  }
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw new BundleError(
      'BUNDLE_CORRUPT',
      `Bundle: ${name} is not valid UTF-8 JSON (${(cause as Error).message}). The file is damaged; re-save the bundle.`,
      [`${name}: not JSON`],
      { cause },
    );
  }
}

/**
 * Validates a manifest object, returning every problem found (empty when valid).
 *
 * @param json - The parsed `manifest.json`.
 * @returns Problems, each "path: what is wrong".
 * @example
 * ```ts
 * validateManifest({ format: 'glossa-bundle' }); // ['formatVersion: ...', ...]
 * ```
 */
export function validateManifest(json: unknown): string[] {
  const result = manifestSchema.safeParse(json);
  if (result.success) return [];
  return result.error.issues.map((issue) => `manifest.json ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/**
 * Parses and validates `manifest.json` (format, version, options, labels, file names).
 *
 * @param files - Bundle files.
 * @returns The manifest.
 * @throws {@link BundleError} `BUNDLE_UNSUPPORTED_VERSION` for a newer format, `BUNDLE_INVALID` listing every problem.
 * @example
 * ```ts
 * const manifest = readManifest(files);
 * ```
 */
export function readManifest(files: BundleFiles): BundleManifest {
  const json = parseJsonFile(files, BUNDLE_FILE_NAMES.manifest);
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > BUNDLE_FORMAT_VERSION) {
    throw new BundleError(
      'BUNDLE_UNSUPPORTED_VERSION',
      `Bundle: manifest.json has format version ${version}, but this @glossa/model-core (${MODEL_CORE_VERSION}) reads up to version ${BUNDLE_FORMAT_VERSION}. Upgrade Glossa to a release that reads bundle format ${version}.`,
      [`formatVersion: ${version} > ${BUNDLE_FORMAT_VERSION}`],
    );
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `manifest.json ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new BundleError(
      'BUNDLE_INVALID',
      `Bundle: manifest.json is invalid (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.slice(0, 5).join('; ')}. Re-save the bundle with Glossa.`,
      problems,
    );
  }
  // The parsed copy: unknown keys (`__proto__` included) are dropped, never carried into options.
  const manifest = result.data as BundleManifest;
  if (new Set(manifest.labels).size !== manifest.labels.length) {
    throw new BundleError('BUNDLE_INVALID', 'Bundle: manifest.json labels contain duplicates.', ['labels: duplicates']);
  }
  if (manifest.architecture !== manifest.options.architecture) {
    throw new BundleError('BUNDLE_INVALID', 'Bundle: manifest.json architecture and options.architecture disagree.', ['architecture: mismatch']);
  }
  const kind = ARCHITECTURE_REGISTRY[manifest.architecture].kind;
  const needs: Array<keyof BundleManifest['files']> =
    kind === 'neural' ? ['preprocessing', 'topology', 'weights'] : kind === 'sparse' ? ['preprocessing', 'features', 'weights'] : [];
  const problems = needs
    .filter((f) => manifest.files[f] === undefined)
    .map((f) => `manifest.json files.${f}: required for architecture "${manifest.architecture}"`);
  if (kind === 'sparse' && !manifest.ngram) problems.push(`manifest.json ngram: required for architecture "${manifest.architecture}"`);
  if (kind === 'portfolio' && !manifest.members) problems.push(`manifest.json members: required for architecture "${manifest.architecture}"`);
  if (!FORMAT_1_ARCHITECTURES.includes(manifest.architecture) && manifest.formatVersion < 2)
    problems.push(`manifest.json formatVersion: architecture "${manifest.architecture}" needs format 2`);
  if (manifest.members && new Set(manifest.members.map((m) => m.name)).size !== manifest.members.length)
    problems.push('manifest.json members: names must differ');
  const quantization = manifest.quantization;
  if (quantization !== undefined) {
    if (manifest.formatVersion < QUANTIZED_BUNDLE_FORMAT_VERSION)
      problems.push(`manifest.json formatVersion: a quantized bundle needs format ${QUANTIZED_BUNDLE_FORMAT_VERSION}`);
    if (kind === 'neural' && quantization.tensors === undefined) problems.push('manifest.json quantization.tensors: required for a quantized neural bundle');
    if (kind === 'sparse' && quantization.ngram === undefined) problems.push('manifest.json quantization.ngram: required for a quantized n-gram bundle');
  }
  if (problems.length > 0) {
    throw new BundleError('BUNDLE_INVALID', `Bundle: manifest.json is invalid: ${problems.join('; ')}. Re-save the bundle with Glossa.`, problems);
  }
  return manifest;
}
