import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rocAuc } from './roc-auc.js';

function bruteForceAuc(yTrue: number[], scores: number[]): number {
  let wins = 0;
  let pairs = 0;
  yTrue.forEach((yi, i) => {
    if (yi !== 1) return;
    yTrue.forEach((yj, j) => {
      if (yj !== 0) return;
      pairs++;
      wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('rocAuc', () => {
  it('matches the sklearn roc_auc_score documented example', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
  });

  it('counts ties as one half, as sklearn does', () => {
    // sklearn: roc_auc_score([0, 0, 1, 1], [0.1, 0.5, 0.5, 0.9]) → 0.875
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.5, 0.5, 0.9])).toBe(0.875);
    expect(rocAuc([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });

  it('equals the Mann–Whitney pairwise count on random data with ties', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 6 })), { minLength: 2, maxLength: 40 })
          .filter((rows) => rows.some((r) => r[0] === 0) && rows.some((r) => r[0] === 1)),
        (rows) => {
          const yTrue = rows.map((r) => r[0]);
          const scores = rows.map((r) => r[1] / 6);
          expect(rocAuc(yTrue, scores)).toBeCloseTo(bruteForceAuc(yTrue, scores), 12);
        },
      ),
    );
  });

  it('is 1 for a perfect ranking and 0 for a reversed one, including infinite scores', () => {
    expect(rocAuc([0, 1, 1], [Number.NEGATIVE_INFINITY, 2, Number.POSITIVE_INFINITY])).toBe(1);
    expect(rocAuc([1, 0], [0.1, 0.9])).toBe(0);
  });

  it('throws when only one class is present, for non-binary labels and NaN scores', () => {
    expect(() => rocAuc([1, 1], [0.2, 0.4])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => rocAuc([0, 2], [0.2, 0.4])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => rocAuc([0, 1], [0.2, Number.NaN])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => rocAuc([0, 1], [0.2])).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});
