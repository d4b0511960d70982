import { type TextPipelineJSON, textPipelineFromJSON } from '@glossa/text-preprocessing';
import { type io, type Tensor, dispose, engine, tensor, tensor2d, tidy } from '@tensorflow/tfjs-core';
import { io as tfio } from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { type AutoMember, autoStateOf, restoreAutoClassifier } from './architectures/auto/auto-classifier.js';
import { ngramBinaryFiles, ngramFromBundle } from './architectures/ngram/ngram-bundle.js';
import { ngramStateOf } from './architectures/ngram/ngram-classifier.js';
import { NEURAL_ARCHITECTURE_SPECS, neuralSpec } from './architectures/neural-specs.js';
import type { LayerConfig } from './architectures/neural.js';
import { ARCHITECTURES, ARCHITECTURE_REGISTRY, type Architecture } from './architectures/registry.js';

/**
 * The architectures format-1 readers (Glossa releases before the ngram architecture) know: their bundles
 * stay at format 1; any other needs format 2, so an older reader says it is too old instead of failing.
 */
const FORMAT_1_ARCHITECTURES: readonly Architecture[] = ['lstm', 'bow', 'cnn'];

/** What a member of an `auto` bundle can be. */
type MemberArchitecture = Exclude<Architecture, 'auto'>;
import { BundleError } from './errors.js';
import { ALLOWED_LAYER_CLASSES, registerGlossaLayers } from './internal/layers.js';
import { classifierOptionsSchema } from './internal/options-schema.js';
import { DEFAULT_CLASSIFIER_OPTIONS, OPTION_RANGES, type ResolvedClassifierOptions } from './options.js';
import { type TextClassifier, type TrainingInfo, restoreTextClassifier } from './text-classifier.js';
import type { EvaluationReport, PortfolioReport } from './types.js';
import { MODEL_CORE_VERSION } from './version.js';

/** A model bundle as named files: `manifest.json`, `preprocessing.json`, `model.json`, `weights.bin`. */
export type BundleFiles = Record<string, Uint8Array>;

/**
 * The newest bundle format version this library reads and writes. Neural bundles (lstm, bow, cnn) are
 * still written as version 1, which older Glossa releases read; `ngram` and `auto` bundles are version 2.
 */
export const BUNDLE_FORMAT_VERSION = 2;

/** File names inside a bundle. */
export const BUNDLE_FILE_NAMES = {
  manifest: 'manifest.json',
  preprocessing: 'preprocessing.json',
  topology: 'model.json',
  weights: 'weights.bin',
  features: 'features.bin',
} as const;

const MAX_WEIGHT_BYTES = 1024 * 1024 * 1024;


const epochLogSchema = z.object({
  epoch: z.number().int().min(1),
  loss: z.number(),
  accuracy: z.number(),
  valLoss: z.number().optional(),
  valAccuracy: z.number().optional(),
  seconds: z.number(),
  samplesPerSecond: z.number(),
});

const fileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a plain file name inside the bundle (no "/", "\\" or "..")');

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
  portfolio: z.looseObject({ chosen: z.string().max(100), reason: z.string().max(2000), candidates: z.array(z.looseObject({ name: z.string().max(100) })).max(16) }).optional(),
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
    })
    .optional(),
  metrics: z.object({ validation: z.looseObject({ accuracy: z.number(), labels: z.array(z.string()) }).optional() }).optional(),
  createdBy: z.object({ name: z.string(), version: z.string() }),
  createdAt: z.string(),
});

/** The parsed `manifest.json` of a bundle. */
export type BundleManifest = Omit<z.infer<typeof manifestSchema>, 'metrics' | 'portfolio'> & { metrics?: { validation?: EvaluationReport }; portfolio?: PortfolioReport };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The manifest a trained classifier would be saved with.
 *
 * @param classifier - A trained classifier.
 * @returns The manifest object.
 * @throws {@link BundleError} `BUNDLE_INVALID` when the classifier is not trained.
 * @example
 * ```ts
 * console.log(createManifest(classifier).labels);
 * ```
 */
