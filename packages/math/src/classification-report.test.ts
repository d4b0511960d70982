import { describe, expect, it } from 'vitest';
import { classificationReport } from './classification-report.js';

describe('classificationReport', () => {
  it('reproduces sklearn values for the documented 3-class example', () => {
    // argmax rows give y_pred = [0, 2, 1, 0, 0, 1] for y_true = [0, 1, 2, 0, 1, 2]
    const probabilities = [0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.5, 0.3, 0.6, 0.3, 0.1, 0.5, 0.4, 0.1, 0.3, 0.4, 0.3];
    const report = classificationReport({
      yTrue: [0, 1, 2, 0, 1, 2],
      probabilities,
      labels: ['a', 'b', 'c'],
    });
    expect(report.n).toBe(6);
    expect(report.labels).toEqual(['a', 'b', 'c']);
    expect(report.accuracy).toBeCloseTo(1 / 3, 12);
    expect(report.macroPrecision).toBeCloseTo(0.2222222222, 9);
    expect(report.macroRecall).toBeCloseTo(0.3333333333, 9);
    expect(report.macroF1).toBeCloseTo(0.2666666667, 9);
    expect(report.weightedF1).toBeCloseTo(0.2666666667, 9);
    expect(report.perClass.map((c) => c.label)).toEqual(['a', 'b', 'c']);
    expect(report.perClass.map((c) => c.f1)).toEqual([0.8, 0, 0]);
    expect(report.perClass.map((c) => c.support)).toEqual([2, 2, 2]);
    expect(report.confusionMatrix).toEqual([
      [2, 0, 0],
      [1, 0, 1],
      [0, 2, 0],
    ]);
    const expectedLogLoss = -(Math.log(0.7) + Math.log(0.3) + Math.log(0.3) + Math.log(0.6) + Math.log(0.4) + Math.log(0.3)) / 6;
    expect(report.logLoss).toBeCloseTo(expectedLogLoss, 12);
    expect(report).not.toHaveProperty('rocAuc');
  });

  it('adds rocAuc from the class-1 column for binary problems', () => {
    const report = classificationReport({
      yTrue: [1, 0, 0, 1],
      probabilities: [0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65],
      labels: ['ham', 'spam'],
    });
    expect(report.rocAuc).toBe(1);
    expect(report.accuracy).toBe(1);
    expect(report.logLoss).toBeCloseTo(0.2161616, 6);
  });

  it('weights F1 by support', () => {
    // y_true = [0, 0, 0, 1], y_pred = [0, 0, 1, 1]: f1 = [0.8, 2/3], weighted = (3·0.8 + 2/3) / 4
    const report = classificationReport({
      yTrue: [0, 0, 0, 1],
      probabilities: [0.9, 0.1, 0.8, 0.2, 0.4, 0.6, 0.3, 0.7],
      labels: ['x', 'y'],
    });
    expect(report.weightedF1).toBeCloseTo((3 * 0.8 + 2 / 3) / 4, 12);
    expect(report.macroF1).toBeCloseTo((0.8 + 2 / 3) / 2, 12);
    expect(report.rocAuc).toBe(1);
  });

  it('omits rocAuc when only one class occurs', () => {
    const report = classificationReport({ yTrue: [0, 0], probabilities: [0.9, 0.1, 0.4, 0.6], labels: ['x', 'y'] });
    expect(report.rocAuc).toBeUndefined();
    expect(report.accuracy).toBe(0.5);
  });

  it('throws for shape mismatches and labels out of range', () => {
    expect(() => classificationReport({ yTrue: [0, 1], probabilities: [0.5, 0.5], labels: ['x', 'y'] })).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
    );
    expect(() => classificationReport({ yTrue: [2], probabilities: [0.5, 0.5], labels: ['x', 'y'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('classificationReport') }),
    );
    expect(() => classificationReport({ yTrue: [], probabilities: [], labels: ['x'] })).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
  });
});
