import type { Rng } from '@glossa/math';

/** Row indices of one batch, in the order their rows appear in the padded matrix. */
export type BatchIndices = Int32Array;

/**
 * Batches sorted by length within windows of this many batches when training. Wider windows pad less but
 * make batches of look-alike texts (all short phrases, all long sentences), which learns worse: on SST-2 an
 * LSTM after 2 epochs scored 0.8166 with windows of 50 batches, 0.8281 with 5 and 0.8303 with 1 (no
 * sorting), at 1,928, 1,898 and 997 samples/s. 5 keeps the speed and most of the accuracy.
 */
export const LENGTH_WINDOW_BATCHES = 5;

/**
 * Groups rows into batches of similar length so each batch is padded only to its own longest row.
 * Training: rows are shuffled, sorted by length inside windows of `windowBatches` batches, cut into
 * batches, and the batch order is shuffled (all from `rng`, so repeatable). Prediction (`rng` absent):
 * rows sorted by length, then cut.
 */
export function planBatches(lengths: ArrayLike<number>, batchSize: number, rng?: Rng, windowBatches = LENGTH_WINDOW_BATCHES): BatchIndices[] {
  const n = lengths.length;
  const order: number[] = rng ? Array.from(rng.permutation(n)) : Array.from({ length: n }, (_, i) => i);
  const window = rng ? batchSize * windowBatches : n;
  const batches: BatchIndices[] = [];
  for (let start = 0; start < n; start += window) {
    const chunk = order.slice(start, start + window);
    chunk.sort((a, b) => lengths[a]! - lengths[b]! || a - b);
    for (let b = 0; b < chunk.length; b += batchSize) batches.push(Int32Array.from(chunk.slice(b, b + batchSize)));
  }
  if (rng) rng.shuffle(batches);
  return batches;
}

/**
 * Packs the sequences of one batch into a row-major `[rows, length]` id matrix: each row is `lead` zeros,
 * its ids, then zeros up to `length` = `lead` + max(longest row, `minLength`) + `extra`.
 */
export function padBatch(sequences: readonly Int32Array[], rows: BatchIndices, extra: number, minLength = 1, lead = 0): { ids: Int32Array; length: number } {
  let longest = 0;
  for (const r of rows) longest = Math.max(longest, sequences[r]!.length);
  const length = lead + Math.max(longest, minLength) + extra;
  const ids = new Int32Array(rows.length * length);
  rows.forEach((r, i) => {
    ids.set(sequences[r]!, i * length + lead);
  });
  return { ids, length };
}
