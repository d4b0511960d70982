import type { CrossentropyOptions } from './crossentropy-options.js';
import type { FloatArrayOf } from './float-array.js';
import { denseRowGradient, denseRowLoss } from './internal/categorical.js';
import { allocLike } from './internal/float-array.js';
import { resolveCrossentropyOptions } from './internal/loss-options.js';
import { assertSameLength, rowCount } from './internal/validate.js';
import { MathError } from './math-error.js';

function checkShapes(where: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number {
  assertSameLength(where, 'yTrue', yTrue, 'yPred', yPred);
  const n = rowCount(where, 'yPred', yPred, numClasses, 'numClasses');
  if (n === 0) throw new MathError('EMPTY_INPUT', `${where}: yPred is empty. Pass at least one row.`);
  return n;
}

/**
 * Categorical crossentropy for one-hot or probability targets, averaged over the n rows (Keras
 * `categoricalCrossentropy`): `mean_rows(−Σ_j y_j·log p_j)`.
 *
 * - Probabilities (default): as Keras, each row of `yPred` is first rescaled to sum to 1, then clipped into
 *   `[ε, 1 − ε]` (ε = 1e-7) before the logarithm.
 * - `fromLogits: true`: `yPred` holds logits z and `log p = z − logSumExp(z)` (stable, no clipping).
 *
 * @param yTrue - n×k targets, row-major (one-hot rows or probability distributions).
 * @param yPred - n×k probabilities (or logits with `fromLogits`), row-major.
 * @param numClasses - k, the row length.
 * @param options - see {@link CrossentropyOptions}.
 * @returns the mean loss (≥ 0 for non-negative targets).
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ or are not a multiple of numClasses;
 * `EMPTY_INPUT` when there are no rows; `INVALID_ARGUMENT` for a bad numClasses or epsilon, or a
 * probability row that does not sum to a positive number.
 * @example
 * ```ts
 * import { categoricalCrossentropy } from '@glossa/math';
 *
 * categoricalCrossentropy([0, 1, 0], [0.05, 0.95, 0], 3); // −log 0.95 ≈ 0.0513
 * ```
 */
export function categoricalCrossentropy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number, options?: CrossentropyOptions): number {
  const where = 'categoricalCrossentropy';
  const { fromLogits, epsilon } = resolveCrossentropyOptions(where, options);
  const n = checkShapes(where, yTrue, yPred, numClasses);
  let sum = 0;
  for (let r = 0; r < n; r++) sum += denseRowLoss(where, yTrue, yPred, r * numClasses, numClasses, fromLogits, epsilon);
  return sum / n;
}

/**
 * Gradient of {@link categoricalCrossentropy} (mean over n rows):
 *
 * - Probabilities (default): with respect to the predicted probabilities `yPred`, including the Keras
 *   row rescaling: `(Σ_i y_i·m_i − m_j·y_j/q_j) / (S·n)` with `S = Σ_i p_i`, `q = p/S` and `m` = 1 where
 *   q is inside the clip range (0 where clipped). For rows that already sum to 1 and no clipping this is
 *   `(Σy − y_j/p_j) / n`, i.e. `−y_j/(p_j·n)` plus a constant per row.
 * - `fromLogits: true`: with respect to the logits, `(Σy·softmax(z)_j − y_j) / n`, i.e.
 *   `(softmax(z) − y) / n` for one-hot targets.
 *
 * @typeParam T - the input array type; it selects the output type (see {@link FloatArrayOf}).
 * @param yTrue - n×k targets, row-major.
 * @param yPred - n×k probabilities (or logits with `fromLogits`), row-major.
 * @param numClasses - k, the row length.
 * @param options - see {@link CrossentropyOptions}.
 * @returns d loss / d yPred, n×k (`Float32Array` when `yPred` is a `Float32Array`, else `Float64Array`).
 * @throws {@link MathError} as {@link categoricalCrossentropy}.
 * @example
 * ```ts
 * import { categoricalCrossentropyGradient } from '@glossa/math';
 *
 * categoricalCrossentropyGradient([0, 1], [0, 0], 2, { fromLogits: true }); // Float64Array [0.5, -0.5]
 * ```
 */
export function categoricalCrossentropyGradient<T extends ArrayLike<number>>(
  yTrue: ArrayLike<number>,
  yPred: T,
  numClasses: number,
  options?: CrossentropyOptions,
): FloatArrayOf<T> {
  const where = 'categoricalCrossentropyGradient';
  const { fromLogits, epsilon } = resolveCrossentropyOptions(where, options);
  const n = checkShapes(where, yTrue, yPred, numClasses);
  const out = allocLike(yPred, yPred.length);
  for (let r = 0; r < n; r++) {
    denseRowGradient(where, yTrue, yPred, r * numClasses, numClasses, fromLogits, epsilon, 1 / n, out);
  }
  return out as FloatArrayOf<T>;
}
