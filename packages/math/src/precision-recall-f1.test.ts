import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './confusion-matrix.js';
import { precisionRecallF1 } from './precision-recall-f1.js';

describe('precisionRecallF1', () => {
  it('matches the hand-worked 3-class case', () => {
    const scores = precisionRecallF1([
      [2, 1, 0],
      [0, 1, 1],
      [1, 0, 3],
    ]);
    // column sums 3, 2, 4; row sums 3, 2, 4
    expect(scores.map((s) => s.precision)).toEqual([2 / 3, 1 / 2, 3 / 4]);
    expect(scores.map((s) => s.recall)).toEqual([2 / 3, 1 / 2, 3 / 4]);
    expect(scores.map((s) => s.support)).toEqual([3, 2, 4]);
    scores.forEach((s) => {
      expect(s.f1).toBeCloseTo((2 * s.precision * s.recall) / (s.precision + s.recall), 12);
    });
  });

  it('matches sklearn f1_score / precision_recall_fscore_support on the documented example', () => {
    // sklearn docs: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1]
    // f1_score(average=None) → [0.8, 0, 0]; macro precision 0.2222, recall 0.3333, f1 0.2667
    const scores = precisionRecallF1(confusionMatrix([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], 3));
    expect(scores.map((s) => s.f1)).toEqual([0.8, 0, 0]);
    const mean = (key: 'precision' | 'recall' | 'f1'): number => scores.reduce((s, c) => s + c[key], 0) / 3;
    expect(mean('precision')).toBeCloseTo(0.2222222222, 9);
    expect(mean('recall')).toBeCloseTo(0.3333333333, 9);
    expect(mean('f1')).toBeCloseTo(0.2666666667, 9);
  });

  it('reports 0 where precision, recall or F1 are undefined (zero_division=0)', () => {
    // class 1 never occurs and is never predicted; class 2 occurs but is never predicted
    const scores = precisionRecallF1([
      [2, 0, 0],
      [0, 0, 0],
      [1, 0, 0],
    ]);
    expect(scores[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(scores[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(scores[0]!.precision).toBeCloseTo(2 / 3, 12);
    expect(scores[0]!.recall).toBe(1);
  });

  it('throws for a non-square or empty matrix', () => {
    expect(() => precisionRecallF1([[1, 2]])).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => precisionRecallF1([])).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
  });
});