export function createManifest(classifier: TextClassifier): BundleManifest {
  if (!classifier.isTrained) {
    throw new BundleError('BUNDLE_INVALID', 'createManifest: the classifier is not trained. Call fit() before saving.');
  }
  const architecture = classifier.options.architecture;
  const kind = ARCHITECTURE_REGISTRY[architecture].kind;
  const ngram = ngramStateOf(classifier);
  const auto = autoStateOf(classifier);
  const files: BundleManifest['files'] =
    kind === 'neural'
      ? { preprocessing: BUNDLE_FILE_NAMES.preprocessing, topology: BUNDLE_FILE_NAMES.topology, weights: BUNDLE_FILE_NAMES.weights }
      : kind === 'sparse'
        ? { preprocessing: BUNDLE_FILE_NAMES.preprocessing, features: BUNDLE_FILE_NAMES.features, weights: BUNDLE_FILE_NAMES.weights }
        : {};
  return {
    format: 'glossa-bundle',
    // Neural bundles stay readable by Glossa releases that only know format 1.
    formatVersion: FORMAT_1_ARCHITECTURES.includes(architecture) ? 1 : BUNDLE_FORMAT_VERSION,
    task: 'text-classification',
    labels: [...classifier.labels],
    architecture,
    options: { ...classifier.options },
    files,
    ...(ngram ? { ngram: ngram.info } : {}),
    ...(auto
      ? {
          members: auto.members.map((m) => ({
            name: m.name,
            architecture: m.classifier.options.architecture as MemberArchitecture,
            weight: m.weight,
            manifest: `${m.name}.${BUNDLE_FILE_NAMES.manifest}`,
            files: memberFileNames(m),
          })),
          portfolio: auto.portfolio,
        }
      : {}),
    ...(classifier.training ? { training: classifier.training } : {}),
    ...(classifier.validation ? { metrics: { validation: classifier.validation } } : {}),
    createdBy: { name: '@glossa/model-core', version: MODEL_CORE_VERSION },
    createdAt: new Date().toISOString(),
  };
}

/** Files of an `auto` member inside its parent bundle: the member's own files, prefixed with its name. */
function memberFileNames(member: AutoMember): string[] {
  const sparse = ARCHITECTURE_REGISTRY[member.classifier.options.architecture].kind === 'sparse';
  const own = sparse
    ? [BUNDLE_FILE_NAMES.preprocessing, BUNDLE_FILE_NAMES.features, BUNDLE_FILE_NAMES.weights]
    : [BUNDLE_FILE_NAMES.preprocessing, BUNDLE_FILE_NAMES.topology, BUNDLE_FILE_NAMES.weights];
  return own.map((f) => `${member.name}.${f}`);
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
  const own = [manifest.files.preprocessing, manifest.files.topology, manifest.files.features, manifest.files.weights].filter((f): f is string => f !== undefined);
  for (const m of manifest.members ?? []) own.push(m.manifest, ...m.files);
  return own;
}

