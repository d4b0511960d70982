/**
 * Quantized bundles: the same model with its stored numbers made smaller. `quantizeBundle` rewrites a
 * float32 bundle's weight files; `deserializeBundle` turns them back into float32 at load
 * ({@link dequantizeNeuralWeights}, the n-gram model's own decoder), so every runtime predicts through the
 * one path it always used.
 */
import { type TextPipelineJSON, textPipelineFromJSON } from '@glossa/text-preprocessing';
import { ARCHITECTURE_REGISTRY } from '../architectures/registry.js';
import { ngramArrayProblems, ngramArraysOfFloat32 } from '../architectures/ngram/ngram-bundle.js';
import { encodeQuantizedNgram, ngramKeyBits } from '../architectures/ngram/ngram-quantized.js';
import { BundleError, ModelCoreError } from '../errors.js';
import {
  BUNDLE_FILE_NAMES,
  type BundleFiles,
  type BundleManifest,
  QUANTIZATION_DTYPES,
  QUANTIZED_BUNDLE_FORMAT_VERSION,
  type QuantizationDtype,
  compactJsonBytes,
  fileOf,
  jsonBytes,
  parseJsonFile,
  readManifest,
} from './manifest.js';
import { QuantizedDataError, type TensorEncoding, decodeTensor, encodeTensor, encodedTensorBytes } from './quantize-codec.js';
import { checkTopology } from './topology.js';

/** Options of {@link quantizeBundle}. */
export interface QuantizeBundleOptions {
  /**
   * `int8`: weight matrices as 8-bit integers with a float32 scale per row (embeddings) or per output
   * channel (kernels), n-gram keys shortened, about 4× smaller; `float16`: every weight as IEEE half
   * precision, about 2× smaller.
   */
  dtype: QuantizationDtype;
}

/** Tensors with fewer values stay float32 in an int8 bundle: biases, norms, the output layer of few labels. */
export const INT8_MIN_TENSOR_VALUES = 1024;

/** The file name a quantized bundle gives a weight file: `x.bin` → `x.q.bin`. */
function quantizedName(name: string): string {
  return name.endsWith('.bin') ? `${name.slice(0, -'.bin'.length)}.q.bin` : `${name}.q`;
}

function fileOrMissing(files: BundleFiles, name: string): Uint8Array {
  const bytes = fileOf(files, name);
  if (!bytes) throw new BundleError('BUNDLE_MISSING_FILE', `Bundle: ${name} is missing. Copy every file of the bundle.`, [`${name}: missing`]);
  return bytes;
}

/** How an int8 bundle stores a weight tensor of this name and shape. */
function int8Encoding(name: string, shape: readonly number[]): TensorEncoding {
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.length < 2 || size < INT8_MIN_TENSOR_VALUES) return 'float32';
  // Embedding tables (the vocabulary's, the Transformer's positions): one scale per token / position.
  return name.endsWith('embeddings') ? 'int8-rows' : 'int8-columns';
}

/** A tensor seen as a matrix: every axis but the last are the rows. */
function matrixOf(shape: readonly number[]): { rows: number; columns: number } {
  const columns = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return { rows, columns };
}

function float16Overflow(where: string): ModelCoreError {
  return new ModelCoreError(
    'INVALID_OPTIONS',
    `quantizeBundle: ${where} is beyond float16's range (±65,504), so the model cannot be stored as float16. Use dtype int8, or keep the float32 bundle.`,
  );
}

