import type { FloatArrayOf } from './float-array.js';
import { mapValues } from './internal/float-array.js';

function reluScalar(x: number): number {
  return Math.max(x, 0);
}

function reluDerivativeScalar(x: number): number {
  return x > 0 ? 1 : 0;
}

/**
 * Rectified linear unit `max(x, 0)`, on a scalar or element-wise on an array (a `Float32Array` gives a
 * `Float32Array`, anything else a `Float64Array`); the input is never modified. NaN stays NaN.
 *
 * @param x - a number or an array of numbers.
 * @returns `max(x, 0)`.
 * @throws Never.
 * @example
 * ```ts
 * import { relu } from '@glossa/math';
 *
 * relu(-2); // 0
 * relu([-1, 0, 3]); // Float64Array [0, 0, 3]
 * ```
 */
export function relu(x: number): number;
export function relu<T extends ArrayLike<number>>(x: T): FloatArrayOf<T>;
export function relu(x: number | ArrayLike<number>): number | ArrayLike<number> {
  return typeof x === 'number' ? reluScalar(x) : mapValues(x, reluScalar);
}

/**
 * Derivative of {@link relu} with respect to its input: 1 where `x > 0`, else 0 (the subgradient at 0 is
 * taken as 0, as TensorFlow does).
 *
 * @param x - the pre-activation value(s).
 * @returns d relu / dx at `x`, element-wise for arrays.
 * @throws Never.
 * @example
 * ```ts
 * import { reluDerivative } from '@glossa/math';
 *
 * reluDerivative([-1, 0, 2]); // Float64Array [0, 0, 1]
 * ```
 */
export function reluDerivative(x: number): number;
export function reluDerivative<T extends ArrayLike<number>>(x: T): FloatArrayOf<T>;
export function reluDerivative(x: number | ArrayLike<number>): number | ArrayLike<number> {
  return typeof x === 'number' ? reluDerivativeScalar(x) : mapValues(x, reluDerivativeScalar);
}
