import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectArrayClose, expectGradientToMatch } from '../test/finite-difference.js';
import { categoricalCrossentropy, categoricalCrossentropyGradient } from './categorical-crossentropy.js';

/** n×k cases: non-negative targets and predictions drawn from [min, max]. */
function cases(min: number, max: number, oneHot: boolean) {
  return fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 5 })).chain(([n, k]) =>
    fc.record({
      k: fc.constant(k),
      yTrue: oneHot
        ? fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: n, maxLength: n }).map((labels) => {
            const y = new Array<number>(n * k).fill(0);
            labels.forEach((t, r) => {
              y[r * k + t] = 1;
            });
            return y;
          })
        : fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n * k, maxLength: n * k }),
      yPred: fc.array(fc.double({ min, max, noNaN: true }), { minLength: n * k, maxLength: n * k }),
    }),
  );
}

describe('categoricalCrossentropy', () => {
  it('computes a hand-worked value for one-hot targets', () => {
    const loss = categoricalCrossentropy([0, 1, 0, 0, 0, 1], [0.05, 0.95, 0, 0.1, 0.8, 0.1], 3);
    expect(loss).toBeCloseTo((-Math.log(0.95) - Math.log(0.1)) / 2, 12);
  });

  it('rescales rows to sum to 1 before clipping, as Keras does', () => {
    expect(categoricalCrossentropy([1, 0], [2, 2], 2)).toBeCloseTo(Math.LN2, 12);
    expect(categoricalCrossentropy([1, 0], [0, 1], 2)).toBeCloseTo(-Math.log(1e-7), 9);
  });

  it('is non-negative and ≈ 0 at the target', () => {
    fc.assert(
      fc.property(cases(0.01, 1, false), ({ k, yTrue, yPred }) => {
        expect(categoricalCrossentropy(yTrue, yPred, k)).toBeGreaterThanOrEqual(0);
      }),
    );
    fc.assert(
      fc.property(cases(0.01, 1, true), ({ k, yTrue }) => {
        expect(categoricalCrossentropy(yTrue, yTrue, k)).toBeLessThan(1e-6);
        const logits = yTrue.map((y) => (y === 1 ? 60 : -60));
        expect(categoricalCrossentropy(yTrue, logits, k, { fromLogits: true })).toBeLessThan(1e-20);
      }),
    );
  });

  it('from logits equals the loss on softmax probabilities and stays finite at 1e4', () => {
    const z = [2, -1, 0.5];
    const lse = Math.log(Math.exp(2) + Math.exp(-1) + Math.exp(0.5));
    expect(categoricalCrossentropy([0, 0, 1], z, 3, { fromLogits: true })).toBeCloseTo(lse - 0.5, 12);
    expect(categoricalCrossentropy([1, 0], [0, 10000], 2, { fromLogits: true })).toBeCloseTo(10000, 9);
  });

  it('throws for shape errors and rows that are not probabilities', () => {
    expect(() => categoricalCrossentropy([1, 0], [1, 0, 0], 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => categoricalCrossentropy([1, 0, 0], [1, 0, 0], 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => categoricalCrossentropy([], [], 2)).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    expect(() => categoricalCrossentropy([1, 0], [0, 0], 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('categoricalCrossentropyGradient', () => {
  it('matches central finite differences w.r.t. (unnormalised) probabilities', () => {
    fc.assert(
      fc.property(cases(0.05, 1, false), ({ k, yTrue, yPred }) => {
        expectGradientToMatch((p) => categoricalCrossentropy(yTrue, p, k), yPred, categoricalCrossentropyGradient(yTrue, yPred, k));
      }),
    );
  });

  it('matches central finite differences w.r.t. logits', () => {
    fc.assert(
      fc.property(cases(-6, 6, false), ({ k, yTrue, yPred }) => {
        expectGradientToMatch(
          (z) => categoricalCrossentropy(yTrue, z, k, { fromLogits: true }),
          yPred,
          categoricalCrossentropyGradient(yTrue, yPred, k, { fromLogits: true }),
        );
      }),
    );
  });

  it('reduces to (softmax(z) − y) / n for one-hot targets from logits', () => {
    const grad = categoricalCrossentropyGradient([0, 1], [0, 0], 2, { fromLogits: true });
    expectArrayClose(grad, [0.5, -0.5], 12);
  });
});
