import type { FloatArrayOf } from './float-array.js';
import { allocLike } from './internal/float-array.js';
import { logSoftmaxRange } from './internal/rows.js';
import { assertNonEmpty, rowCount } from './internal/validate.js';

/**
 * Log-softmax of one vector, `x − logSumExp(x)`: equals `log(softmax(x))` but stays finite and exact
 * for huge logits (1e4) where the naive form gives `log(0) = -Infinity`.
 *
 * @typeParam T - the input array type; it selects the output type (see {@link FloatArrayOf}).
 * @param logits - the vector of logits (at least one).
 * @returns log-probabilities of the same length (`Float32Array` for a `Float32Array`, else `Float64Array`).
 * @throws {@link MathError} `EMPTY_INPUT` when `logits` is empty.
 * @example
 * ```ts
 * import { logSoftmax } from '@glossa/math';
 *
 * logSoftmax([0, 10000]); // Float64Array [-10000, 0]
 * ```
 */
export function logSoftmax<T extends ArrayLike<number>>(logits: T): FloatArrayOf<T> {
  assertNonEmpty('logSoftmax', 'logits', logits);
  const out = allocLike(logits, logits.length);
  logSoftmaxRange(logits, 0, logits.length, out);
  return out as FloatArrayOf<T>;
}

/**
 * Row-wise {@link logSoftmax} of an n×k row-major array.
 *
 * @typeParam T - the input array type; it selects the output type (see {@link FloatArrayOf}).
 * @param values - n×k logits, row-major (row i is `values[i*k .. i*k+k)`); n may be 0.
 * @param k - the row length (number of classes), an integer ≥ 1.
 * @returns n×k log-probabilities (`Float32Array` for a `Float32Array`, else `Float64Array`).
 * @throws {@link MathError} `INVALID_ARGUMENT` when k is not a positive integer; `SHAPE_MISMATCH` when
 * `values.length` is not a multiple of k.
 * @example
 * ```ts
 * import { logSoftmaxRows } from '@glossa/math';
 *
 * logSoftmaxRows(new Float32Array([0, 0, 0, 10000]), 2); // Float32Array [-0.693, -0.693, -10000, 0]
 * ```
 */
export function logSoftmaxRows<T extends ArrayLike<number>>(values: T, k: number): FloatArrayOf<T> {
  const n = rowCount('logSoftmaxRows', 'values', values, k);
  const out = allocLike(values, values.length);
  for (let r = 0; r < n; r++) logSoftmaxRange(values, r * k, k, out);
  return out as FloatArrayOf<T>;
}
