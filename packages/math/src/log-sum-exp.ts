import { logSumExpRange } from './internal/rows.js';
import { assertNonEmpty, rowCount } from './internal/validate.js';

/**
 * Numerically stable `log(Σ exp(values))`: the maximum is subtracted before exponentiating, so logits of
 * 1e4 or -1e4 give exact results instead of Infinity or -Infinity.
 *
 * @param values - the values to reduce (at least one).
 * @returns the log-sum-exp; -Infinity if every value is -Infinity, NaN if any value is NaN.
 * @throws {@link MathError} `EMPTY_INPUT` when `values` is empty.
 * @example
 * ```ts
 * import { logSumExp } from '@glossa/math';
 *
 * logSumExp([10000, 10000]); // 10000 + Math.log(2)
 * ```
 */
export function logSumExp(values: ArrayLike<number>): number {
  assertNonEmpty('logSumExp', 'values', values);
  return logSumExpRange(values, 0, values.length);
}

/**
 * Row-wise {@link logSumExp} of an n×k row-major array.
 *
 * @param values - n×k values, row-major (row i is `values[i*k .. i*k+k)`).
 * @param k - the row length (number of columns), an integer ≥ 1.
 * @returns a Float64Array of n log-sum-exps, one per row.
 * @throws {@link MathError} `INVALID_ARGUMENT` when k is not a positive integer; `SHAPE_MISMATCH` when
 * `values.length` is not a multiple of k.
 * @example
 * ```ts
 * import { logSumExpRows } from '@glossa/math';
 *
 * logSumExpRows(new Float32Array([0, 0, 1, 1]), 2); // Float64Array [0.693..., 1.693...]
 * ```
 */
export function logSumExpRows(values: ArrayLike<number>, k: number): Float64Array<ArrayBuffer> {
  const n = rowCount('logSumExpRows', 'values', values, k);
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = logSumExpRange(values, r * k, k);
  return out;
}
