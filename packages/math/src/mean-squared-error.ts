import type { FloatArrayOf } from './float-array.js';
import { allocLike } from './internal/float-array.js';
import { assertNonEmpty, assertSameLength } from './internal/validate.js';

const WHERE = 'meanSquaredError';

/**
 * Mean squared error over all elements, `mean((yPred − yTrue)²)` (Keras `meanSquaredError` with the
 * default `sum_over_batch_size` reduction, for rows of equal length).
 *
 * @param yTrue - targets.
 * @param yPred - predictions, same length as `yTrue`.
 * @returns the loss, ≥ 0 and 0 exactly when `yPred` equals `yTrue`.
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ; `EMPTY_INPUT` when empty.
 * @example
 * ```ts
 * import { meanSquaredError } from '@glossa/math';
 *
 * meanSquaredError([1, 2], [1, 4]); // 2
 * ```
 */
export function meanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  assertSameLength(WHERE, 'yTrue', yTrue, 'yPred', yPred);
  assertNonEmpty(WHERE, 'yPred', yPred);
  let sum = 0;
  for (let i = 0; i < yPred.length; i++) {
    const d = yPred[i]! - yTrue[i]!;
    sum += d * d;
  }
  return sum / yPred.length;
}

/**
 * Gradient of {@link meanSquaredError} with respect to the predictions: `2 (yPred − yTrue) / N`, where N
 * is the total number of elements.
 *
 * @typeParam T - the input array type; it selects the output type (see {@link FloatArrayOf}).
 * @param yTrue - targets.
 * @param yPred - predictions, same length as `yTrue`.
 * @returns d loss / d yPred (`Float32Array` when `yPred` is a `Float32Array`, else `Float64Array`).
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ; `EMPTY_INPUT` when empty.
 * @example
 * ```ts
 * import { meanSquaredErrorGradient } from '@glossa/math';
 *
 * meanSquaredErrorGradient([1, 2], [1, 4]); // Float64Array [0, 2]
 * ```
 */
export function meanSquaredErrorGradient<T extends ArrayLike<number>>(yTrue: ArrayLike<number>, yPred: T): FloatArrayOf<T> {
  const where = 'meanSquaredErrorGradient';
  assertSameLength(where, 'yTrue', yTrue, 'yPred', yPred);
  assertNonEmpty(where, 'yPred', yPred);
  const n = yPred.length;
  const out = allocLike(yPred, n);
  for (let i = 0; i < n; i++) out[i] = (2 * (yPred[i]! - yTrue[i]!)) / n;
  return out as FloatArrayOf<T>;
}
