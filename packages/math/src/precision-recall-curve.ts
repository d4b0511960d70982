import { binaryCounts } from './internal/binary-scores.js';
import { MathError } from './math-error.js';

/**
 * A precision-recall curve, one point per distinct score from the highest threshold to the lowest, then
 * the end point (recall 0, precision 1) as sklearn appends it.
 *
 * @example
 * ```ts
 * import type { PrecisionRecallCurve } from '@glossa/math';
 *
 * const curve: PrecisionRecallCurve = { precision: [1, 1], recall: [1, 0], thresholds: [0.5], averagePrecision: 1 };
 * ```
 */
export interface PrecisionRecallCurve {
  /** Precision at each threshold (positives among the items scoring ≥ it), then 1 for the end point. */
  precision: number[];
  /** Recall at each threshold, decreasing; then 0 for the end point. */
  recall: number[];
  /** Decreasing thresholds, one fewer than the points (the end point has none). */
  thresholds: number[];
  /**
   * Average precision, as sklearn `average_precision_score`: `Σₙ (Rₙ − Rₙ₋₁)·Pₙ` over the thresholds from the
   * highest down (R₀ = 0), the area under the curve as a step function, with no interpolation.
   */
  averagePrecision: number;
}

/**
 * The precision-recall curve of binary labels and scores, as sklearn `precision_recall_curve` but ordered
 * from the highest threshold to the lowest (sklearn lists them the other way round): "positive when
 * score ≥ threshold", tied scores counted together.
 *
 * @param yTrue - labels, each 0 or 1, with at least one positive.
 * @param scores - a score per item (higher means more likely class 1), same length; no NaN.
 * @returns the curve and its average precision.
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ; `EMPTY_INPUT` when empty;
 * `INVALID_ARGUMENT` when a label is not 0/1, a score is NaN, or there is no positive.
 * @example
 * ```ts
 * import { precisionRecallCurve } from '@glossa/math';
 *
 * precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // { precision: [1, 0.5, 2/3, 0.5, 1], recall: [0.5, 0.5, 1, 1, 0], thresholds: [0.8, 0.4, 0.35, 0.1], averagePrecision: 0.8333 }
 * ```
 */
export function precisionRecallCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): PrecisionRecallCurve {
  const where = 'precisionRecallCurve';
  const counts = binaryCounts(where, yTrue, scores);
  requirePositive(where, counts.positives);
  const precision = counts.tps.map((tp, i) => tp / (tp + counts.fps[i]!));
  const recall = counts.tps.map((tp) => tp / counts.positives);
  return {
    precision: [...precision, 1],
    recall: [...recall, 0],
    thresholds: counts.thresholds,
    averagePrecision: stepArea(precision, recall),
  };
}

function requirePositive(where: string, positives: number): void {
  if (positives === 0) {
    throw new MathError('INVALID_ARGUMENT', `${where}: yTrue has no positive (1) item; recall is undefined. Pass labels containing at least one 1.`);
  }
}

function stepArea(precision: readonly number[], recall: readonly number[]): number {
  let area = 0;
  let previous = 0;
  for (let i = 0; i < recall.length; i++) {
    area += (recall[i]! - previous) * precision[i]!;
    previous = recall[i]!;
  }
  return area;
}
