import type { Rng } from './create-rng.js';
import { assertInRange, assertInteger } from './internal/validate.js';
import { MathError } from './math-error.js';

/**
 * Train and test indices returned by {@link trainTestSplit} and {@link stratifiedSplit}.
 *
 * @example
 * ```ts
 * import { type Split, createRng, trainTestSplit } from '@glossa/math';
 *
 * const split: Split = trainTestSplit(10, 0.2, createRng(1));
 * ```
 */
export interface Split {
  /** Indices of the training items, in shuffled order. */
  train: Int32Array<ArrayBuffer>;
  /** Indices of the test items, in shuffled order. */
  test: Int32Array<ArrayBuffer>;
}

/**
 * Splits indices 0..n−1 at random into a training and a test part. The test part has
 * `round(testFraction·n)` items, clamped so that each part holds at least one.
 *
 * @param n - number of items, an integer ≥ 2.
 * @param testFraction - share of items for the test part, in (0, 1).
 * @param rng - the generator to draw from (it is advanced).
 * @returns shuffled train and test indices; together they hold every index exactly once.
 * @throws {@link MathError} `INVALID_ARGUMENT` when n < 2 or not an integer, or testFraction is outside (0, 1).
 * @example
 * ```ts
 * import { createRng, trainTestSplit } from '@glossa/math';
 *
 * const { train, test } = trainTestSplit(100, 0.2, createRng(7)); // 80 and 20 indices
 * ```
 */
export function trainTestSplit(n: number, testFraction: number, rng: Rng): Split {
  const where = 'trainTestSplit';
  assertInteger(where, 'n', n, 0);
  if (n < 2) {
    throw new MathError('INVALID_ARGUMENT', `${where}: n is ${n}, but a split needs at least 2 items. Pass more data.`);
  }
  assertInRange(where, 'testFraction', testFraction, 0, 1, true, true);
  const nTest = Math.min(n - 1, Math.max(1, Math.round(testFraction * n)));
  const order = rng.permutation(n);
  return { train: order.slice(nTest), test: order.slice(0, nTest) };
}
