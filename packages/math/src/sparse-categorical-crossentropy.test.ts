import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectArrayClose, expectGradientToMatch } from '../test/finite-difference.js';
import { categoricalCrossentropy, categoricalCrossentropyGradient } from './categorical-crossentropy.js';
import { sparseCategoricalCrossentropy, sparseCategoricalCrossentropyGradient } from './sparse-categorical-crossentropy.js';

function cases(min: number, max: number) {
  return fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 5 })).chain(([n, k]) =>
    fc.record({
      k: fc.constant(k),
      labels: fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: n, maxLength: n }),
      yPred: fc.array(fc.double({ min, max, noNaN: true }), { minLength: n * k, maxLength: n * k }),
    }),
  );
}

function oneHot(labels: number[], k: number): number[] {
  const y = new Array<number>(labels.length * k).fill(0);
  labels.forEach((t, r) => {
    y[r * k + t] = 1;
  });
  return y;
}

describe('sparseCategoricalCrossentropy', () => {
  it('computes a hand-worked value', () => {
    expect(sparseCategoricalCrossentropy([1, 2], [0.05, 0.95, 0, 0.1, 0.8, 0.1], 3)).toBeCloseTo((-Math.log(0.95) - Math.log(0.1)) / 2, 12);
  });

  it('equals categoricalCrossentropy with one-hot targets, for probabilities and logits', () => {
    fc.assert(
      fc.property(cases(0.01, 1), ({ k, labels, yPred }) => {
        const y = oneHot(labels, k);
        expect(sparseCategoricalCrossentropy(labels, yPred, k)).toBeCloseTo(categoricalCrossentropy(y, yPred, k), 12);
        expect(sparseCategoricalCrossentropy(labels, yPred, k, { fromLogits: true })).toBeCloseTo(
          categoricalCrossentropy(y, yPred, k, { fromLogits: true }),
          12,
        );
        expectArrayClose(sparseCategoricalCrossentropyGradient(labels, yPred, k), categoricalCrossentropyGradient(y, yPred, k), 12);
      }),
    );
  });

  it('is non-negative, ≈ 0 at the target and finite for logits of 1e4', () => {
    fc.assert(
      fc.property(cases(0.01, 1), ({ k, labels, yPred }) => {
        expect(sparseCategoricalCrossentropy(labels, yPred, k)).toBeGreaterThanOrEqual(0);
        expect(sparseCategoricalCrossentropy(labels, oneHot(labels, k), k)).toBeLessThan(1e-6);
      }),
    );
    expect(sparseCategoricalCrossentropy([0], [10000, 0, 0], 3, { fromLogits: true })).toBeCloseTo(0, 12);
    expect(sparseCategoricalCrossentropy([1], [10000, 0, 0], 3, { fromLogits: true })).toBeCloseTo(10000, 9);
  });

  it('throws for labels that are not class indices and for shape mismatches', () => {
    expect(() => sparseCategoricalCrossentropy([2], [0.5, 0.5], 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => sparseCategoricalCrossentropy([0.5], [0.5, 0.5], 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => sparseCategoricalCrossentropy([0, 1], [0.5, 0.5], 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});

describe('sparseCategoricalCrossentropyGradient', () => {
  it('matches central finite differences w.r.t. probabilities', () => {
    fc.assert(
      fc.property(cases(0.05, 1), ({ k, labels, yPred }) => {
        expectGradientToMatch((p) => sparseCategoricalCrossentropy(labels, p, k), yPred, sparseCategoricalCrossentropyGradient(labels, yPred, k));
      }),
    );
  });

  it('matches central finite differences w.r.t. logits', () => {
    fc.assert(
      fc.property(cases(-6, 6), ({ k, labels, yPred }) => {
        expectGradientToMatch(
          (z) => sparseCategoricalCrossentropy(labels, z, k, { fromLogits: true }),
          yPred,
          sparseCategoricalCrossentropyGradient(labels, yPred, k, { fromLogits: true }),
        );
      }),
    );
  });

  it('keeps Float32Array predictions as Float32Array', () => {
    const grad = sparseCategoricalCrossentropyGradient([1], new Float32Array([0, 0]), 2, { fromLogits: true });
    expect(grad).toBeInstanceOf(Float32Array);
    expectArrayClose(grad, [0.5, -0.5], 7);
  });
});
