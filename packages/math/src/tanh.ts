import type { FloatArrayOf } from './float-array.js';
import { mapValues } from './internal/float-array.js';

function tanhDerivativeScalar(x: number): number {
  const t = Math.tanh(x);
  return 1 - t * t;
}

/**
 * Hyperbolic tangent, on a scalar or element-wise on an array (a `Float32Array` gives a
 * `Float32Array`, anything else a `Float64Array`); the input is never modified.
 *
 * @param x - a number or an array of numbers.
 * @returns `tanh(x)`, in [-1, 1].
 * @throws Never.
 * @example
 * ```ts
 * import { tanh } from '@glossa/math';
 *
 * tanh(0); // 0
 * tanh([-1, 1]); // Float64Array [-0.7615..., 0.7615...]
 * ```
 */
export function tanh(x: number): number;
export function tanh<T extends ArrayLike<number>>(x: T): FloatArrayOf<T>;
export function tanh(x: number | ArrayLike<number>): number | ArrayLike<number> {
  return typeof x === 'number' ? Math.tanh(x) : mapValues(x, Math.tanh);
}

/**
 * Derivative of {@link tanh} with respect to its input, evaluated at the input `x`: `1 − tanh(x)²`.
 *
 * @param x - the pre-activation value(s) (not the tanh output).
 * @returns d tanh / dx at `x`, element-wise for arrays.
 * @throws Never.
 * @example
 * ```ts
 * import { tanhDerivative } from '@glossa/math';
 *
 * tanhDerivative(0); // 1
 * ```
 */
export function tanhDerivative(x: number): number;
export function tanhDerivative<T extends ArrayLike<number>>(x: T): FloatArrayOf<T>;
export function tanhDerivative(x: number | ArrayLike<number>): number | ArrayLike<number> {
  return typeof x === 'number' ? tanhDerivativeScalar(x) : mapValues(x, tanhDerivativeScalar);
}
