import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrationCurve } from './calibration-curve.js';
import { precisionRecallCurve } from './precision-recall-curve.js';
import { rocAuc } from './roc-auc.js';
import { rocCurve } from './roc-curve.js';
import { thresholdTable } from './threshold-table.js';

const labelsAndScores = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 8 })), { minLength: 2, maxLength: 50 })
  .filter((rows) => rows.some((r) => r[0] === 0) && rows.some((r) => r[0] === 1))
  .map((rows) => ({ yTrue: rows.map((r) => r[0]), scores: rows.map((r) => r[1] / 8) }));

describe('rocCurve', () => {
  it('matches sklearn roc_curve on its documented example', () => {
    // sklearn: roc_curve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], pos_label=2)
    const curve = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(curve.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(curve.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(curve.thresholds).toEqual([Number.POSITIVE_INFINITY, 0.8, 0.4, 0.35, 0.1]);
    expect(curve.auc).toBe(0.75);
  });

  it('moves both rates at once for tied scores', () => {
    const curve = rocCurve([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]);
    expect(curve.fpr).toEqual([0, 0, 0.5, 1]);
    expect(curve.tpr).toEqual([0, 0.5, 1, 1]);
  });

  it('has the area rocAuc computes from ranks, and runs from (0, 0) to (1, 1)', () => {
    fc.assert(
      fc.property(labelsAndScores, ({ yTrue, scores }) => {
        const curve = rocCurve(yTrue, scores);
        expect(curve.auc).toBeCloseTo(rocAuc(yTrue, scores), 12);
        expect([curve.fpr[0], curve.tpr[0], curve.fpr.at(-1), curve.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
        for (let i = 1; i < curve.fpr.length; i++) {
          expect(curve.fpr[i]).toBeGreaterThanOrEqual(curve.fpr[i - 1]!);
          expect(curve.tpr[i]).toBeGreaterThanOrEqual(curve.tpr[i - 1]!);
        }
      }),
    );
  });

  it('refuses one class, NaN and non-binary labels', () => {
    expect(() => rocCurve([1, 1], [0.1, 0.2])).toThrow(/only one class/);
    expect(() => rocCurve([0, 1], [0.1, Number.NaN])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => rocCurve([0, 2], [0.1, 0.2])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => rocCurve([], [])).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
  });
});

describe('precisionRecallCurve', () => {
  it('match sklearn on its documented example', () => {
    // sklearn: precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) lists precision [0.5, 0.667, 0.5, 1, 1],
    // recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]; average_precision_score = 0.8333.
    const curve = precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(curve.precision).toEqual([1, 0.5, 2 / 3, 0.5, 1]);
    expect(curve.recall).toEqual([0.5, 0.5, 1, 1, 0]);
    expect(curve.thresholds).toEqual([0.8, 0.4, 0.35, 0.1]);
    expect(curve.averagePrecision).toBeCloseTo(0.8333333333, 9);
  });

  it('has average precision 1 for a perfect ranking and the positive rate for constant scores', () => {
    expect(precisionRecallCurve([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.2]).averagePrecision).toBe(1);
    expect(precisionRecallCurve([0, 1, 1, 0, 0], [0.5, 0.5, 0.5, 0.5, 0.5]).averagePrecision).toBeCloseTo(0.4, 12);
  });

  it('has the mean precision at each positive as average precision when scores have no ties', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 40 }).filter((y) => y.includes(1)),
        (yTrue) => {
          const scores = yTrue.map((_, i) => (i * 7919) % 1009);
          const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
          let hits = 0;
          let sum = 0;
          order.forEach((i, rank) => {
            if (yTrue[i] === 1) {
              hits++;
              sum += hits / (rank + 1);
            }
          });
          expect(precisionRecallCurve(yTrue, scores).averagePrecision).toBeCloseTo(sum / hits, 12);
        },
      ),
    );
  });

  it('refuses labels without a positive', () => {
    expect(() => precisionRecallCurve([0, 0], [0.1, 0.2])).toThrow(/no positive/);
  });
});

