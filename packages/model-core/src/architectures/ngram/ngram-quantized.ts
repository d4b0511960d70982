/**
 * The n-gram model's files in a quantized bundle. In float32 a feature costs 13 bytes of `features.bin`
 * (a 64-bit key, a float32 idf, a block byte) plus 4 bytes per label of `weights.bin`: the keys dominate.
 * Here:
 *
 * - **Keys** keep their first `keyBits` bits (the high lane, then the top of the low one), enough that an
 *   n-gram the model never kept is mistaken for a kept one with a probability of at most 2^-20 per look-up
 *   ({@link ngramKeyBits}). Features are stored in their id order, which is runs of equal idf (equal document
 *   frequency) sorted by key; each run is one first key and Rice-coded gaps, about `keyBits − log2(run)`
 *   + 2 bits a key instead of 64.
 * - **idf** once per run (float32, exact). **Blocks** one bit each.
 * - **Weights** float16, or int8 with a float32 scale per label and run of 64 features; a binary model's two
 *   columns are negatives of each other, so only the second is stored.
 */
import {
  BitReader,
  BitWriter,
  QuantizedDataError,
  type TensorEncoding,
  decodeTensor,
  encodeTensor,
  encodedTensorBytes,
  float32Bits,
  float32Bytes,
  float32FromBits,
  float32sAt,
} from '../../bundle/quantize-codec.js';

/** The first bytes of a quantized `features` file. */
const FEATURES_MAGIC = [0x47, 0x51, 0x46, 0x31]; // "GQF1"

/** How the n-gram files of a quantized bundle are stored (kept in its manifest). */
export interface NgramQuantization {
  /** Bits of each 64-bit n-gram key kept (32–64). */
  keyBits: number;
  /** How the feature × label weights are stored. */
  weights: TensorEncoding;
  /** Binary model whose first label's weights are the negatives of the second's: only the second is stored. */
  mirrored: boolean;
}

/** Extra key bits beyond those that tell the features apart: an unknown n-gram matches with p ≤ 2^-20. */
const KEY_MARGIN_BITS = 20;
/** Keys are held as whole numbers in doubles when coded. */
export const MAX_QUANTIZED_KEY_BITS = 53;

/**
 * Key bits kept for `featureCount` features: ⌈log2 featureCount⌉ + 20, from 32 to 53, so a look-up of an
 * n-gram the model never kept matches a kept key with a probability of featureCount / 2^keyBits ≤ 2^-20
 * (about one in a million look-ups of unknown n-grams adds one spurious feature to a text); float16 bundles
 * keep 53 (below 10^-9 at the largest feature count).
 */
export function ngramKeyBits(featureCount: number, dtype: 'float16' | 'int8'): number {
  if (dtype === 'float16') return MAX_QUANTIZED_KEY_BITS;
  return Math.min(MAX_QUANTIZED_KEY_BITS, Math.max(32, Math.ceil(Math.log2(Math.max(featureCount, 2))) + KEY_MARGIN_BITS));
}

/** A key's first `keyBits` bits as one whole number (below 2^53). */
function truncatedKey(lo: number, hi: number, keyBits: number): number {
  const lowBits = keyBits - 32;
  return hi * 2 ** lowBits + (lowBits === 0 ? 0 : lo >>> (32 - lowBits));
}

/** The float32 parts of an n-gram model, as its float32 bundle holds them. */
export interface NgramArrays {
  /** Keys in id order: low lane, high lane. */
  keys: Uint32Array;
  idf: Float32Array;
  blocks: Uint8Array;
  /** features × labels, row-major. */
  weights: Float32Array;
  bias: Float32Array;
}

/**
 * Encodes an n-gram model's arrays as the two files of a quantized bundle.
 *
 * @returns The files and settings, or the first weight float16 cannot hold; `unreachableFeatures` counts
 *   features a look-up can no longer find: a shortened key equal to an earlier feature's (the look-up finds
 *   the earlier, more frequent one) or to the reserved key 0; with the default key bits the expected count
 *   is below one in a million bundles.
 */
