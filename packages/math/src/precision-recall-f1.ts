import { MathError } from './math-error.js';

/**
 * Per-class precision, recall, F1 and support.
 *
 * @example
 * ```ts
 * import type { PerClassScores } from '@glossa/math';
 *
 * const scores: PerClassScores = { precision: 1, recall: 0.5, f1: 2 / 3, support: 2 };
 * ```
 */
export interface PerClassScores {
  /** tp / (tp + fp); 0 when the class was never predicted. */
  precision: number;
  /** tp / (tp + fn); 0 when the class never occurs. */
  recall: number;
  /** 2tp / (2tp + fp + fn), the harmonic mean of precision and recall; 0 when undefined. */
  f1: number;
  /** Number of items whose true class is this class (the row sum). */
  support: number;
}

/**
 * Precision, recall, F1 and support for every class of a confusion matrix (rows = true class,
 * columns = predicted), with undefined ratios reported as 0 like sklearn's `zero_division=0`.
 *
 * @param matrix - a k×k confusion matrix, e.g. from {@link confusionMatrix}.
 * @returns one {@link PerClassScores} per class, in class order.
 * @throws {@link MathError} `EMPTY_INPUT` for a 0×0 matrix; `SHAPE_MISMATCH` when the matrix is not square.
 * @example
 * ```ts
 * import { precisionRecallF1 } from '@glossa/math';
 *
 * precisionRecallF1([[1, 0], [1, 1]]);
 * // [{ precision: 0.5, recall: 1, f1: 0.667, support: 1 }, { precision: 1, recall: 0.5, f1: 0.667, support: 2 }]
 * ```
 */
export function precisionRecallF1(matrix: number[][]): PerClassScores[] {
  const k = matrix.length;
  if (k === 0) throw new MathError('EMPTY_INPUT', 'precisionRecallF1: matrix has no rows. Pass a k×k confusion matrix.');
  matrix.forEach((row, i) => {
    if (row.length !== k) {
      throw new MathError('SHAPE_MISMATCH', `precisionRecallF1: row ${i} has ${row.length} columns but the matrix has ${k} rows. Pass a square k×k matrix.`);
    }
  });
  const scores: PerClassScores[] = [];
  for (let c = 0; c < k; c++) {
    const tp = matrix[c]![c]!;
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += matrix[c]![j]!;
      predicted += matrix[j]![c]!;
    }
    const fp = predicted - tp;
    const fn = support - tp;
    scores.push({
      precision: predicted > 0 ? tp / predicted : 0,
      recall: support > 0 ? tp / support : 0,
      f1: 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0,
      support,
    });
  }
  return scores;
}
