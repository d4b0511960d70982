import { assertNonEmpty, assertSameLength } from './internal/validate.js';

/**
 * Fraction of positions where the predicted label equals the true label.
 *
 * @param yTrue - true class labels.
 * @param yPred - predicted class labels, same length.
 * @returns accuracy in [0, 1].
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ; `EMPTY_INPUT` when empty.
 * @example
 * ```ts
 * import { accuracy } from '@glossa/math';
 *
 * accuracy([0, 1, 2, 1], [0, 2, 2, 1]); // 0.75
 * ```
 */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  assertSameLength('accuracy', 'yTrue', yTrue, 'yPred', yPred);
  assertNonEmpty('accuracy', 'yTrue', yTrue);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}