export function encodeQuantizedNgram(
  arrays: NgramArrays,
  labels: number,
  dtype: 'float16' | 'int8',
  keyBits: number,
): { features: Uint8Array; weights: Uint8Array; settings: NgramQuantization; unreachableFeatures: number } | { overflowAt: number } {
  const f = arrays.blocks.length;
  const writer = new BitWriter();
  for (const byte of FEATURES_MAGIC) writer.write(byte, 8);
  // Runs: equal idf and non-decreasing shortened keys.
  const truncated = new Float64Array(f);
  let unreachableFeatures = 0;
  for (let i = 0; i < f; i++) {
    truncated[i] = truncatedKey(arrays.keys[2 * i]!, arrays.keys[2 * i + 1]!, keyBits);
    // The reserved key 0 marks an empty slot: such a feature cannot be found (kept, as key 1).
    if (truncated[i] === 0) {
      truncated[i] = 1;
      unreachableFeatures++;
    }
  }
  const runs: Array<[number, number]> = [];
  let start = 0;
  for (let i = 1; i <= f; i++) {
    if (i === f || float32Bits(arrays.idf[i]!) !== float32Bits(arrays.idf[i - 1]!) || truncated[i]! < truncated[i - 1]!) {
      runs.push([start, i]);
      start = i;
    }
  }
  // Features whose shortened key equals another's: the look-up finds the first, the others are lost.
  const sorted = truncated.slice().sort();
  for (let i = 1; i < f; i++) if (sorted[i] === sorted[i - 1]) unreachableFeatures++;
  writer.writeBig(runs.length, 32);
  for (const [from, to] of runs) {
    const length = to - from;
    const mean = length > 1 ? (truncated[to - 1]! - truncated[from]!) / (length - 1) : 1;
    const k = Math.min(keyBits, Math.max(0, Math.floor(Math.log2(Math.max(1, mean * Math.LN2)))));
    writer.writeBig(length, 32);
    writer.writeBig(float32Bits(arrays.idf[from]!), 32);
    writer.write(k, 6);
    writer.writeBig(truncated[from]!, keyBits);
    for (let i = from + 1; i < to; i++) {
      writer.writeRice(truncated[i]! - truncated[i - 1]!, k);
    }
  }
  for (let i = 0; i < f; i++) writer.write(arrays.blocks[i]!, 1);
  const features = writer.finish();

  const mirrored = labels === 2 && arrays.weights.every((w, i) => (i % 2 === 0 ? w === -arrays.weights[i + 1]! : true));
  const columns = mirrored ? 1 : labels;
  const stored = mirrored ? Float32Array.from({ length: f }, (_, i) => arrays.weights[2 * i + 1]!) : arrays.weights;
  const encoding: TensorEncoding = dtype === 'float16' ? 'float16' : 'int8-groups';
  const encoded = encodeTensor(stored, f, columns, encoding);
  if (!('bytes' in encoded)) return { overflowAt: mirrored ? 2 * encoded.overflowAt + 1 : encoded.overflowAt };
  const weights = new Uint8Array(encoded.bytes.byteLength + 4 * labels);
  weights.set(encoded.bytes, 0);
  weights.set(float32Bytes(arrays.bias), encoded.bytes.byteLength);
  return { features, weights, settings: { keyBits, weights: encoding, mirrored }, unreachableFeatures };
}

/**
 * Decodes the files of {@link encodeQuantizedNgram}: keys hold their first `keyBits` bits (the rest zero).
 *
 * @returns The arrays, or the problems found (each naming the file).
 */
