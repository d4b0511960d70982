import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from './create-rng.js';
import { MathError } from './math-error.js';
import { stratifiedSplit, stratifiedSplitBy } from './stratified-split.js';

const countBy = (labels: ArrayLike<number>, indices: Int32Array): Map<number, number> => {
  const counts = new Map<number, number>();
  for (const i of indices) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
  return counts;
};

describe('stratifiedSplit', () => {
  it('preserves class proportions with no overlap and no lost index', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 200 }).filter((labels) => {
          const counts = new Map<number, number>();
          for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
          return [...counts.values()].some((c) => c >= 2);
        }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.integer(),
        (labels, f, seed) => {
          const { train, test } = stratifiedSplit(labels, f, createRng(seed));
          const all = [...train, ...test].sort((a, b) => a - b);
          expect(all).toEqual(labels.map((_, i) => i));
          const testCounts = countBy(labels, test);
          const classes = new Set(labels);
          for (const c of classes) {
            const size = labels.filter((l) => l === c).length;
            const expected = size < 2 ? 0 : Math.min(size - 1, Math.max(1, Math.round(f * size)));
            expect(testCounts.get(c) ?? 0).toBe(expected);
          }
        },
      ),
    );
  });

  it('splits a 20/80 dataset in proportion', () => {
    const labels = [...new Array<number>(20).fill(1), ...new Array<number>(80).fill(0)];
    const { train, test } = stratifiedSplit(labels, 0.25, createRng(1));
    expect(countBy(labels, test)).toEqual(
      new Map([
        [0, 20],
        [1, 5],
      ]),
    );
    expect(countBy(labels, train)).toEqual(
      new Map([
        [0, 60],
        [1, 15],
      ]),
    );
  });

  it('is deterministic for a seed', () => {
    const labels = Array.from({ length: 60 }, (_, i) => i % 3);
    const a = stratifiedSplit(labels, 0.3, createRng(8));
    const b = stratifiedSplit(labels, 0.3, createRng(8));
    expect(Array.from(a.train)).toEqual(Array.from(b.train));
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
  });

  it('throws when no class has two items, for empty labels and bad fractions', () => {
    const rng = createRng(1);
    expect(() => stratifiedSplit([0, 1, 2], 0.5, rng)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => stratifiedSplit([], 0.5, rng)).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    expect(() => stratifiedSplit([0, 0], 1.5, rng)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => stratifiedSplit([0, Number.NaN], 0.5, rng)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('stratifiedSplitBy', () => {
  const rows = ['pos', 'neg', 'neg', 'mid', 'pos', 'neg', 'pos', 'mid', 'pos', 'neg', 'mid', 'pos'].map((label, i) => ({ label, i }));

  it('splits the items as stratifiedSplit splits their class ids, numbered in sorted order by default', () => {
    const ids = rows.map((r) => ['mid', 'neg', 'pos'].indexOf(r.label));
    const expected = stratifiedSplit(ids, 0.25, createRng(7));
    const { train, test } = stratifiedSplitBy(rows, (r) => r.label, 0.25, createRng(7));
    expect(train.map((r) => r.i)).toEqual([...expected.train]);
    expect(test.map((r) => r.i)).toEqual([...expected.test]);
    expect(test.map((r) => r.label).sort()).toEqual(['mid', 'neg', 'pos']);
  });

  it('numbers the classes in the order they first occur with classOrder first-seen', () => {
    const ids = rows.map((r) => ['pos', 'neg', 'mid'].indexOf(r.label));
    const expected = stratifiedSplit(ids, 0.4, createRng(3));
    const { train, test } = stratifiedSplitBy(rows, (r) => r.label, 0.4, createRng(3), { classOrder: 'first-seen' });
    expect(train.map((r) => r.i)).toEqual([...expected.train]);
    expect(test.map((r) => r.i)).toEqual([...expected.test]);
  });

  it('throws stratifiedSplit’s errors', () => {
    expect(() => stratifiedSplitBy([{ label: 'a' }, { label: 'b' }], (r) => r.label, 0.5, createRng(1))).toThrow(/every class has a single item/);
    expect(() => stratifiedSplitBy([], (r: { label: string }) => r.label, 0.5, createRng(1))).toThrow(MathError);
  });
});
