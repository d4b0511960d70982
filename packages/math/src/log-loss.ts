import { classIndexAt, rowCount } from './internal/validate.js';
import { MathError } from './math-error.js';

/** Probabilities are clipped into [EPSILON, 1 − EPSILON] before the logarithm (sklearn's and Keras's 1e-7). */
const EPSILON = 1e-7;

/** −log(clip(p_t / Σp)) for row `r` with true class t; throws when the row does not sum to a positive number. */
function rowLoss(where: string, t: number, probabilities: ArrayLike<number>, r: number, k: number): number {
  const o = r * k;
  let s = 0;
  for (let j = o; j < o + k; j++) s += probabilities[j]!;
  if (!(s > 0)) {
    throw new MathError(
      'INVALID_ARGUMENT',
      `${where}: row ${r} of probabilities sums to ${String(s)}, so it cannot be read as probabilities. Pass non-negative probabilities.`,
    );
  }
  const p = probabilities[o + t]! / s;
  return -Math.log(p < EPSILON ? EPSILON : Math.min(p, 1 - EPSILON));
}

/**
 * Log loss (multi-class crossentropy of predicted probabilities, as sklearn `log_loss`):
 * `mean_i(−log p_i[yTrue_i])`, each probability row rescaled to sum to 1 and clipped into
 * `[1e-7, 1 − 1e-7]`.
 *
 * @param yTrue - n integer class indices in [0, numClasses).
 * @param probabilities - n×k predicted probabilities, row-major.
 * @param numClasses - k, the row length.
 * @returns the mean log loss (≥ 0).
 * @throws {@link MathError} `SHAPE_MISMATCH` when `probabilities.length ≠ yTrue.length·numClasses`;
 * `EMPTY_INPUT` for no items; `INVALID_ARGUMENT` for a bad numClasses, a label out of range or a row that
 * does not sum to a positive number.
 * @example
 * ```ts
 * import { logLoss } from '@glossa/math';
 *
 * logLoss([1, 0, 0, 1], [0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65], 2); // ≈ 0.21616 (sklearn docs example)
 * ```
 */
export function logLoss(yTrue: ArrayLike<number>, probabilities: ArrayLike<number>, numClasses: number): number {
  const where = 'logLoss';
  const n = rowCount(where, 'probabilities', probabilities, numClasses, 'numClasses');
  if (n !== yTrue.length) {
    throw new MathError(
      'SHAPE_MISMATCH',
      `${where}: probabilities holds ${n} rows of ${numClasses} but yTrue holds ${yTrue.length} labels. Pass one row per label.`,
    );
  }
  if (n === 0) throw new MathError('EMPTY_INPUT', `${where}: yTrue is empty. Pass at least one label.`);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    const t = classIndexAt(where, 'yTrue', yTrue, r, numClasses);
    sum += rowLoss(where, t, probabilities, r, numClasses);
  }
  return sum / n;
}
