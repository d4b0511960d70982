import type { FloatArrayOf } from './float-array.js';
import { allocLike } from './internal/float-array.js';
import { rowCount } from './internal/validate.js';

/** Writes softmax(values[offset .. offset+length)) into out[offset ..]. */
function softmaxRange(values: ArrayLike<number>, offset: number, length: number, out: { [index: number]: number }): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = offset; i < offset + length; i++) if (values[i]! > max) max = values[i]!;
  // exp(x − max) / Σ exp(x − max) is more accurate than exp(x − lse) when |x| is large.
  let sum = 0;
  for (let i = offset; i < offset + length; i++) {
    const e = Math.exp(values[i]! - max);
    out[i] = e;
    sum += e;
  }
  for (let i = offset; i < offset + length; i++) out[i] = out[i]! / sum;
}

/**
 * Row-wise softmax of an n×k row-major array (a batch of logits): each row `exp(x − max) / Σ exp(x − max)`, so it
 * is stable for huge logits, sums to 1 and is invariant to adding a constant to every logit of a row. The input is
 * never modified.
 *
 * @typeParam T - the input array type; it selects the output type (see {@link FloatArrayOf}).
 * @param values - n×k logits, row-major (row i is `values[i*k .. i*k+k)`); n may be 0.
 * @param k - the row length (number of classes), an integer ≥ 1.
 * @returns n×k probabilities, each row summing to 1 (`Float32Array` for a `Float32Array`, else `Float64Array`).
 * @throws {@link MathError} `INVALID_ARGUMENT` when k is not a positive integer; `SHAPE_MISMATCH` when
 * `values.length` is not a multiple of k.
 * @example
 * ```ts
 * import { softmaxRows } from '@glossa/math';
 *
 * softmaxRows(new Float32Array([0, 0, 1, 3]), 2); // Float32Array [0.5, 0.5, 0.1192, 0.8808]
 * ```
 */
export function softmaxRows<T extends ArrayLike<number>>(values: T, k: number): FloatArrayOf<T> {
  const n = rowCount('softmaxRows', 'values', values, k);
  const out = allocLike(values, values.length);
  for (let r = 0; r < n; r++) softmaxRange(values, r * k, k, out);
  return out as FloatArrayOf<T>;
}
