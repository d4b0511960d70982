import type { FloatArrayOf } from './float-array.js';
import { mapValues } from './internal/float-array.js';

function sigmoidScalar(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Logistic sigmoid `1 / (1 + exp(-x))`, computed without overflow for large negative `x`.
 * Works on a scalar or element-wise on an array (a `Float32Array` gives a `Float32Array`, anything else a
 * `Float64Array`); the input is never modified.
 *
 * @param x - a number or an array of numbers.
 * @returns the sigmoid of `x`, in (0, 1) for finite input (saturates to exactly 0 or 1 at the extremes).
 * @throws Never.
 * @example
 * ```ts
 * import { sigmoid } from '@glossa/math';
 *
 * sigmoid(0); // 0.5
 * sigmoid(new Float32Array([-1000, 0, 1000])); // Float32Array [0, 0.5, 1]
 * ```
 */
export function sigmoid(x: number): number;
export function sigmoid<T extends ArrayLike<number>>(x: T): FloatArrayOf<T>;
export function sigmoid(x: number | ArrayLike<number>): number | ArrayLike<number> {
  return typeof x === 'number' ? sigmoidScalar(x) : mapValues(x, sigmoidScalar);
}