/** Quantizes the files of one model (not auto) described by `manifest`; returns its new files and manifest. */
function quantizeModel(
  files: BundleFiles,
  manifest: BundleManifest,
  dtype: QuantizationDtype,
  keyBits: number | undefined,
): { files: BundleFiles; manifest: BundleManifest } {
  const kind = ARCHITECTURE_REGISTRY[manifest.architecture].kind;
  const preprocessingName = manifest.files.preprocessing!;
  const preprocessingJson = parseJsonFile(files, preprocessingName);
  // The same JSON without indentation (a vocabulary of 20,000 tokens: about 40% fewer bytes).
  const out: BundleFiles = { [preprocessingName]: compactJsonBytes(preprocessingJson) };
  if (kind === 'sparse') {
    const ngram = manifest.ngram!;
    const parts = {
      featuresFile: manifest.files.features!,
      features: fileOrMissing(files, manifest.files.features!),
      weightsFile: manifest.files.weights!,
      weights: fileOrMissing(files, manifest.files.weights!),
    };
    const arrays = ngramArraysOfFloat32(parts, ngram.featureCount, manifest.labels.length);
    const problems = ngramArrayProblems(arrays, parts);
    if (problems.length > 0) throw new BundleError('BUNDLE_CORRUPT', `Bundle: ${problems.join('; ')}. The files are damaged; re-save the bundle.`, problems);
    const encoded = encodeQuantizedNgram(arrays, manifest.labels.length, dtype, keyBits ?? ngramKeyBits(ngram.featureCount, dtype));
    if ('overflowAt' in encoded) throw float16Overflow(`${parts.weightsFile} value ${encoded.overflowAt} (${arrays.weights[encoded.overflowAt]})`);
    const featuresName = quantizedName(manifest.files.features!);
    const weightsName = quantizedName(manifest.files.weights!);
    out[featuresName] = encoded.features;
    out[weightsName] = encoded.weights;
    return {
      files: out,
      manifest: {
        ...manifest,
        formatVersion: QUANTIZED_BUNDLE_FORMAT_VERSION,
        files: { ...manifest.files, features: featuresName, weights: weightsName },
        quantization: {
          dtype,
          ngram: { ...encoded.settings, ...(encoded.unreachableFeatures > 0 ? { unreachableFeatures: encoded.unreachableFeatures } : {}) },
        },
      },
    };
  }
  // A neural model: its weights file, tensor by tensor in model.json's order.
  let vocabularySize: number;
  try {
    vocabularySize = textPipelineFromJSON(preprocessingJson as TextPipelineJSON).vocabulary.size;
  } catch (cause) {
    throw new BundleError('BUNDLE_INVALID', `Bundle: ${preprocessingName} is invalid: ${(cause as Error).message}`, [(cause as Error).message], { cause });
  }
  const topologyName = manifest.files.topology!;
  const modelJson = parseJsonFile(files, topologyName);
  const { specs, expectedBytes } = checkTopology(modelJson, manifest, vocabularySize);
  const weightsName = manifest.files.weights!;
  const weights = fileOrMissing(files, weightsName);
  if (weights.byteLength !== expectedBytes) {
    throw new BundleError(
      'BUNDLE_CORRUPT',
      `Bundle: ${weightsName} has ${weights.byteLength} bytes but the model needs ${expectedBytes} (truncated or from another model). Re-save the bundle.`,
      [`${weightsName}: ${weights.byteLength} bytes, expected ${expectedBytes}`],
    );
  }
  const floats = new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer);
  const encodings: TensorEncoding[] = [];
  const segments: Uint8Array[] = [];
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = floats.subarray(offset, offset + size);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new BundleError('BUNDLE_CORRUPT', `Bundle: ${weightsName} weight ${spec.name} holds ${values[bad]} at ${bad}. The model is damaged; re-train it.`, [
        `${weightsName}: ${spec.name} not finite`,
      ]);
    const encoding = dtype === 'float16' ? 'float16' : int8Encoding(spec.name, spec.shape);
    const { rows, columns } = matrixOf(spec.shape);
    const encoded = encodeTensor(values, rows, columns, encoding);
    if (!('bytes' in encoded)) throw float16Overflow(`weight ${spec.name} (${values[encoded.overflowAt]})`);
    encodings.push(encoding);
    segments.push(encoded.bytes);
    offset += size;
  }
  const quantized = new Uint8Array(segments.reduce((n, s) => n + s.byteLength, 0));
  let at = 0;
  for (const segment of segments) {
    quantized.set(segment, at);
    at += segment.byteLength;
  }
  const newWeightsName = quantizedName(weightsName);
  const topology = modelJson as { weightsManifest: Array<{ paths: string[] }> };
  out[topologyName] = compactJsonBytes({ ...topology, weightsManifest: topology.weightsManifest.map((group) => ({ ...group, paths: [newWeightsName] })) });
  out[newWeightsName] = quantized;
  return {
    files: out,
    manifest: {
      ...manifest,
      formatVersion: QUANTIZED_BUNDLE_FORMAT_VERSION,
      files: { ...manifest.files, weights: newWeightsName },
      quantization: { dtype, tensors: encodings },
    },
  };
}

