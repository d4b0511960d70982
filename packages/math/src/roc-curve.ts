import { binaryCounts } from './internal/binary-scores.js';
import { MathError } from './math-error.js';

/**
 * A receiver operating characteristic curve: one point per distinct score, from the highest threshold
 * (nothing predicted positive, the point (0, 0)) to the lowest (everything positive, (1, 1)).
 *
 * @example
 * ```ts
 * import type { RocCurve } from '@glossa/math';
 *
 * const curve: RocCurve = { fpr: [0, 1], tpr: [0, 1], thresholds: [Infinity, 0.5], auc: 0.5 };
 * ```
 */
export interface RocCurve {
  /** False-positive rate at each threshold: negatives scoring ≥ threshold / negatives. */
  fpr: number[];
  /** True-positive rate (recall) at each threshold: positives scoring ≥ threshold / positives. */
  tpr: number[];
  /** Decreasing thresholds; the first is `Infinity` (no item predicted positive), as sklearn. */
  thresholds: number[];
  /** Area under the curve by the trapezoidal rule; equals {@link rocAuc} (ties count one half). */
  auc: number;
}

/**
 * The ROC curve of binary labels and scores, as sklearn `roc_curve(..., drop_intermediate=False)`: every
 * distinct score is a threshold ("positive when score ≥ threshold"), tied scores move both rates at once,
 * and a first point (0, 0) with threshold `Infinity` is added.
 *
 * @param yTrue - labels, each 0 or 1, with both classes present.
 * @param scores - a score per item (higher means more likely class 1), same length; no NaN.
 * @returns the curve and its area.
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ; `EMPTY_INPUT` when empty;
 * `INVALID_ARGUMENT` when a label is not 0/1, a score is NaN, or only one class is present.
 * @example
 * ```ts
 * import { rocCurve } from '@glossa/math';
 *
 * rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // { fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1], auc: 0.75 }
 * ```
 */
export function rocCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): RocCurve {
  const where = 'rocCurve';
  const counts = binaryCounts(where, yTrue, scores);
  const { positives, negatives } = counts;
  if (positives === 0 || negatives === 0) {
    throw new MathError(
      'INVALID_ARGUMENT',
      `${where}: only one class is present in yTrue (${positives} positives, ${negatives} negatives); the ROC curve is undefined. ` +
        'Pass labels containing both 0 and 1.',
    );
  }
  const fpr = [0, ...counts.fps.map((fp) => fp / negatives)];
  const tpr = [0, ...counts.tps.map((tp) => tp / positives)];
  let auc = 0;
  for (let i = 1; i < fpr.length; i++) auc += ((fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!)) / 2;
  return { fpr, tpr, thresholds: [Number.POSITIVE_INFINITY, ...counts.thresholds], auc };
}