function concatBuffers(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  if (!Array.isArray(data)) return new Uint8Array(data);
  const total = data.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

/**
 * Serialises a trained classifier into bundle files (IO-agnostic: the runtimes store them).
 *
 * @param classifier - A trained classifier.
 * @returns The files of the bundle.
 * @throws {@link BundleError} `BUNDLE_INVALID` when the classifier is not trained.
 * @example
 * ```ts
 * const files = await serializeBundle(classifier); // { 'manifest.json': Uint8Array, ... }
 * ```
 */
export async function serializeBundle(classifier: TextClassifier): Promise<BundleFiles> {
  const manifest = createManifest(classifier);
  const ngram = ngramStateOf(classifier);
  if (ngram) {
    const binary = ngramBinaryFiles(ngram);
    return {
      [BUNDLE_FILE_NAMES.manifest]: jsonBytes(manifest),
      [BUNDLE_FILE_NAMES.preprocessing]: jsonBytes(ngram.pipeline.toJSON()),
      [BUNDLE_FILE_NAMES.features]: binary.features,
      [BUNDLE_FILE_NAMES.weights]: binary.weights,
    };
  }
  const auto = autoStateOf(classifier);
  if (auto) {
    const files: BundleFiles = { [BUNDLE_FILE_NAMES.manifest]: jsonBytes(manifest) };
    for (const member of auto.members) {
      const own = await serializeBundle(member.classifier);
      const memberManifest = JSON.parse(decoder.decode(own[BUNDLE_FILE_NAMES.manifest])) as BundleManifest;
      for (const [key, name] of Object.entries(memberManifest.files)) {
        if (name !== undefined) (memberManifest.files as Record<string, string>)[key] = `${member.name}.${name}`;
      }
      files[`${member.name}.${BUNDLE_FILE_NAMES.manifest}`] = jsonBytes(memberManifest);
      for (const [name, bytes] of Object.entries(own)) if (name !== BUNDLE_FILE_NAMES.manifest) files[`${member.name}.${name}`] = bytes;
      const topology = own[BUNDLE_FILE_NAMES.topology];
      if (topology) {
        // tfjs's model.json names its weights file: the member's is prefixed too.
        const modelJson = JSON.parse(decoder.decode(topology)) as { weightsManifest: Array<{ paths: string[] }> };
        for (const group of modelJson.weightsManifest) group.paths = group.paths.map((path) => `${member.name}.${path}`);
        files[`${member.name}.${BUNDLE_FILE_NAMES.topology}`] = jsonBytes(modelJson);
      }
    }
    return files;
  }
  let artifacts: io.ModelArtifacts | undefined;
  await classifier.model!.save(
    tfio.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightData || !artifacts.weightSpecs) {
    throw new BundleError('BUNDLE_INVALID', 'serializeBundle: tfjs returned no weights for the model.');
  }
  const modelJson = {
    format: 'layers-model',
    generatedBy: `@glossa/model-core ${MODEL_CORE_VERSION}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [BUNDLE_FILE_NAMES.weights], weights: artifacts.weightSpecs }],
  };
  return {
    [BUNDLE_FILE_NAMES.manifest]: jsonBytes(manifest),
    [BUNDLE_FILE_NAMES.preprocessing]: jsonBytes(classifier.pipeline!.toJSON()),
    [BUNDLE_FILE_NAMES.topology]: jsonBytes(modelJson),
    [BUNDLE_FILE_NAMES.weights]: concatBuffers(artifacts.weightData as ArrayBuffer | ArrayBuffer[]),
  };
}

/** The bytes of `name`, only when it is an own entry holding bytes (never `files.constructor` and the like). */
function fileOf(files: BundleFiles, name: string): Uint8Array | undefined {
  if (typeof files !== 'object' || files === null || !Object.hasOwn(files, name)) return undefined;
  const bytes: unknown = files[name];
  return bytes instanceof Uint8Array ? bytes : undefined;
}

/** Names of the own entries holding bytes, for messages. */
function presentFiles(files: BundleFiles): string {
  const names = typeof files === 'object' && files !== null ? Object.keys(files).filter((n) => fileOf(files, n) !== undefined) : [];
  return names.slice(0, 10).join(', ') + (names.length > 10 ? ', …' : '') || 'none';
}

function parseJsonFile(files: BundleFiles, name: string): unknown {
  const bytes = fileOf(files, name);
  if (!bytes) {
    throw new BundleError('BUNDLE_MISSING_FILE', `Bundle: ${name} is missing (files present: ${presentFiles(files)}). Re-save the bundle or copy every file of it.`, [`${name}: missing`]);
  }
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw new BundleError('BUNDLE_CORRUPT', `Bundle: ${name} is not valid UTF-8 JSON (${(cause as Error).message}). The file is damaged; re-save the bundle.`, [`${name}: not JSON`], { cause });
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
    throw new BundleError('BUNDLE_INVALID', `Bundle: manifest.json is invalid (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.slice(0, 5).join('; ')}. Re-save the bundle with Glossa.`, problems);
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
  const needs: Array<keyof BundleManifest['files']> = kind === 'neural' ? ['preprocessing', 'topology', 'weights'] : kind === 'sparse' ? ['preprocessing', 'features', 'weights'] : [];
  const problems = needs.filter((f) => manifest.files[f] === undefined).map((f) => `manifest.json files.${f}: required for architecture "${manifest.architecture}"`);
  if (kind === 'sparse' && !manifest.ngram) problems.push(`manifest.json ngram: required for architecture "${manifest.architecture}"`);
  if (kind === 'portfolio' && !manifest.members) problems.push(`manifest.json members: required for architecture "${manifest.architecture}"`);
  if (!FORMAT_1_ARCHITECTURES.includes(manifest.architecture) && manifest.formatVersion < 2) problems.push(`manifest.json formatVersion: architecture "${manifest.architecture}" needs format 2`);
  if (manifest.members && new Set(manifest.members.map((m) => m.name)).size !== manifest.members.length) problems.push('manifest.json members: names must differ');
  if (problems.length > 0) {
    throw new BundleError('BUNDLE_INVALID', `Bundle: manifest.json is invalid: ${problems.join('; ')}. Re-save the bundle with Glossa.`, problems);
  }
  return manifest;
}

interface TopologyLayer {
  class_name?: unknown;
  config?: Record<string, unknown>;
}

/** Class names a topology may hold besides layers: the model itself and weight initializers. */
const ALLOWED_OTHER_CLASSES: ReadonlySet<string> = new Set([
  'Model',
  'Functional',
  'Zeros',
  'Ones',
  'Constant',
  'RandomUniform',
  'RandomNormal',
  'TruncatedNormal',
  'VarianceScaling',
  'GlorotUniform',
  'GlorotNormal',
  'HeUniform',
  'HeNormal',
  'LeCunUniform',
  'LeCunNormal',
  'Orthogonal',
  'Identity',
]);

/** Layer classes each neural architecture needs; a topology with another architecture's layers is refused. */
const ARCHITECTURE_LAYERS: Readonly<Partial<Record<BundleManifest['architecture'], readonly string[]>>> = Object.fromEntries(
  Object.values(NEURAL_ARCHITECTURE_SPECS).map((spec) => [spec.name, spec.layerClasses]),
);

const MAX_LAYERS = 32;
const MAX_TOPOLOGY_NODES = 10_000;
const MAX_TOPOLOGY_DEPTH = 32;

/** Every `class_name` in the topology must be one Glossa writes; the walk itself is bounded. */
function checkClassNames(topology: unknown, problems: string[]): void {
  let nodes = 0;
  const walk = (value: unknown, depth: number): void => {
    if (typeof value !== 'object' || value === null) return;
    if (++nodes > MAX_TOPOLOGY_NODES || depth > MAX_TOPOLOGY_DEPTH) {
      if (nodes === MAX_TOPOLOGY_NODES + 1 || depth === MAX_TOPOLOGY_DEPTH + 1) problems.push('model.json modelTopology: too large or too deeply nested for a Glossa model');
      return;
    }
    if (!Array.isArray(value) && Object.hasOwn(value, 'class_name')) {
      const cls = (value as { class_name?: unknown }).class_name;
      if (typeof cls !== 'string' || !(ALLOWED_LAYER_CLASSES.has(cls) || ALLOWED_OTHER_CLASSES.has(cls))) {
        problems.push(`model.json class ${JSON.stringify(cls)?.slice(0, 100)}: not a layer Glossa builds (allowed: ${[...ALLOWED_LAYER_CLASSES].join(', ')})`);
      }
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) walk(child, depth + 1);
  };
  walk(topology, 0);
}

const LAYER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Glossa's models are a chain: an InputLayer, then each layer fed by the one before. Anything else (a
 * missing or renamed inbound layer, a cycle, a second input) is refused here, because tfjs's graph
 * reconstruction loops forever on an inbound layer that never appears.
 */
function checkChain(layers: readonly TopologyLayer[], problems: string[]): void {
  const names = new Set<string>();
  layers.forEach((layer, i) => {
    const entry = (typeof layer === 'object' && layer !== null ? layer : {}) as TopologyLayer & { name?: unknown; inbound_nodes?: unknown };
    const name = entry.name;
    if (typeof name !== 'string' || !LAYER_NAME.test(name)) {
      problems.push(`model.json layer ${i}: name must be a plain identifier (got ${JSON.stringify(name)?.slice(0, 60)})`);
      return;
    }
    if (names.has(name)) problems.push(`model.json layer ${i}: name "${name}" is used twice`);
    names.add(name);
    if (typeof entry.config === 'object' && entry.config !== null && entry.config.name !== undefined && entry.config.name !== name) {
      problems.push(`model.json layer ${i}: config.name ${JSON.stringify(entry.config.name)?.slice(0, 60)} differs from its name "${name}"`);
    }
    if ((i === 0) !== (entry.class_name === 'InputLayer')) problems.push(`model.json layer ${i}: only the first layer is an InputLayer`);
    const previous = (layers[i - 1] as { name?: unknown } | null | undefined)?.name;
    const inbound = JSON.stringify(entry.inbound_nodes);
    const expected = i === 0 ? ['[]'] : [JSON.stringify([[[previous, 0, 0, {}]]]), JSON.stringify([[[previous, 0, 0]]])];
    if (!expected.includes(inbound)) {
      problems.push(`model.json layer ${i} "${name}": inbound_nodes must be ${expected[0]} (got ${inbound?.slice(0, 100)})`);
    }
  });
}

function checkLayers(layers: readonly TopologyLayer[], manifest: BundleManifest, vocabularySize: number, problems: string[]): void {
  if (layers.length > MAX_LAYERS) problems.push(`model.json modelTopology.config.layers: ${layers.length} layers, a Glossa model has at most ${MAX_LAYERS}`);
  const { options } = manifest;
  const classes = new Set<string>();
  for (const layer of layers.slice(0, MAX_LAYERS)) {
    const cls = layer?.class_name;
    if (typeof cls !== 'string' || !ALLOWED_LAYER_CLASSES.has(cls)) {
      problems.push(`model.json layer class ${JSON.stringify(cls)?.slice(0, 100)}: not a layer Glossa builds (allowed: ${[...ALLOWED_LAYER_CLASSES].join(', ')})`);
      continue;
    }
    classes.add(cls);
    const config = typeof layer.config === 'object' && layer.config !== null ? layer.config : {};
    switch (cls) {
      case 'InputLayer': {
        const shape = config.batch_input_shape ?? config.batchInputShape;
        if (!Array.isArray(shape) || shape.length !== 2 || shape.some((d) => d !== null)) {
          problems.push(`model.json InputLayer: batch_input_shape must be [null, null] (got ${JSON.stringify(shape)?.slice(0, 60)})`);
        }
        break;
      }
      case 'GlossaEmbedding': {
        const inputDim = config.input_dim ?? config.inputDim;
        const outputDim = config.output_dim ?? config.outputDim;
        if (inputDim !== vocabularySize || outputDim !== options.embeddingDim) {
          problems.push(`model.json embedding: shape [${String(inputDim).slice(0, 20)}, ${String(outputDim).slice(0, 20)}] does not match the vocabulary (${vocabularySize}) and embeddingDim (${options.embeddingDim})`);
        }
        break;
      }
      case 'GlossaDropout': {
        const rate = config.rate;
        if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) problems.push(`model.json GlossaDropout: rate must be a number from 0 to below 1 (got ${JSON.stringify(rate)?.slice(0, 40)})`);
        break;
      }
      case 'Dense':
        if (config.units !== manifest.labels.length) {
          problems.push(`model.json output layer: ${String(config.units).slice(0, 20)} units for ${manifest.labels.length} labels`);
        }
        break;
      default:
        // A middle layer: its architecture's module checks the size-determining settings.
        problems.push(...(neuralSpec(manifest.architecture)?.checkLayer({ className: cls, config }, options as ResolvedClassifierOptions) ?? []));
    }
  }
  checkChain(layers.slice(0, MAX_LAYERS), problems);
  const needed = ARCHITECTURE_LAYERS[manifest.architecture] ?? [];
  if (!needed.some((cls) => classes.has(cls))) {
    problems.push(`model.json: no ${needed.join(' or ')} layer, but the manifest says architecture "${manifest.architecture}"`);
  }
  for (const [architecture, own] of Object.entries(ARCHITECTURE_LAYERS)) {
    if (architecture === manifest.architecture) continue;
    const foreign = own.filter((cls) => classes.has(cls) && !needed.includes(cls));
    if (foreign.length > 0) problems.push(`model.json: layer ${foreign.join(', ')} belongs to architecture "${architecture}", but the manifest says "${manifest.architecture}"`);
  }
}

/** Weight names of the layers Glossa writes, in order (`*` for tfjs's own LSTM, whose names vary). */
function expectedWeightNames(layers: readonly TopologyLayer[]): string[] {
  const fixed: Record<string, readonly string[]> = { GlossaEmbedding: ['embeddings'], Dense: ['kernel', 'bias'] };
  const names: string[] = [];
  for (const layer of layers) {
    const cls = typeof layer?.class_name === 'string' ? layer.class_name : '';
    const config = typeof layer?.config === 'object' && layer.config !== null ? layer.config : {};
    const name = typeof config.name === 'string' ? config.name : (layer as { name?: unknown })?.name;
    const described: LayerConfig = { className: cls, config };
    const own = Object.hasOwn(fixed, cls)
      ? (fixed[cls] ?? [])
      : (Object.values(NEURAL_ARCHITECTURE_SPECS)
          .map((spec) => spec.weightNames(described))
          .find((n) => n !== undefined) ?? []);
    for (const suffix of own) names.push(suffix === '*' ? '*' : `${String(name)}/${suffix}`);
  }
  return names;
}

/**
 * The weight shapes Glossa writes for a manifest, in order (what a bundle's `weightsManifest` must list).
 *
 * @param manifest - The architecture, options and labels.
 * @param vocabularySize - Tokens in the bundle's vocabulary.
 * @returns One shape per weight tensor.
 * @example
 * ```ts
 * expectedWeightShapes(readManifest(files), 20_000); // [[20000, 64], [64, 256], ...]
 * ```
 */
export function expectedWeightShapes(manifest: Pick<BundleManifest, 'architecture' | 'options' | 'labels'>, vocabularySize: number): number[][] {
  const spec = neuralSpec(manifest.architecture);
  if (!spec) return [];
  const options = manifest.options as ResolvedClassifierOptions;
  return [[vocabularySize, options.embeddingDim], ...spec.weightShapes(options), [spec.featureWidth(options), manifest.labels.length], [manifest.labels.length]];
}

function checkTopology(modelJson: unknown, manifest: BundleManifest, vocabularySize: number): { topology: object; specs: io.WeightsManifestEntry[]; expectedBytes: number } {
  const problems: string[] = [];
  const m = (typeof modelJson === 'object' && modelJson !== null ? modelJson : {}) as {
    modelTopology?: { class_name?: unknown; config?: { layers?: TopologyLayer[] } };
    weightsManifest?: Array<{ paths?: unknown; weights?: unknown }>;
  };
  const topology = m.modelTopology;
  const layers = topology?.config?.layers;
  if (typeof topology !== 'object' || topology === null) problems.push('model.json modelTopology: missing');
  else if (topology.class_name !== 'Model' && topology.class_name !== 'Functional') {
    problems.push(`model.json modelTopology.class_name: must be "Model" (got ${JSON.stringify(topology.class_name)?.slice(0, 60)})`);
  }
  if (!Array.isArray(layers) || layers.length === 0) {
    problems.push('model.json modelTopology.config.layers: missing');
  } else {
    checkLayers(layers, manifest, vocabularySize, problems);
    const config = (topology?.config ?? {}) as { input_layers?: unknown; output_layers?: unknown };
    const first = (layers[0] as { name?: unknown } | null)?.name;
    const last = (layers[Math.min(layers.length, MAX_LAYERS) - 1] as { name?: unknown } | null)?.name;
    if (JSON.stringify(config.input_layers) !== JSON.stringify([[first, 0, 0]])) {
      problems.push(`model.json input_layers: must be [[${JSON.stringify(first)?.slice(0, 60)}, 0, 0]] (got ${JSON.stringify(config.input_layers)?.slice(0, 100)})`);
    }
    if (JSON.stringify(config.output_layers) !== JSON.stringify([[last, 0, 0]])) {
      problems.push(`model.json output_layers: must be [[${JSON.stringify(last)?.slice(0, 60)}, 0, 0]] (got ${JSON.stringify(config.output_layers)?.slice(0, 100)})`);
    }
  }
  checkClassNames(topology, problems);
  const specs: io.WeightsManifestEntry[] = [];
  if (!Array.isArray(m.weightsManifest) || m.weightsManifest.length === 0) {
    problems.push('model.json weightsManifest: missing');
  } else {
    for (const group of m.weightsManifest.slice(0, MAX_LAYERS)) {
      if (!Array.isArray(group?.paths) || group.paths.length !== 1 || group.paths[0] !== manifest.files.weights) {
        problems.push(`model.json weightsManifest.paths: must be ["${manifest.files.weights}"] (got ${JSON.stringify(group?.paths)?.slice(0, 100)})`);
      }
      if (Array.isArray(group?.weights)) specs.push(...(group.weights as io.WeightsManifestEntry[]).slice(0, 4 * MAX_LAYERS));
    }
  }
  let expectedBytes = 0;
  for (const spec of specs) {
    const ok =
      typeof spec === 'object' &&
      spec !== null &&
      typeof spec.name === 'string' &&
      spec.name.length <= 200 &&
      spec.dtype === 'float32' &&
      Array.isArray(spec.shape) &&
      spec.shape.length <= 4 &&
      spec.shape.every((d) => Number.isInteger(d) && d >= 0 && d <= 100_000_000);
    if (!ok) {
      problems.push(`model.json weight ${JSON.stringify((spec as { name?: unknown } | null)?.name)?.slice(0, 100)}: needs a name, dtype float32 and a shape of at most 4 whole numbers`);
      continue;
    }
    if ((spec as { quantization?: unknown }).quantization !== undefined) problems.push(`model.json weight ${spec.name}: quantized weights are not supported`);
    expectedBytes += spec.shape.reduce((a, b) => a * b, 1) * 4;
  }
  if (expectedBytes > MAX_WEIGHT_BYTES) problems.push(`model.json: the weights would take ${expectedBytes} bytes, over the limit of ${MAX_WEIGHT_BYTES}`);
  if (Array.isArray(layers)) {
    // tfjs matches weights to layers by name; a name it cannot place fails after the model's variables exist.
    const expectedNames = expectedWeightNames(layers.slice(0, MAX_LAYERS));
    specs.forEach((spec, i) => {
      const expected = expectedNames[i];
      if (expected !== undefined && expected !== '*' && spec?.name !== expected) {
        problems.push(`model.json weight ${JSON.stringify(spec?.name)?.slice(0, 100)}: expected "${expected}" (weights come in layer order)`);
      }
    });
  }
  const expectedShapes = JSON.stringify(expectedWeightShapes(manifest, vocabularySize));
  const shapes = JSON.stringify(specs.map((spec) => (Array.isArray(spec?.shape) ? spec.shape : null)));
  if (shapes !== expectedShapes) {
    problems.push(`model.json weightsManifest: weight shapes ${shapes.slice(0, 200)} do not match the manifest's ${manifest.architecture} model (${expectedShapes})`);
  }
  if (problems.length > 0) {
    throw new BundleError('BUNDLE_INVALID', `Bundle: model.json is invalid (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.slice(0, 5).join('; ')}. Re-save the bundle with Glossa.`, problems);
  }
  return { topology: topology as object, specs, expectedBytes };
}

/** Frees the tfjs variables registered since `before` (a model that failed half-way through building). */
function disposeVariablesSince(before: ReadonlySet<string>): void {
  for (const [name, variable] of Object.entries(engine().state.registeredVariables)) {
    if (!before.has(name)) variable.dispose();
  }
}

/**
 * Loads a classifier from bundle files, validating every file first. Never evaluates code: the topology
 * may only contain the layer classes Glossa builds, shapes must agree with the manifest and vocabulary,
 * and the weights must have exactly the bytes their specs need.
 *
 * @param files - Bundle files (from a directory, a download, IndexedDB…).
 * @returns The trained classifier.
 * @throws {@link BundleError} naming the file and problem.
 * @example
 * ```ts
 * const classifier = await deserializeBundle(files);
 * const [prediction] = await classifier.predict(['great film']);
 * ```
 */
export async function deserializeBundle(files: BundleFiles): Promise<TextClassifier> {
  return deserializeManifest(files, readManifest(files), false);
}

async function deserializeManifest(files: BundleFiles, manifest: BundleManifest, isMember: boolean): Promise<TextClassifier> {
  const options: ResolvedClassifierOptions = { ...DEFAULT_CLASSIFIER_OPTIONS, ...manifest.options };
  const training = manifest.training ? { training: manifest.training as TrainingInfo } : {};
  const validation = manifest.metrics?.validation ? { validation: manifest.metrics.validation } : {};
  if (manifest.members) {
    if (isMember) throw new BundleError('BUNDLE_INVALID', 'Bundle: a member of an auto bundle cannot have members of its own.', ['members: nested']);
    const members: AutoMember[] = [];
    try {
      for (const m of manifest.members) {
        const memberManifest = readManifest({ [BUNDLE_FILE_NAMES.manifest]: fileOf(files, m.manifest) ?? new Uint8Array(0), ...(fileOf(files, m.manifest) ? {} : { missing: new Uint8Array(0) }) });
        const problems: string[] = [];
        if (memberManifest.architecture !== m.architecture) problems.push(`${m.manifest}: architecture ${memberManifest.architecture}, but manifest.json says ${m.architecture}`);
        if (JSON.stringify(memberManifest.labels) !== JSON.stringify(manifest.labels)) problems.push(`${m.manifest}: labels differ from manifest.json's`);
        const listed = new Set(m.files);
        for (const name of bundleFileNames(memberManifest)) if (!listed.has(name)) problems.push(`${m.manifest}: file ${name} is not listed in manifest.json members`);
        if (problems.length > 0) throw new BundleError('BUNDLE_INVALID', `Bundle: member "${m.name}" is invalid: ${problems.join('; ')}. Re-save the bundle with Glossa.`, problems);
        members.push({ name: m.name, weight: m.weight, classifier: await deserializeManifest(files, memberManifest, true) });
      }
    } catch (error) {
      for (const m of members) m.classifier.dispose();
      throw error;
    }
    return restoreAutoClassifier({
      options,
      labels: [...manifest.labels],
      members,
      portfolio: manifest.portfolio!,
      ...training,
      ...validation,
    });
  }
  const preprocessingJson = parseJsonFile(files, manifest.files.preprocessing!);
  let pipeline: ReturnType<typeof textPipelineFromJSON>;
  try {
    pipeline = textPipelineFromJSON(preprocessingJson as TextPipelineJSON);
  } catch (cause) {
    throw new BundleError('BUNDLE_INVALID', `Bundle: ${manifest.files.preprocessing} is invalid: ${(cause as Error).message}`, [(cause as Error).message], { cause });
  }
  const pipelineProblems: string[] = [];
  if (pipeline.config.maxLength !== manifest.options.maxLength) {
    pipelineProblems.push(`${manifest.files.preprocessing} config.maxLength: ${pipeline.config.maxLength}, but the manifest's options.maxLength is ${manifest.options.maxLength}`);
  }
  if (pipeline.config.truncating !== manifest.options.truncating) {
    pipelineProblems.push(`${manifest.files.preprocessing} config.truncating: ${pipeline.config.truncating}, but the manifest's options.truncating is ${manifest.options.truncating}`);
  }
  if (pipeline.vocabulary.size > manifest.options.vocabSize) {
    pipelineProblems.push(`${manifest.files.preprocessing} vocabulary: ${pipeline.vocabulary.size} tokens, more than the manifest's options.vocabSize (${manifest.options.vocabSize})`);
  }
  if (pipelineProblems.length > 0) {
    throw new BundleError('BUNDLE_INVALID', `Bundle: ${manifest.files.preprocessing} does not match manifest.json: ${pipelineProblems.join('; ')}. Re-save the bundle with Glossa.`, pipelineProblems);
  }
  if (manifest.ngram) {
    const need = (name: string): Uint8Array => {
      const bytes = fileOf(files, name);
      if (!bytes) throw new BundleError('BUNDLE_MISSING_FILE', `Bundle: ${name} is missing. Copy every file of the bundle.`, [`${name}: missing`]);
      return bytes;
    };
    return ngramFromBundle({
      options,
      labels: [...manifest.labels],
      pipeline,
      info: manifest.ngram,
      featuresFile: manifest.files.features!,
      features: need(manifest.files.features!),
      weightsFile: manifest.files.weights!,
      weights: need(manifest.files.weights!),
      ...training,
      ...validation,
    });
  }
  const modelJson = parseJsonFile(files, manifest.files.topology!);
  const { topology, specs, expectedBytes } = checkTopology(modelJson, manifest, pipeline.vocabulary.size);
  const weights = fileOf(files, manifest.files.weights!);
  if (!weights) {
    throw new BundleError('BUNDLE_MISSING_FILE', `Bundle: ${manifest.files.weights} is missing. Copy every file of the bundle.`, [`${manifest.files.weights}: missing`]);
  }
  if (weights.byteLength !== expectedBytes) {
    throw new BundleError(
      'BUNDLE_CORRUPT',
      `Bundle: ${manifest.files.weights} has ${weights.byteLength} bytes but the model needs ${expectedBytes} (truncated or from another model). Re-save the bundle.`,
      [`${manifest.files.weights}: ${weights.byteLength} bytes, expected ${expectedBytes}`],
    );
  }
  registerGlossaLayers();
  // Build the network from the (checked) topology alone, then set the weights ourselves: every tensor made
  // here is ours to free, so a bundle tfjs still refuses leaves nothing behind.
  const variablesBefore = new Set(Object.keys(engine().state.registeredVariables));
  let model: Awaited<ReturnType<typeof loadLayersModel>>;
  try {
    model = await loadLayersModel(tfio.fromMemory({ modelTopology: topology }));
  } catch (cause) {
    disposeVariablesSince(variablesBefore);
    throw new BundleError('BUNDLE_INVALID', `Bundle: tfjs could not build the model (${(cause as Error).message}). Re-save the bundle with Glossa.`, [(cause as Error).message], { cause });
  }
  const floats = new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer);
  let offset = 0;
  const values: Tensor[] = specs.map((spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const value = tensor(floats.subarray(offset, offset + size), spec.shape, 'float32');
    offset += size;
    return value;
  });
  try {
    model.setWeights(values);
  } catch (cause) {
    model.dispose();
    throw new BundleError('BUNDLE_INVALID', `Bundle: the weights do not fit the model (${(cause as Error).message}). Re-save the bundle with Glossa.`, [(cause as Error).message], { cause });
  } finally {
    dispose(values);
  }
  try {
    // Warm up once so the first user prediction is not the slowest (and a model that cannot run fails here).
    // (tidy keeps what its function returns: return nothing, so the output is freed too.)
    tidy(() => {
      model.apply(tensor2d(new Int32Array(options.kernelSize).fill(1), [1, options.kernelSize], 'int32'));
    });
  } catch (cause) {
    model.dispose();
    throw new BundleError('BUNDLE_INVALID', `Bundle: the model cannot run (${(cause as Error).message}). Re-save the bundle with Glossa.`, [(cause as Error).message], { cause });
  }
  return restoreTextClassifier({
    options,
    labels: [...manifest.labels],
    pipeline,
    model,
    ...(manifest.training ? { training: manifest.training as TrainingInfo } : {}),
    ...(manifest.metrics?.validation ? { validation: manifest.metrics.validation } : {}),
  });
}
