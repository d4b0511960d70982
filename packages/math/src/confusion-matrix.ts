import { assertInteger, assertSameLength, classIndexAt } from './internal/validate.js';

/**
 * Confusion matrix: `matrix[t][p]` counts items of true class t predicted as class p (rows = true class,
 * columns = predicted class, as sklearn).
 *
 * @param yTrue - true class indices in [0, numClasses).
 * @param yPred - predicted class indices in [0, numClasses), same length.
 * @param numClasses - number of classes k, an integer ≥ 1.
 * @returns a k×k matrix of counts (all zeros for empty input).
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ; `INVALID_ARGUMENT` for a bad numClasses or
 * a label that is not an integer in [0, numClasses).
 * @example
 * ```ts
 * import { confusionMatrix } from '@glossa/math';
 *
 * confusionMatrix([0, 1, 1], [0, 0, 1], 2); // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  const where = 'confusionMatrix';
  assertInteger(where, 'numClasses', numClasses, 1);
  assertSameLength(where, 'yTrue', yTrue, 'yPred', yPred);
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = classIndexAt(where, 'yTrue', yTrue, i, numClasses);
    const p = classIndexAt(where, 'yPred', yPred, i, numClasses);
    matrix[t]![p]!++;
  }
  return matrix;
}
