/**
 * Bundles: a trained classifier as named files (`serializeBundle`) and back (`deserializeBundle`). The
 * manifest lives in `bundle/manifest.ts`, the topology validation in `bundle/topology.ts`.
 */
import { type TextPipelineJSON, textPipelineFromJSON } from '@glossa/text-preprocessing';
import { type io, type Tensor, dispose, engine, tensor, tensor2d, tidy } from '@tensorflow/tfjs-core';
import { io as tfio } from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { type AutoMember, autoStateOf, restoreAutoClassifier } from './architectures/auto/auto-classifier.js';
import { ngramBinaryFiles, ngramFromBundle } from './architectures/ngram/ngram-bundle.js';
import { ngramStateOf } from './architectures/ngram/ngram-classifier.js';
import { ARCHITECTURE_REGISTRY } from './architectures/registry.js';
import {
  BUNDLE_FILE_NAMES,
  type BundleFiles,
  type BundleManifest,
  FLOAT32_BUNDLE_FORMAT_VERSION,
  FORMAT_1_ARCHITECTURES,
  type MemberArchitecture,
  bundleFileNames,
  decoder,
  fileOf,
  jsonBytes,
  parseJsonFile,
  type QuantizationDtype,
  readManifest,
} from './bundle/manifest.js';
import { dequantizeNeuralWeights, quantizeBundleFiles } from './bundle/quantize.js';
import { checkTopology } from './bundle/topology.js';

import { BundleError } from './errors.js';
import { registerGlossaLayers } from './layers.js';
import { DEFAULT_CLASSIFIER_OPTIONS, type ResolvedClassifierOptions } from './options.js';
import { type TextClassifier, type TrainingInfo, restoreTextClassifier } from './text-classifier.js';
import { MODEL_CORE_VERSION } from './version.js';

export {
  BUNDLE_FILE_NAMES,
  BUNDLE_FORMAT_VERSION,
  type BundleFiles,
  type BundleManifest,
  bundleFileNames,
  QUANTIZATION_DTYPES,
  QUANTIZED_BUNDLE_FORMAT_VERSION,
  type QuantizationDtype,
  readManifest,
  validateManifest,
} from './bundle/manifest.js';
export { INT8_MIN_TENSOR_VALUES, type QuantizeBundleOptions, quantizeBundle } from './bundle/quantize.js';
export { expectedWeightShapes } from './bundle/topology.js';

/**
 * Classifiers loaded from a quantized bundle, with its dtype: saving one writes a quantized bundle again
 * (an n-gram model read from one keeps only its shortened keys, which a float32 bundle cannot hold).
 */
const loadedQuantized = new WeakMap<TextClassifier, QuantizationDtype>();

/**
 * The dtype of the quantized bundle a classifier was loaded from, or undefined for a float32 one (and for
 * a classifier trained in this process). Saving such a classifier writes a bundle of the same dtype.
 *
 * @param classifier - A classifier.
 * @returns `'int8'`, `'float16'` or undefined.
 * @example
 * ```ts
 * const classifier = await deserializeBundle(files);
 * console.log(quantizationOf(classifier) ?? 'float32');
 * ```
 */
export function quantizationOf(classifier: TextClassifier): QuantizationDtype | undefined {
  return loadedQuantized.get(classifier);
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
    // lstm, bow and cnn bundles without a learned initial state stay readable by Glossa releases that only
    // know format 1; a learned one (trained state, CNN padding window) needs a release that applies it.
    formatVersion:
      FORMAT_1_ARCHITECTURES.includes(architecture) && (classifier.options.initialState === 'zero' || architecture === 'bow')
        ? 1
        : FLOAT32_BUNDLE_FORMAT_VERSION,
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
 * Serialises a trained classifier into bundle files (IO-agnostic: the runtimes store them). A classifier
 * loaded from a quantized bundle is saved quantized again, with the same dtype ({@link quantizationOf}).
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
  const files = await serializeFloat32(classifier);
  const dtype = loadedQuantized.get(classifier);
  if (dtype === undefined) return files;
  const keyBitsOf = (member: string | undefined): number | undefined => {
    const model = member === undefined ? classifier : autoStateOf(classifier)?.members.find((m) => m.name === member)?.classifier;
    const table = model ? ngramStateOf(model)?.table : undefined;
    return table && table.keyBits < 64 ? table.keyBits : undefined;
  };
  return quantizeBundleFiles(files, dtype, keyBitsOf);
}

