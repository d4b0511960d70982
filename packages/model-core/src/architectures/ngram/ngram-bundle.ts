import type { TextPipeline } from '@glossa/text-preprocessing';
import { BundleError } from '../../errors.js';
import type { ResolvedClassifierOptions } from '../../options.js';
import type { TextClassifier, TrainingInfo } from '../../text-classifier.js';
import type { EvaluationReport } from '../../types.js';
import { createFeatureTable } from './features.js';
import { type NgramFitInfo, type NgramModelState, restoreNgramClassifier } from './ngram-classifier.js';
import { type NgramArrays, type NgramQuantization, decodeQuantizedNgram } from './ngram-quantized.js';

/** Bytes per feature in `features.bin`: two uint32 key lanes, a float32 idf and a uint8 block. */
const BYTES_PER_FEATURE = 13;

/** The binary files of an n-gram model: `features` (keys, idf, blocks) and `weights` (W then bias, float32). */
export function ngramBinaryFiles(state: NgramModelState): { features: Uint8Array; weights: Uint8Array } {
  const f = state.table.blocks.length;
  const features = new Uint8Array(f * BYTES_PER_FEATURE);
  features.set(new Uint8Array(state.table.keys.buffer, state.table.keys.byteOffset, f * 8), 0);
  features.set(new Uint8Array(state.table.idf.buffer, state.table.idf.byteOffset, f * 4), f * 8);
  features.set(state.table.blocks.subarray(0, f), f * 12);
  const k = state.labels.length;
  const weights = new Uint8Array((f * k + k) * 4);
  weights.set(new Uint8Array(state.linear.weights.buffer, state.linear.weights.byteOffset, f * k * 4), 0);
  weights.set(new Uint8Array(state.linear.bias.buffer, state.linear.bias.byteOffset, k * 4), f * k * 4);
  return { features, weights };
}

function floats(bytes: Uint8Array, offset: number, count: number): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * 4) as ArrayBuffer);
}

/** The files of an n-gram model inside a bundle, by name. */
export interface NgramFileParts {
  featuresFile: string;
  features: Uint8Array;
  weightsFile: string;
  weights: Uint8Array;
}

/**
 * The arrays of a float32 n-gram bundle's files, after checking their sizes.
 *
 * @throws {@link BundleError} `BUNDLE_CORRUPT` for wrong sizes.
 */
export function ngramArraysOfFloat32(parts: NgramFileParts, featureCount: number, labels: number): NgramArrays {
  const f = featureCount;
  const k = labels;
  const problems: string[] = [];
  if (parts.features.byteLength !== f * BYTES_PER_FEATURE) {
    problems.push(`${parts.featuresFile}: ${parts.features.byteLength} bytes, but ${f} features need ${f * BYTES_PER_FEATURE}`);
  }
  if (parts.weights.byteLength !== (f * k + k) * 4) {
    problems.push(`${parts.weightsFile}: ${parts.weights.byteLength} bytes, but ${f} features × ${k} labels need ${(f * k + k) * 4}`);
  }
  if (problems.length > 0) {
    throw new BundleError('BUNDLE_CORRUPT', `Bundle: ${problems.join('; ')} (truncated or from another model). Re-save the bundle.`, problems);
  }
  return {
    keys: new Uint32Array(parts.features.buffer.slice(parts.features.byteOffset, parts.features.byteOffset + f * 8) as ArrayBuffer),
    idf: floats(parts.features, f * 8, f),
    blocks: parts.features.slice(f * 12, f * 13),
    weights: floats(parts.weights, 0, f * k),
    bias: floats(parts.weights, f * k * 4, k),
  };
}

/**
 * The problems of an n-gram model's arrays (non-finite or non-positive idf, unknown blocks, the reserved
 * key, non-finite weights), each naming its file; empty when they are sound.
 */
export function ngramArrayProblems(arrays: NgramArrays, parts: Pick<NgramFileParts, 'featuresFile' | 'weightsFile'>): string[] {
  const { keys, idf, blocks, weights, bias } = arrays;
  const problems: string[] = [];
  const bad = (a: Float32Array): number => a.findIndex((v) => !Number.isFinite(v));
  if (bad(idf) >= 0 || idf.some((v) => v <= 0)) problems.push(`${parts.featuresFile}: idf values must be positive finite numbers`);
  if (blocks.some((b) => b > 1)) problems.push(`${parts.featuresFile}: feature blocks must be 0 (words) or 1 (characters)`);
  for (let i = 0; i < blocks.length; i++) {
    if (keys[2 * i] === 0 && keys[2 * i + 1] === 0) {
      problems.push(`${parts.featuresFile}: feature ${i} has the reserved key 0`);
      break;
    }
  }
  if (bad(weights) >= 0 || bad(bias) >= 0) problems.push(`${parts.weightsFile}: weights must be finite numbers`);
  return problems;
}

/**
 * Rebuilds an n-gram classifier from its bundle parts (float32, or quantized when `quantization` is given),
 * checking every size and value first.
 *
 * @throws {@link BundleError} `BUNDLE_CORRUPT` for wrong sizes or non-finite values.
 */
export function ngramFromBundle(
  parts: NgramFileParts & {
    options: ResolvedClassifierOptions;
    labels: string[];
    pipeline: TextPipeline;
    info: NgramFitInfo;
    quantization?: NgramQuantization;
    training?: TrainingInfo;
    validation?: EvaluationReport;
  },
): TextClassifier {
  const { info, labels } = parts;
  let arrays: NgramArrays;
  if (parts.quantization) {
    const decoded = decodeQuantizedNgram(parts, info.featureCount, labels.length, parts.quantization);
    if ('problems' in decoded) {
      throw new BundleError(
        'BUNDLE_CORRUPT',
        `Bundle: ${decoded.problems.join('; ')}. The files are damaged or from another model; re-save the bundle.`,
        decoded.problems,
      );
    }
    arrays = decoded;
  } else {
    arrays = ngramArraysOfFloat32(parts, info.featureCount, labels.length);
  }
  const problems = ngramArrayProblems(arrays, parts);
  if (problems.length > 0) {
    throw new BundleError('BUNDLE_CORRUPT', `Bundle: ${problems.join('; ')}. The files are damaged; re-save the bundle.`, problems);
  }
  const state: NgramModelState = {
    options: parts.options,
    labels,
    pipeline: parts.pipeline,
    table: createFeatureTable(info.features, arrays.keys, arrays.blocks, arrays.idf, parts.quantization?.keyBits ?? 64),
    linear: { weights: arrays.weights, bias: arrays.bias },
    info,
    ...(parts.training ? { training: parts.training } : {}),
    ...(parts.validation ? { validation: parts.validation } : {}),
  };
  return restoreNgramClassifier(state);
}
