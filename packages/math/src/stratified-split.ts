import type { Rng } from './create-rng.js';
import { shuffleInPlace } from './internal/shuffle.js';
import { assertInRange, assertNonEmpty } from './internal/validate.js';
import { MathError } from './math-error.js';

/**
 * Train and test indices returned by {@link stratifiedSplit}.
 *
 * @example
 * ```ts
 * import { type Split, createRng, stratifiedSplit } from '@glossa/math';
 *
 * const split: Split = stratifiedSplit([0, 0, 1, 1], 0.5, createRng(1));
 * ```
 */
export interface Split {
  /** Indices of the training items, in shuffled order. */
  train: Int32Array<ArrayBuffer>;
  /** Indices of the test items, in shuffled order. */
  test: Int32Array<ArrayBuffer>;
}

/**
 * Splits items into train and test so that every class keeps its proportion. Each class with c ≥ 2 items
 * puts `round(testFraction·c)` of them, clamped to [1, c − 1], into the test part; a class with a single
 * item goes to train. Classes are visited in ascending label order and all shuffles draw from `rng`, so
 * the result is deterministic for a seed. Both parts are shuffled.
 *
 * @param labels - one class label per item (any finite numbers; usually class indices).
 * @param testFraction - share of each class for the test part, in (0, 1).
 * @param rng - the generator to draw from (it is advanced).
 * @returns shuffled train and test indices; together they hold every index exactly once.
 * @throws {@link MathError} `EMPTY_INPUT` when labels is empty; `INVALID_ARGUMENT` when testFraction is
 * outside (0, 1), a label is not finite, or no class has 2 items (so no test item can be chosen).
 * @example
 * ```ts
 * import { createRng, stratifiedSplit } from '@glossa/math';
 *
 * const labels = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
 * const { train, test } = stratifiedSplit(labels, 0.25, createRng(3)); // test: 1 of class 0, 2 of class 1
 * ```
 */
export function stratifiedSplit(labels: ArrayLike<number>, testFraction: number, rng: Rng): Split {
  const where = 'stratifiedSplit';
  assertNonEmpty(where, 'labels', labels);
  assertInRange(where, 'testFraction', testFraction, 0, 1, true, true);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (!Number.isFinite(label)) {
      throw new MathError('INVALID_ARGUMENT', `${where}: labels[${i}] is ${String(label)}. Pass finite class labels.`);
    }
    const members = byClass.get(label);
    if (members) members.push(i);
    else byClass.set(label, [i]);
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [...byClass.keys()].sort((x, y) => x - y)) {
    const members = byClass.get(label)!;
    const c = members.length;
    const nTest = c < 2 ? 0 : Math.min(c - 1, Math.max(1, Math.round(testFraction * c)));
    rng.shuffle(members);
    for (let j = 0; j < c; j++) (j < nTest ? test : train).push(members[j]!);
  }
  if (test.length === 0) {
    throw new MathError(
      'INVALID_ARGUMENT',
      `${where}: every class has a single item (${labels.length} items, ${byClass.size} classes), so no test item can be chosen. ` +
        'Pass at least two items of some class.',
    );
  }
  const trainOut = Int32Array.from(train);
  const testOut = Int32Array.from(test);
  shuffleInPlace(trainOut, (max) => rng.nextInt(max));
  shuffleInPlace(testOut, (max) => rng.nextInt(max));
  return { train: trainOut, test: testOut };
}

/** Options of {@link stratifiedSplitBy}. */
export interface StratifiedSplitByOptions {
  /**
   * How class names become the class ids {@link stratifiedSplit} visits in ascending order (which decides
   * how the seeded draws fall): `sorted` (the default) numbers the names in sorted order, `first-seen` in
   * the order they first occur in `items`. The same items, seed and order always give the same split.
   */
  classOrder?: 'sorted' | 'first-seen';
}

/**
 * {@link stratifiedSplit} of labelled items: names each item's class with `classOf`, numbers the classes
 * and returns the items themselves, each part shuffled. The one labels → ids → split helper behind
 * model-core's validation split, the CLI's quickstart split and the bench's data sets.
 *
 * @param items - The items to split.
 * @param classOf - An item's class name (e.g. `(e) => e.label`).
 * @param testFraction - Share of each class for the test part, in (0, 1).
 * @param rng - The generator to draw from (it is advanced).
 * @param options - See {@link StratifiedSplitByOptions}.
 * @returns The train and test items; together they hold every item exactly once.
 * @throws {@link MathError} as {@link stratifiedSplit}.
 * @example
 * ```ts
 * import { createRng, stratifiedSplitBy } from '@glossa/math';
 *
 * const rows = [{ label: 'spam' }, { label: 'ham' }, { label: 'ham' }, { label: 'spam' }];
 * const { train, test } = stratifiedSplitBy(rows, (r) => r.label, 0.5, createRng(42)); // one of each class in test
 * ```
 */
export function stratifiedSplitBy<T>(
  items: readonly T[],
  classOf: (item: T) => string,
  testFraction: number,
  rng: Rng,
  options: StratifiedSplitByOptions = {},
): { train: T[]; test: T[] } {
  const names = items.map(classOf);
  const distinct = [...new Set(names)];
  if ((options.classOrder ?? 'sorted') === 'sorted') distinct.sort();
  const ids = new Map(distinct.map((name, id) => [name, id]));
  const split = stratifiedSplit(
    Int32Array.from(names, (name) => ids.get(name)!),
    testFraction,
    rng,
  );
  return { train: Array.from(split.train, (i) => items[i]!), test: Array.from(split.test, (i) => items[i]!) };
}
