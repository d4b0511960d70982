import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './confusion-matrix.js';

describe('confusionMatrix', () => {
  it('matches a 3-class matrix worked out by hand', () => {
    // true 0: predicted 0,1,0 → [2,1,0]; true 1: predicted 1,2 → [0,1,1]; true 2: predicted 2,2,0,2 → [1,0,3]
    const yTrue = [0, 0, 0, 1, 1, 2, 2, 2, 2];
    const yPred = [0, 1, 0, 1, 2, 2, 2, 0, 2];
    expect(confusionMatrix(yTrue, yPred, 3)).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [1, 0, 3],
    ]);
  });

  it('has row sums equal to class counts and a total equal to n', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((k) =>
          fc.tuple(
            fc.constant(k),
            fc.array(fc.tuple(fc.integer({ min: 0, max: k - 1 }), fc.integer({ min: 0, max: k - 1 })), {
              maxLength: 50,
            }),
          ),
        ),
        ([k, pairs]) => {
          const m = confusionMatrix(
            pairs.map((p) => p[0]),
            pairs.map((p) => p[1]),
            k,
          );
          expect(m.flat().reduce((s, v) => s + v, 0)).toBe(pairs.length);
          for (let c = 0; c < k; c++) {
            expect(m[c]!.reduce((s, v) => s + v, 0)).toBe(pairs.filter((p) => p[0] === c).length);
          }
        },
      ),
    );
  });

  it('throws for labels outside [0, numClasses)', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => confusionMatrix([0], [-1], 3)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => confusionMatrix([0], [0], 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
