import { assertBinaryScores, assertNonEmpty } from './internal/validate.js';
import { MathError } from './math-error.js';

/**
 * What a binary decision "positive when score ≥ threshold" does on labelled data.
 *
 * @example
 * ```ts
 * import type { ThresholdRow } from '@glossa/math';
 *
 * const row: ThresholdRow = { threshold: 0.5, tp: 1, fp: 0, tn: 2, fn: 1, precision: 1, recall: 0.5, f1: 2 / 3, falsePositiveRate: 0, accuracy: 0.75, predictedPositiveRate: 0.25 };
 * ```
 */
export interface ThresholdRow {
  /** The threshold. */
  threshold: number;
  /** Positives scoring ≥ threshold. */
  tp: number;
  /** Negatives scoring ≥ threshold. */
  fp: number;
  /** Negatives scoring below. */
  tn: number;
  /** Positives scoring below. */
  fn: number;
  /** tp / (tp + fp); 0 when nothing is predicted positive (sklearn's `zero_division=0`). */
  precision: number;
  /** tp / (tp + fn); 0 when there is no positive. */
  recall: number;
  /** 2tp / (2tp + fp + fn); 0 when undefined. */
  f1: number;
  /** fp / (fp + tn); 0 when there is no negative. */
  falsePositiveRate: number;
  /** (tp + tn) / n. */
  accuracy: number;
  /** (tp + fp) / n: the share of items flagged positive, i.e. the workload a threshold creates. */
  predictedPositiveRate: number;
}

/**
 * Confusion counts and rates of a binary decision at each threshold ("positive when score ≥ threshold"),
 * for choosing an operating point. Rows come in the order of `thresholds`.
 *
 * @param yTrue - labels, each 0 or 1.
 * @param scores - a score per item (e.g. the probability of class 1), same length; no NaN.
 * @param thresholds - the thresholds to tabulate (default 0.05, 0.10, …, 0.95).
 * @returns one {@link ThresholdRow} per threshold.
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ; `EMPTY_INPUT` for no items or no
 * thresholds; `INVALID_ARGUMENT` for a label that is not 0/1 or a NaN score or threshold.
 * @example
 * ```ts
 * import { thresholdTable } from '@glossa/math';
 *
 * thresholdTable([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], [0.5])[0]; // { tp: 1, fp: 0, tn: 2, fn: 1, precision: 1, recall: 0.5, … }
 * ```
 */
export function thresholdTable(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  thresholds: ArrayLike<number> = Array.from({ length: 19 }, (_, i) => Math.round((i + 1) * 5) / 100),
): ThresholdRow[] {
  const where = 'thresholdTable';
  const positives = assertBinaryScores(where, yTrue, scores);
  assertNonEmpty(where, 'thresholds', thresholds);
  const n = yTrue.length;
  const positiveScores: number[] = [];
  const negativeScores: number[] = [];
  for (let i = 0; i < n; i++) (yTrue[i] === 1 ? positiveScores : negativeScores).push(scores[i]!);
  positiveScores.sort((a, b) => a - b);
  negativeScores.sort((a, b) => a - b);
  const negatives = n - positives;
  return Array.from(thresholds, (threshold, j) => {
    if (Number.isNaN(threshold)) {
      throw new MathError('INVALID_ARGUMENT', `${where}: thresholds[${j}] is NaN. Pass numeric thresholds.`);
    }
    const tp = positives - countBelow(positiveScores, threshold);
    const fp = negatives - countBelow(negativeScores, threshold);
    const fn = positives - tp;
    const tn = negatives - fp;
    return {
      threshold,
      tp,
      fp,
      tn,
      fn,
      precision: tp + fp > 0 ? tp / (tp + fp) : 0,
      recall: positives > 0 ? tp / positives : 0,
      f1: 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0,
      falsePositiveRate: negatives > 0 ? fp / negatives : 0,
      accuracy: (tp + tn) / n,
      predictedPositiveRate: (tp + fp) / n,
    };
  });
}

/** How many of the ascending `sorted` values are below `x` (binary search). */
function countBelow(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
