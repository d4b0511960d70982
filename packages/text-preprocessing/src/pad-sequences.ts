import { TextPreprocessingError } from './errors.js';
import { describeValue } from './internal/describe.js';
import { PAD_ID } from './special-tokens.js';

/**
 * A batch of encoded texts, padded to one length, row-major.
 *
 * @example
 * ```ts
 * const { ids, batchSize, length } = padSequences([Int32Array.of(2, 3)], { length: 4 });
 * const row0 = ids.subarray(0 * length, 1 * length); // Int32Array [0, 0, 2, 3]
 * ```
 */
export interface EncodedBatch {
  /** `batchSize × length` ids, row-major; padded positions hold {@link PAD_ID} (or the chosen value). */
  readonly ids: Int32Array;
  /** Number of rows. */
  readonly batchSize: number;
  /** Number of columns (ids per row). */
  readonly length: number;
  /** Unpadded length of each row after truncation (`0 ≤ lengths[i] ≤ length`). */
  readonly lengths: Int32Array;
}

/** Which end of a sequence is padded or truncated (Keras names). */
export type PaddingSide = 'pre' | 'post';

/** Options of {@link padSequences}; names and defaults follow Keras `pad_sequences`. */
export interface PadSequencesOptions {
  /** Target length, or `'longest'` (default) for the longest sequence (Keras `maxlen=None`). */
  readonly length?: number | 'longest';
  /** Pad before (`'pre'`, Keras default) or after (`'post'`) each sequence. */
  readonly padding?: PaddingSide;
  /** Drop ids from the start (`'pre'`, Keras default) or the end (`'post'`) of longer sequences. */
  readonly truncating?: PaddingSide;
  /** Lower bound on the resulting length (useful with `'longest'` so an all-empty batch is not 0 wide). Default 0. */
  readonly minLength?: number;
  /** Padding value, default {@link PAD_ID}. */
  readonly value?: number;
}

function checkSide(where: string, name: string, value: unknown): PaddingSide {
  if (value === undefined) return 'pre';
  if (value !== 'pre' && value !== 'post') {
    throw new TextPreprocessingError('INVALID_ARGUMENT', `${where}: ${name} must be "pre" or "post" (got ${describeValue(value)}). Use the Keras values.`);
  }
  return value;
}

function checkLength(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) {
    throw new TextPreprocessingError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be a non-negative integer (got ${describeValue(value)}). Pass a whole number of ids.`,
    );
  }
  return value;
}

/**
 * Pads and truncates id sequences to one length, with Keras `pad_sequences` semantics
 * (defaults `padding: 'pre'`, `truncating: 'pre'`, value 0, length of the longest sequence).
 *
 * @param sequences - the id sequences (`Int32Array` or any array-like of integers).
 * @param options - target length and sides; see {@link PadSequencesOptions}.
 * @returns an {@link EncodedBatch}.
 * @throws {@link TextPreprocessingError} `INVALID_ARGUMENT` for invalid options or sequences.
 * @example
 * ```ts
 * import { padSequences } from '@glossa/text-preprocessing';
 *
 * const batch = padSequences([Int32Array.of(5, 6, 7), Int32Array.of(8)], { length: 2 });
 * batch.ids; // Int32Array [6, 7, 0, 8]  (Keras: truncate and pad at the start)
 * batch.lengths; // Int32Array [2, 1]
 * ```
 */
export function padSequences(sequences: readonly ArrayLike<number>[], options: PadSequencesOptions = {}): EncodedBatch {
  const where = 'padSequences';
  if (!Array.isArray(sequences)) {
    throw new TextPreprocessingError(
      'INVALID_ARGUMENT',
      `${where}: expected an array of id sequences (got ${describeValue(sequences)}). Pass an array of Int32Array.`,
    );
  }
  const padding = checkSide(where, 'padding', options.padding);
  const truncating = checkSide(where, 'truncating', options.truncating);
  const minLength = options.minLength === undefined ? 0 : checkLength(where, 'minLength', options.minLength);
  const value = options.value ?? PAD_ID;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TextPreprocessingError('INVALID_ARGUMENT', `${where}: value must be an integer (got ${describeValue(value)}). Use PAD_ID.`);
  }
  let length: number;
  if (options.length === undefined || options.length === 'longest') {
    length = 0;
    for (let i = 0; i < sequences.length; i++) {
      const sequence = sequences[i];
      if (sequence === null || typeof sequence !== 'object' || typeof sequence.length !== 'number') {
        throw new TextPreprocessingError(
          'INVALID_ARGUMENT',
          `${where}: sequences[${i}] is not an array of ids (got ${describeValue(sequence)}). Pass Int32Array rows.`,
        );
      }
      if (sequence.length > length) length = sequence.length;
    }
  } else {
    length = checkLength(where, 'length', options.length);
  }
  length = Math.max(length, minLength);

  const batchSize = sequences.length;
  const ids = new Int32Array(batchSize * length);
  if (value !== 0) ids.fill(value);
  const lengths = new Int32Array(batchSize);
  for (let row = 0; row < batchSize; row++) {
    const sequence = sequences[row];
    if (sequence === null || typeof sequence !== 'object' || typeof sequence.length !== 'number') {
      throw new TextPreprocessingError(
        'INVALID_ARGUMENT',
        `${where}: sequences[${row}] is not an array of ids (got ${describeValue(sequence)}). Pass Int32Array rows.`,
      );
    }
    const kept = Math.min(sequence.length, length);
    const from = truncating === 'pre' ? sequence.length - kept : 0;
    const offset = row * length + (padding === 'pre' ? length - kept : 0);
    if (sequence instanceof Int32Array) {
      ids.set(sequence.subarray(from, from + kept), offset);
    } else {
      for (let i = 0; i < kept; i++) ids[offset + i] = sequence[from + i] as number;
    }
    lengths[row] = kept;
  }
  return { ids, batchSize, length, lengths };
}
