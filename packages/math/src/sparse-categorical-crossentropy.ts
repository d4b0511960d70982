import type { CrossentropyOptions } from './crossentropy-options.js';
import type { FloatArrayOf } from './float-array.js';
import { sparseRowGradient, sparseRowLoss } from './internal/categorical.js';
import { allocLike } from './internal/float-array.js';
import { resolveCrossentropyOptions } from './internal/loss-options.js';
import { classIndexAt, rowCount } from './internal/validate.js';
import { MathError } from './math-error.js';

function checkShapes(where: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number {
  const n = rowCount(where, 'yPred', yPred, numClasses, 'numClasses');
  if (n !== yTrue.length) {
    throw new MathError(
      'SHAPE_MISMATCH',
      `${where}: yPred holds ${n} rows of ${numClasses} but yTrue holds ${yTrue.length} labels. ` + 'Pass one integer label per row of yPred.',
    );
  }
  if (n === 0) throw new MathError('EMPTY_INPUT', `${where}: yTrue is empty. Pass at least one label.`);
  return n;
}

/**
 * Sparse categorical crossentropy for integer class targets, averaged over the n rows (Keras
 * `sparseCategoricalCrossentropy`): `mean_i(−log p_i[yTrue_i])`. It equals {@link categoricalCrossentropy}
 * with one-hot targets: probability rows are rescaled to sum to 1 and clipped into `[ε, 1 − ε]`
 * (ε = 1e-7); with `fromLogits: true` it is `logSumExp(z) − z[yTrue]`.
 *
 * @param yTrue - n integer class indices in [0, numClasses).
 * @param yPred - n×k probabilities (or logits with `fromLogits`), row-major.
 * @param numClasses - k, the row length.
 * @param options - see {@link CrossentropyOptions}.
 * @returns the mean loss (≥ 0).
 * @throws {@link MathError} `SHAPE_MISMATCH` when `yPred.length ≠ yTrue.length·numClasses`;
 * `EMPTY_INPUT` when there are no labels; `INVALID_ARGUMENT` for a label that is not an integer class
 * index, a bad numClasses or epsilon, or a probability row that does not sum to a positive number.
 * @example
 * ```ts
 * import { sparseCategoricalCrossentropy } from '@glossa/math';
 *
 * sparseCategoricalCrossentropy([1], [0.05, 0.95, 0], 3); // −log 0.95 ≈ 0.0513
 * ```
 */
export function sparseCategoricalCrossentropy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number, options?: CrossentropyOptions): number {
  const where = 'sparseCategoricalCrossentropy';
  const { fromLogits, epsilon } = resolveCrossentropyOptions(where, options);
  const n = checkShapes(where, yTrue, yPred, numClasses);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    const t = classIndexAt(where, 'yTrue', yTrue, r, numClasses);
    sum += sparseRowLoss(where, t, yPred, r * numClasses, numClasses, fromLogits, epsilon);
  }
  return sum / n;
}

/**
 * Gradient of {@link sparseCategoricalCrossentropy} (mean over n rows), identical to
 * {@link categoricalCrossentropyGradient} with one-hot targets:
 *
 * - Probabilities (default): with respect to `yPred`, `(m − [j = t]·m/q_t) / (S·n)` with `S` the row sum,
 *   `q_t = p_t/S` and `m` = 1 unless q_t was clipped (then the gradient is 0).
 * - `fromLogits: true`: with respect to the logits, `(softmax(z)_j − [j = t]) / n`.
 *
 * @typeParam T - the input array type; it selects the output type (see {@link FloatArrayOf}).
 * @param yTrue - n integer class indices in [0, numClasses).
 * @param yPred - n×k probabilities (or logits with `fromLogits`), row-major.
 * @param numClasses - k, the row length.
 * @param options - see {@link CrossentropyOptions}.
 * @returns d loss / d yPred, n×k (`Float32Array` when `yPred` is a `Float32Array`, else `Float64Array`).
 * @throws {@link MathError} as {@link sparseCategoricalCrossentropy}.
 * @example
 * ```ts
 * import { sparseCategoricalCrossentropyGradient } from '@glossa/math';
 *
 * sparseCategoricalCrossentropyGradient([1], [0, 0], 2, { fromLogits: true }); // Float64Array [0.5, -0.5]
 * ```
 */
export function sparseCategoricalCrossentropyGradient<T extends ArrayLike<number>>(
  yTrue: ArrayLike<number>,
  yPred: T,
  numClasses: number,
  options?: CrossentropyOptions,
): FloatArrayOf<T> {
  const where = 'sparseCategoricalCrossentropyGradient';
  const { fromLogits, epsilon } = resolveCrossentropyOptions(where, options);
  const n = checkShapes(where, yTrue, yPred, numClasses);
  const out = allocLike(yPred, yPred.length);
  for (let r = 0; r < n; r++) {
    const t = classIndexAt(where, 'yTrue', yTrue, r, numClasses);
    sparseRowGradient(where, t, yPred, r * numClasses, numClasses, fromLogits, epsilon, 1 / n, out);
  }
  return out as FloatArrayOf<T>;
}