/** The float32 bundle of a classifier (for a classifier loaded quantized, the input of re-quantizing). */
async function serializeFloat32(classifier: TextClassifier): Promise<BundleFiles> {
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
      const own = await serializeFloat32(member.classifier);
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
  const manifest = readManifest(files);
  const classifier = await deserializeManifest(files, manifest, false);
  if (manifest.quantization) loadedQuantized.set(classifier, manifest.quantization.dtype);
  return classifier;
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
        const memberManifest = readManifest({
          [BUNDLE_FILE_NAMES.manifest]: fileOf(files, m.manifest) ?? new Uint8Array(0),
          ...(fileOf(files, m.manifest) ? {} : { missing: new Uint8Array(0) }),
        });
        const problems: string[] = [];
        if (memberManifest.architecture !== m.architecture)
          problems.push(`${m.manifest}: architecture ${memberManifest.architecture}, but manifest.json says ${m.architecture}`);
        if (JSON.stringify(memberManifest.labels) !== JSON.stringify(manifest.labels)) problems.push(`${m.manifest}: labels differ from manifest.json's`);
        if (memberManifest.quantization?.dtype !== manifest.quantization?.dtype) {
          problems.push(
            `${m.manifest}: stored as ${memberManifest.quantization?.dtype ?? 'float32'}, but manifest.json says ${manifest.quantization?.dtype ?? 'float32'}`,
          );
        }
        const listed = new Set(m.files);
        for (const name of bundleFileNames(memberManifest))
          if (!listed.has(name)) problems.push(`${m.manifest}: file ${name} is not listed in manifest.json members`);
        if (problems.length > 0)
          throw new BundleError('BUNDLE_INVALID', `Bundle: member "${m.name}" is invalid: ${problems.join('; ')}. Re-save the bundle with Glossa.`, problems);
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
    throw new BundleError('BUNDLE_INVALID', `Bundle: ${manifest.files.preprocessing} is invalid: ${(cause as Error).message}`, [(cause as Error).message], {
      cause,
    });
  }
  const pipelineProblems: string[] = [];
  if (pipeline.config.maxLength !== manifest.options.maxLength) {
    pipelineProblems.push(
      `${manifest.files.preprocessing} config.maxLength: ${pipeline.config.maxLength}, but the manifest's options.maxLength is ${manifest.options.maxLength}`,
    );
  }
  if (pipeline.config.truncating !== manifest.options.truncating) {
    pipelineProblems.push(
      `${manifest.files.preprocessing} config.truncating: ${pipeline.config.truncating}, but the manifest's options.truncating is ${manifest.options.truncating}`,
    );
  }
  if (pipeline.vocabulary.size > manifest.options.vocabSize) {
    pipelineProblems.push(
      `${manifest.files.preprocessing} vocabulary: ${pipeline.vocabulary.size} tokens, more than the manifest's options.vocabSize (${manifest.options.vocabSize})`,
    );
  }
  if (pipelineProblems.length > 0) {
    throw new BundleError(
      'BUNDLE_INVALID',
      `Bundle: ${manifest.files.preprocessing} does not match manifest.json: ${pipelineProblems.join('; ')}. Re-save the bundle with Glossa.`,
      pipelineProblems,
    );
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
      ...(manifest.quantization?.ngram ? { quantization: manifest.quantization.ngram } : {}),
      ...training,
      ...validation,
    });
  }
  const modelJson = parseJsonFile(files, manifest.files.topology!);
  const { topology, specs, expectedBytes } = checkTopology(modelJson, manifest, pipeline.vocabulary.size);
  const weights = fileOf(files, manifest.files.weights!);
  if (!weights) {
    throw new BundleError('BUNDLE_MISSING_FILE', `Bundle: ${manifest.files.weights} is missing. Copy every file of the bundle.`, [
      `${manifest.files.weights}: missing`,
    ]);
  }
  const tensors = manifest.quantization?.tensors;
  if (tensors === undefined && weights.byteLength !== expectedBytes) {
    throw new BundleError(
      'BUNDLE_CORRUPT',
      `Bundle: ${manifest.files.weights} has ${weights.byteLength} bytes but the model needs ${expectedBytes} (truncated or from another model). Re-save the bundle.`,
      [`${manifest.files.weights}: ${weights.byteLength} bytes, expected ${expectedBytes}`],
    );
  }
  // A quantized bundle's weights are turned back into float32 here: from now on the model is as any other.
  const floats = tensors
    ? dequantizeNeuralWeights(manifest.files.weights!, weights, specs, tensors)
    : new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer);
  registerGlossaLayers();
  // Build the network from the (checked) topology alone, then set the weights ourselves: every tensor made
  // here is ours to free, so a bundle tfjs still refuses leaves nothing behind.
  const variablesBefore = new Set(Object.keys(engine().state.registeredVariables));
  let model: Awaited<ReturnType<typeof loadLayersModel>>;
  try {
    model = await loadLayersModel(tfio.fromMemory({ modelTopology: topology }));
  } catch (cause) {
    disposeVariablesSince(variablesBefore);
    throw new BundleError(
      'BUNDLE_INVALID',
      `Bundle: tfjs could not build the model (${(cause as Error).message}). Re-save the bundle with Glossa.`,
      [(cause as Error).message],
      { cause },
    );
  }
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
    throw new BundleError(
      'BUNDLE_INVALID',
      `Bundle: the weights do not fit the model (${(cause as Error).message}). Re-save the bundle with Glossa.`,
      [(cause as Error).message],
      { cause },
    );
  } finally {
    dispose(values);
  }
  try {
    // Warm up once so the first user prediction is not the slowest (and a model that cannot run fails here).
    // (tidy keeps what its function returns: return nothing, so the output is freed too.)
    // With initialState 'padded' a text comes after padding (an lstm reads its pad token's projection there).
    const lead = options.initialState === 'padded' ? 1 : 0;
    tidy(() => {
      model.apply(tensor2d(new Int32Array(lead + options.kernelSize).fill(1, lead), [1, lead + options.kernelSize], 'int32'));
    });
  } catch (cause) {
    model.dispose();
    throw new BundleError(
      'BUNDLE_INVALID',
      `Bundle: the model cannot run (${(cause as Error).message}). Re-save the bundle with Glossa.`,
      [(cause as Error).message],
      { cause },
    );
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
