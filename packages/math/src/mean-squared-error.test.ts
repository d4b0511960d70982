import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectGradientToMatch } from '../test/finite-difference.js';
import { meanSquaredError, meanSquaredErrorGradient } from './mean-squared-error.js';

const pairs = fc
  .integer({ min: 1, max: 8 })
  .chain((n) =>
    fc.tuple(
      fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n, maxLength: n }),
      fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n, maxLength: n }),
    ),
  );

describe('meanSquaredError', () => {
  it('computes a hand-worked value', () => {
    expect(meanSquaredError([1, 2, 3], [1, 4, 0])).toBeCloseTo((0 + 4 + 9) / 3, 12);
  });

  it('is non-negative and zero at the target', () => {
    fc.assert(
      fc.property(pairs, ([yTrue, yPred]) => {
        expect(meanSquaredError(yTrue, yPred)).toBeGreaterThanOrEqual(0);
        expect(meanSquaredError(yTrue, yTrue)).toBe(0);
      }),
    );
  });

  it('throws SHAPE_MISMATCH and EMPTY_INPUT', () => {
    expect(() => meanSquaredError([1], [1, 2])).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => meanSquaredError([], [])).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
  });
});

describe('meanSquaredErrorGradient', () => {
  it('matches central finite differences', () => {
    fc.assert(
      fc.property(pairs, ([yTrue, yPred]) => {
        expectGradientToMatch((p) => meanSquaredError(yTrue, p), yPred, meanSquaredErrorGradient(yTrue, yPred));
      }),
    );
  });

  it('returns a Float32Array for Float32Array predictions', () => {
    const grad = meanSquaredErrorGradient([1, 2], new Float32Array([1, 4]));
    expect(grad).toBeInstanceOf(Float32Array);
    expect(Array.from(grad)).toEqual([0, 2]);
  });
});
