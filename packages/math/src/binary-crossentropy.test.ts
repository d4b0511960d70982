import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectGradientToMatch } from '../test/finite-difference.js';
import { binaryCrossentropy, binaryCrossentropyGradient } from './binary-crossentropy.js';

function cases(min: number, max: number) {
  return fc
    .integer({ min: 1, max: 8 })
    .chain((n) =>
      fc.tuple(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
        fc.array(fc.double({ min, max, noNaN: true }), { minLength: n, maxLength: n }),
      ),
    );
}

describe('binaryCrossentropy', () => {
  it('computes a hand-worked value', () => {
    expect(binaryCrossentropy([1, 0], [0.9, 0.2])).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 12);
  });

  it('clips probabilities with epsilon 1e-7 like Keras', () => {
    expect(binaryCrossentropy([1], [0])).toBeCloseTo(-Math.log(1e-7), 9);
    expect(binaryCrossentropy([1], [0], { epsilon: 1e-3 })).toBeCloseTo(-Math.log(1e-3), 9);
  });

  it('is non-negative and ≈ 0 at the target', () => {
    fc.assert(
      fc.property(cases(0, 1), ([yTrue, yPred]) => {
        expect(binaryCrossentropy(yTrue, yPred)).toBeGreaterThanOrEqual(0);
      }),
    );
    expect(binaryCrossentropy([1, 0, 1], [1, 0, 1])).toBeLessThan(1e-6);
    expect(binaryCrossentropy([1, 0], [50, -50], { fromLogits: true })).toBeLessThan(1e-20);
  });

  it('from logits equals the clipped loss on sigmoid probabilities', () => {
    fc.assert(
      fc.property(cases(-8, 8), ([yTrue, z]) => {
        const p = z.map((v) => 1 / (1 + Math.exp(-v)));
        expect(binaryCrossentropy(yTrue, z, { fromLogits: true })).toBeCloseTo(binaryCrossentropy(yTrue, p), 6);
      }),
    );
  });

  it('from logits stays finite for huge logits', () => {
    expect(binaryCrossentropy([0], [10000], { fromLogits: true })).toBeCloseTo(10000, 9);
    expect(binaryCrossentropy([1], [-10000], { fromLogits: true })).toBeCloseTo(10000, 9);
  });

  it('throws for mismatched lengths and a bad epsilon', () => {
    expect(() => binaryCrossentropy([1], [0.5, 0.5])).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => binaryCrossentropy([1], [0.5], { epsilon: 0.7 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('binaryCrossentropyGradient', () => {
  it('matches central finite differences w.r.t. probabilities', () => {
    fc.assert(
      fc.property(cases(0.02, 0.98), ([yTrue, yPred]) => {
        expectGradientToMatch((p) => binaryCrossentropy(yTrue, p), yPred, binaryCrossentropyGradient(yTrue, yPred));
      }),
    );
  });

  it('matches central finite differences w.r.t. logits', () => {
    fc.assert(
      fc.property(cases(-10, 10), ([yTrue, z]) => {
        expectGradientToMatch((x) => binaryCrossentropy(yTrue, x, { fromLogits: true }), z, binaryCrossentropyGradient(yTrue, z, { fromLogits: true }));
      }),
    );
  });

  it('is zero where the probability was clipped', () => {
    expect(Array.from(binaryCrossentropyGradient([1, 1], [0, 0.5]))).toEqual([0, -1 / 0.5 / 2]);
  });
});
