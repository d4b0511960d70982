import type { FloatArrayOf } from './float-array.js';
import { allocLike } from './internal/float-array.js';
import { softmaxRange } from './internal/rows.js';
import { assertNonEmpty, assertSameLength, rowCount } from './internal/validate.js';

/**
 * Softmax of one vector, `exp(x − logSumExp(x))`: stable for huge logits, sums to 1, invariant to adding
 * a constant to every logit. The input is never modified.
 *
 * @typeParam T - the input array type; it selects the output type (see {@link FloatArrayOf}).
 * @param logits - the vector of logits (at least one).
 * @returns probabilities of the same length (`Float32Array` for a `Float32Array`, else `Float64Array`).
 * @throws {@link MathError} `EMPTY_INPUT` when `logits` is empty.
 * @example
 * ```ts
 * import { softmax } from '@glossa/math';
 *
 * softmax([1, 2, 3]); // Float64Array [0.0900, 0.2447, 0.6652]
 * ```
 */
export function softmax<T extends ArrayLike<number>>(logits: T): FloatArrayOf<T> {
  assertNonEmpty('softmax', 'logits', logits);
  const out = allocLike(logits, logits.length);
  softmaxRange(logits, 0, logits.length, out);
  return out as FloatArrayOf<T>;
}

/**
 * Row-wise softmax of an n×k row-major array (a batch of logits), each row computed as {@link softmax}.
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

/**
 * Product of the softmax Jacobian with a vector, for backpropagation through softmax. The Jacobian
 * `J = diag(p) − p pᵀ` is symmetric, so this is both `J·v` and `vᵀ·J`: `p ⊙ (v − ⟨p, v⟩)`. Given the
 * upstream gradient dL/dp it returns dL/dlogits. With `k` set, it works row-wise on n×k arrays.
 *
 * @typeParam T - the input array type; it selects the output type (see {@link FloatArrayOf}).
 * @param probabilities - the softmax output p (one vector, or n×k row-major when `k` is given).
 * @param vector - the vector v (e.g. dL/dp), same length as `probabilities`.
 * @param k - row length for row-wise use; defaults to `probabilities.length` (one vector).
 * @returns `J·v` (`Float32Array` when `probabilities` is a `Float32Array`, else `Float64Array`).
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ or are not a multiple of k;
 * `INVALID_ARGUMENT` when k is not a positive integer; `EMPTY_INPUT` when `probabilities` is empty.
 * @example
 * ```ts
 * import { softmax, softmaxJacobianVectorProduct } from '@glossa/math';
 *
 * const p = softmax([1, 2, 3]);
 * const dLogits = softmaxJacobianVectorProduct(p, [0, 0, 1]); // gradient of p[2] w.r.t. the logits
 * ```
 */
export function softmaxJacobianVectorProduct<T extends ArrayLike<number>>(
  probabilities: T,
  vector: ArrayLike<number>,
  k: number = probabilities.length,
): FloatArrayOf<T> {
  const where = 'softmaxJacobianVectorProduct';
  assertNonEmpty(where, 'probabilities', probabilities);
  assertSameLength(where, 'probabilities', probabilities, 'vector', vector);
  const n = rowCount(where, 'probabilities', probabilities, k);
  const out = allocLike(probabilities, probabilities.length);
  for (let r = 0; r < n; r++) {
    const o = r * k;
    let dot = 0;
    for (let j = o; j < o + k; j++) dot += probabilities[j]! * vector[j]!;
    for (let j = o; j < o + k; j++) out[j] = probabilities[j]! * (vector[j]! - dot);
  }
  return out as FloatArrayOf<T>;
}
