import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from './create-rng.js';
import { trainTestSplit } from './train-test-split.js';

describe('trainTestSplit', () => {
  it('splits every index exactly once with round(f·n) test items', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.integer(), (n, f, seed) => {
        const { train, test } = trainTestSplit(n, f, createRng(seed));
        expect(test.length).toBe(Math.min(n - 1, Math.max(1, Math.round(f * n))));
        expect(train.length + test.length).toBe(n);
        const all = [...train, ...test].sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
  });

  it('is deterministic for a seed and shuffles the indices', () => {
    const a = trainTestSplit(100, 0.2, createRng(5));
    const b = trainTestSplit(100, 0.2, createRng(5));
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.train)).toEqual(Array.from(b.train));
    expect(Array.from(a.train)).not.toEqual([...a.train].sort((x, y) => x - y));
    expect(Array.from(trainTestSplit(100, 0.2, createRng(6)).test)).not.toEqual(Array.from(a.test));
  });

  it('throws for fractions outside (0, 1) and fewer than 2 items', () => {
    const rng = createRng(1);
    expect(() => trainTestSplit(10, 0, rng)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => trainTestSplit(10, 1, rng)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => trainTestSplit(1, 0.5, rng)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