/**
 * Quantizes the files of a float32 bundle (internal form: `keyBitsOf` fixes the key bits of n-gram
 * models, by member name, when a classifier loaded from a quantized bundle is saved again).
 */
export function quantizeBundleFiles(
  files: BundleFiles,
  dtype: QuantizationDtype,
  keyBitsOf: (member: string | undefined) => number | undefined = () => undefined,
): BundleFiles {
  const manifest = readManifest(files);
  if (manifest.quantization) {
    throw new ModelCoreError(
      'ALREADY_QUANTIZED',
      `quantizeBundle: the bundle is already quantized (${manifest.quantization.dtype}). Quantize the float32 bundle it was made from (quantizing twice would only add error).`,
    );
  }
  if (!manifest.members) {
    const quantized = quantizeModel(files, manifest, dtype, keyBitsOf(undefined));
    return { [BUNDLE_FILE_NAMES.manifest]: jsonBytes(quantized.manifest), ...quantized.files };
  }
  const out: BundleFiles = {};
  const members: NonNullable<BundleManifest['members']> = [];
  for (const member of manifest.members) {
    const memberManifest = readManifest({ [BUNDLE_FILE_NAMES.manifest]: fileOrMissing(files, member.manifest) });
    if (memberManifest.members)
      throw new BundleError('BUNDLE_INVALID', 'Bundle: a member of an auto bundle cannot have members of its own.', ['members: nested']);
    const quantized = quantizeModel(files, memberManifest, dtype, keyBitsOf(member.name));
    Object.assign(out, quantized.files);
    out[member.manifest] = jsonBytes(quantized.manifest);
    const renamed = new Map<string, string>();
    for (const key of ['features', 'weights'] as const) {
      const before = memberManifest.files[key];
      const after = quantized.manifest.files[key];
      if (before !== undefined && after !== undefined) renamed.set(before, after);
    }
    members.push({ ...member, files: member.files.map((name) => renamed.get(name) ?? name) });
  }
  const parent: BundleManifest = { ...manifest, formatVersion: QUANTIZED_BUNDLE_FORMAT_VERSION, members, quantization: { dtype } };
  return { [BUNDLE_FILE_NAMES.manifest]: jsonBytes(parent), ...out };
}

/**
 * Makes a smaller copy of a bundle: its weights stored as `int8` (about 4× smaller; accuracy typically
 * within a few tenths of a point) or `float16` (about 2×, practically lossless). The result is a bundle
 * like any other — `deserializeBundle` and every runtime load it and turn the weights back into float32 —
 * at format version 3, which Glossa releases from before quantization refuse with "upgrade Glossa".
 *
 * How: neural weight matrices become int8 with one float32 scale per row (embedding tables) or per output
 * channel (kernels), symmetric (`q = round(v / scale)`, `scale = max |v| / 127`); tensors of fewer than
 * {@link INT8_MIN_TENSOR_VALUES} values (biases, norms, a small output layer) stay float32. An n-gram model's
 * weights become int8 with a scale per label and run of 64 features, its 64-bit n-gram keys keep only the bits
 * that tell its features apart plus 20 (an n-gram it never kept is mistaken for one it kept with a
 * probability of at most 2^-20 per look-up), coded as gaps. Weight files are renamed `*.q.bin`, the vocabulary and topology JSON lose their
 * indentation (the same values, about 40% fewer bytes for a 20,000-token vocabulary); the manifest records how
 * each is stored under `quantization`.
 *
 * @param files - A float32 bundle's files (any architecture, `auto` included).
 * @param options - The dtype.
 * @returns The quantized bundle's files.
 * @throws {@link ModelCoreError} `INVALID_OPTIONS` for an unknown dtype (or a float16 weight out of range),
 *   `ALREADY_QUANTIZED` for a quantized bundle; {@link BundleError} for a damaged bundle.
 * @example
 * ```ts
 * const small = quantizeBundle(await serializeBundle(classifier), { dtype: 'int8' });
 * const same = await deserializeBundle(small); // predicts as the original, to quantization error
 * ```
 */