describe('calibrationCurve', () => {
  it('matches sklearn calibration_curve on its documented example, with empty bins kept', () => {
    const curve = calibrationCurve([0, 0, 0, 0, 1, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1], 3);
    expect(curve.bins.map((b) => b.count)).toEqual([3, 2, 4]);
    expect(curve.bins.map((b) => b.fractionPositive)).toEqual([0, 0.5, 1]);
    expect(curve.bins[0]!.meanPredicted).toBeCloseTo(0.2, 12);
    expect(curve.bins[1]!.meanPredicted).toBeCloseTo(0.525, 12);
    expect(curve.bins[2]!.meanPredicted).toBeCloseTo(0.85, 12);
    // ECE by hand: (3·0.2 + 2·0.025 + 4·0.15) / 9
    expect(curve.expectedCalibrationError).toBeCloseTo((3 * 0.2 + 2 * 0.025 + 4 * 0.15) / 9, 12);
    expect(curve.maximumCalibrationError).toBeCloseTo(0.2, 12);
    const sparse = calibrationCurve([1, 0], [0.95, 0.05], 10);
    expect(sparse.bins.map((b) => b.count)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Number.isNaN(sparse.bins[4]!.meanPredicted)).toBe(true);
  });

  it('puts a probability on an edge in the lower bin, 0 in the first and 1 in the last', () => {
    const { bins } = calibrationCurve([1, 1, 1, 1, 1], [0, 0.1, 0.3, 0.7, 1], 10);
    expect(bins.map((b) => b.count)).toEqual([2, 0, 1, 0, 0, 0, 1, 0, 0, 1]);
  });

  it('has ECE 0 for perfectly calibrated bins and never above MCE', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 60 }), (rows) => {
        const curve = calibrationCurve(
          rows.map((r) => r[0]),
          rows.map((r) => r[1]),
          5,
        );
        expect(curve.bins.reduce((s, b) => s + b.count, 0)).toBe(rows.length);
        expect(curve.expectedCalibrationError).toBeLessThanOrEqual(curve.maximumCalibrationError + 1e-12);
        for (const bin of curve.bins.filter((b) => b.count > 0)) {
          expect(bin.meanPredicted).toBeGreaterThan(bin.lower - (bin.lower === 0 ? 1e-12 : 0));
          expect(bin.meanPredicted).toBeLessThanOrEqual(bin.upper + 1e-12);
        }
      }),
    );
    expect(calibrationCurve([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5], 4).expectedCalibrationError).toBe(0);
  });

  it('refuses probabilities outside [0, 1] and outcomes that are not 0/1', () => {
    expect(() => calibrationCurve([1], [1.2])).toThrow(/not in \[0, 1\]/);
    expect(() => calibrationCurve([2], [0.2])).toThrow(/not 0 or 1/);
    expect(() => calibrationCurve([1], [0.2], 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('thresholdTable', () => {
  it('counts a decision "positive when score ≥ threshold"', () => {
    const [atHalf, atTie] = thresholdTable([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], [0.5, 0.4]);
    expect(atHalf).toEqual({
      threshold: 0.5,
      tp: 1,
      fp: 0,
      tn: 2,
      fn: 1,
      precision: 1,
      recall: 0.5,
      f1: 2 / 3,
      falsePositiveRate: 0,
      accuracy: 0.75,
      predictedPositiveRate: 0.25,
    });
    expect([atTie!.tp, atTie!.fp]).toEqual([1, 1]);
  });

  it('defaults to 0.05 … 0.95 and agrees with the ROC curve at its thresholds', () => {
    expect(thresholdTable([0, 1], [0.2, 0.8]).map((r) => r.threshold)).toEqual(
      Array.from({ length: 19 }, (_, i) => [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95][i]),
    );
    fc.assert(
      fc.property(labelsAndScores, ({ yTrue, scores }) => {
        const curve = rocCurve(yTrue, scores);
        const rows = thresholdTable(yTrue, scores, curve.thresholds);
        rows.forEach((row, i) => {
          expect(row.falsePositiveRate).toBeCloseTo(curve.fpr[i]!, 12);
          expect(row.recall).toBeCloseTo(curve.tpr[i]!, 12);
          expect(row.tp + row.fp + row.tn + row.fn).toBe(yTrue.length);
        });
      }),
    );
  });

  it('gives 0 instead of an undefined precision', () => {
    expect(thresholdTable([0, 1], [0.2, 0.3], [0.9])[0]!.precision).toBe(0);
  });
});