export function decodeQuantizedNgram(
  parts: { featuresFile: string; features: Uint8Array; weightsFile: string; weights: Uint8Array },
  featureCount: number,
  labels: number,
  settings: NgramQuantization,
): NgramArrays | { problems: string[] } {
  const f = featureCount;
  const { keyBits } = settings;
  const problems: string[] = [];
  if (keyBits < 32 || keyBits > MAX_QUANTIZED_KEY_BITS)
    problems.push(`manifest.json quantization.ngram.keyBits: ${keyBits}, must be from 32 to ${MAX_QUANTIZED_KEY_BITS}`);
  if (settings.mirrored && labels !== 2) problems.push('manifest.json quantization.ngram.mirrored: only a model of 2 labels can be mirrored');
  const columns = settings.mirrored ? 1 : labels;
  const weightBytes = encodedTensorBytes(f, columns, settings.weights) + 4 * labels;
  if (parts.weights.byteLength !== weightBytes) {
    problems.push(
      `${parts.weightsFile}: ${parts.weights.byteLength} bytes, but ${f} features × ${columns} stored label column${columns === 1 ? '' : 's'} in ${settings.weights} need ${weightBytes}`,
    );
  }
  // Every feature takes at least two bits (a gap's stop bit, its block): refuse before allocating for it.
  if (parts.features.byteLength * 8 < 2 * f + 64) problems.push(`${parts.featuresFile}: ${parts.features.byteLength} bytes cannot hold ${f} features`);
  if (problems.length > 0) return { problems };
  const keys = new Uint32Array(2 * f);
  const idf = new Float32Array(f);
  const blocks = new Uint8Array(f);
  try {
    const reader = new BitReader(parts.features);
    for (const byte of FEATURES_MAGIC) {
      if (reader.read(8) !== byte) return { problems: [`${parts.featuresFile}: not a quantized features file (wrong first bytes)`] };
    }
    const runCount = reader.read32();
    if (runCount > f) return { problems: [`${parts.featuresFile}: ${runCount} runs for ${f} features`] };
    const limit = 2 ** keyBits;
    const lowBits = keyBits - 32;
    let id = 0;
    for (let r = 0; r < runCount; r++) {
      const length = reader.read32();
      if (length === 0 || id + length > f) return { problems: [`${parts.featuresFile}: run ${r} of ${length} features overruns the ${f} features`] };
      const value = float32FromBits(reader.read32());
      const k = reader.read(6);
      if (k > keyBits) return { problems: [`${parts.featuresFile}: run ${r} has Rice parameter ${k} over ${keyBits} bits`] };
      let key = reader.readBig(keyBits);
      for (let i = 0; i < length; i++, id++) {
        if (i > 0) key += reader.readRice(k, Math.floor(limit / 2 ** k));
        if (key >= limit) return { problems: [`${parts.featuresFile}: feature ${id}'s key exceeds ${keyBits} bits`] };
        const hi = Math.floor(key / 2 ** lowBits);
        keys[2 * id] = lowBits === 0 ? 0 : ((key - hi * 2 ** lowBits) * 2 ** (32 - lowBits)) >>> 0;
        keys[2 * id + 1] = hi;
        idf[id] = value;
      }
    }
    if (id !== f) return { problems: [`${parts.featuresFile}: ${id} features, but the manifest says ${f}`] };
    for (let i = 0; i < f; i++) blocks[i] = reader.read(1);
    if (Math.ceil(reader.bitsRead / 8) !== parts.features.byteLength) {
      return { problems: [`${parts.featuresFile}: ${parts.features.byteLength - Math.ceil(reader.bitsRead / 8)} bytes after the features`] };
    }
  } catch (cause) {
    if (cause instanceof QuantizedDataError) return { problems: [`${parts.featuresFile}: ${cause.message}`] };
    throw cause;
  }
  let stored: Float32Array;
  try {
    stored = decodeTensor(parts.weights, 0, f, columns, settings.weights);
  } catch (cause) {
    if (cause instanceof QuantizedDataError) return { problems: [`${parts.weightsFile}: ${cause.message}`] };
    throw cause;
  }
  const weights = settings.mirrored ? new Float32Array(2 * f) : stored;
  if (settings.mirrored) {
    for (let i = 0; i < f; i++) {
      weights[2 * i] = -stored[i]!;
      weights[2 * i + 1] = stored[i]!;
    }
  }
  const bias = float32sAt(parts.weights, parts.weights.byteLength - 4 * labels, labels);
  return { keys, idf, blocks, weights, bias };
}