export function quantizeBundle(files: BundleFiles, options: QuantizeBundleOptions): BundleFiles {
  const dtype = (options as { dtype?: unknown } | undefined)?.dtype;
  if (typeof dtype !== 'string' || !(QUANTIZATION_DTYPES as readonly string[]).includes(dtype)) {
    throw new ModelCoreError('INVALID_OPTIONS', `quantizeBundle: dtype must be ${QUANTIZATION_DTYPES.join(' or ')} (got ${JSON.stringify(dtype)}).`);
  }
  return quantizeBundleFiles(files, dtype as QuantizationDtype);
}

/**
 * The float32 weights of a quantized neural bundle's weights file, in model.json's order.
 *
 * @throws {@link BundleError} `BUNDLE_CORRUPT` when the file's size or contents do not match the encodings.
 */
export function dequantizeNeuralWeights(
  weightsName: string,
  weights: Uint8Array,
  specs: ReadonlyArray<{ name: string; shape: readonly number[] }>,
  encodings: readonly TensorEncoding[],
): Float32Array {
  const problems: string[] = [];
  if (encodings.length !== specs.length) problems.push(`manifest.json quantization.tensors: ${encodings.length} encodings for ${specs.length} weight tensors`);
  let expected = 0;
  let total = 0;
  specs.forEach((spec, i) => {
    const { rows, columns } = matrixOf(spec.shape);
    expected += encodedTensorBytes(rows, columns, encodings[i] ?? 'float32');
    total += rows * columns;
  });
  if (problems.length === 0 && weights.byteLength !== expected)
    problems.push(`${weightsName}: ${weights.byteLength} bytes, but the model's weights in their quantized encodings need ${expected}`);
  if (problems.length > 0) {
    throw new BundleError('BUNDLE_CORRUPT', `Bundle: ${problems.join('; ')} (truncated or from another model). Re-save the bundle.`, problems);
  }
  const out = new Float32Array(total);
  let offset = 0;
  let at = 0;
  specs.forEach((spec, i) => {
    const { rows, columns } = matrixOf(spec.shape);
    const encoding = encodings[i]!;
    let values: Float32Array;
    try {
      values = decodeTensor(weights, offset, rows, columns, encoding);
    } catch (cause) {
      if (!(cause instanceof QuantizedDataError)) throw cause;
      throw new BundleError(
        'BUNDLE_CORRUPT',
        `Bundle: ${weightsName} weight ${spec.name}: ${cause.message}. The file is damaged; re-save the bundle.`,
        [`${weightsName}: ${spec.name}: ${cause.message}`],
        { cause },
      );
    }
    if (values.some((v) => !Number.isFinite(v))) {
      throw new BundleError(
        'BUNDLE_CORRUPT',
        `Bundle: ${weightsName} weight ${spec.name} decodes to values that are not finite. The file is damaged; re-save the bundle.`,
        [`${weightsName}: ${spec.name} not finite`],
      );
    }
    out.set(values, at);
    at += values.length;
    offset += encodedTensorBytes(rows, columns, encoding);
  });
  return out;
}
