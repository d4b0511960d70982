import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectArrayClose, expectGradientToMatch } from '../test/finite-difference.js';
import { MathError } from './math-error.js';
import { softmax, softmaxJacobianVectorProduct, softmaxRows } from './softmax.js';

const logitVector = fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 10 });
const sum = (values: ArrayLike<number>): number => Array.from(values).reduce((s, v) => s + v, 0);

describe('softmax', () => {
  it('computes known values', () => {
    expectArrayClose(softmax([1, 2, 3]), [0.09003057317038046, 0.24472847105479767, 0.6652409557748219], 12);
  });

  it('sums to 1 with every entry in [0, 1]', () => {
    fc.assert(
      fc.property(logitVector, (logits) => {
        const p = softmax(logits);
        expect(sum(p)).toBeCloseTo(1, 12);
        for (const v of p) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('is invariant to adding a constant to every logit', () => {
    fc.assert(
      fc.property(logitVector, fc.double({ min: -1000, max: 1000, noNaN: true }), (logits, shift) => {
        expectArrayClose(softmax(logits.map((v) => v + shift)), softmax(logits), 9);
      }),
    );
  });

  it('stays finite for huge logits', () => {
    const p = softmax([10000, 0, -10000]);
    expect(Array.from(p)).toEqual([1, 0, 0]);
    expectArrayClose(softmax([10000, 10000]), [0.5, 0.5], 15);
  });

  it('throws EMPTY_INPUT for an empty vector', () => {
    expect(() => softmax([])).toThrow(MathError);
    expect(() => softmax([])).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
  });
});

describe('softmaxRows', () => {
  it('applies softmax to each row of an n×k Float32Array', () => {
    const values = new Float32Array([1, 2, 3, 0, 0, 0, 10000, 0, 0]);
    const out = softmaxRows(values, 3);
    expect(out).toBeInstanceOf(Float32Array);
    expectArrayClose(out.subarray(0, 3), softmax([1, 2, 3]), 6);
    expectArrayClose(out.subarray(3, 6), [1 / 3, 1 / 3, 1 / 3], 6);
    expectArrayClose(out.subarray(6, 9), [1, 0, 0], 6);
  });

  it('throws SHAPE_MISMATCH when the length is not a multiple of k', () => {
    expect(() => softmaxRows(new Float32Array(5), 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => softmaxRows(new Float32Array(4), 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('softmaxJacobianVectorProduct', () => {
  it('matches central finite differences of ⟨v, softmax(z)⟩', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((k) =>
            fc.tuple(
              fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: k, maxLength: k }),
              fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: k, maxLength: k }),
            ),
          ),
        ([z, v]) => {
          const p = softmax(z);
          const objective = (x: Float64Array): number => {
            const q = softmax(x);
            let dot = 0;
            for (let i = 0; i < q.length; i++) dot += q[i]! * v[i]!;
            return dot;
          };
          expectGradientToMatch(objective, z, softmaxJacobianVectorProduct(p, v));
        },
      ),
    );
  });

  it('works row-wise when k is given', () => {
    const z = [1, 2, 0.5, -1];
    const v = [1, -1, 2, 0];
    const rows = softmaxRows(z, 2);
    const out = softmaxJacobianVectorProduct(rows, v, 2);
    expectArrayClose(out.subarray(0, 2), softmaxJacobianVectorProduct(softmax([1, 2]), [1, -1]), 12);
    expectArrayClose(out.subarray(2, 4), softmaxJacobianVectorProduct(softmax([0.5, -1]), [2, 0]), 12);
  });

  it('throws SHAPE_MISMATCH for vectors of different lengths', () => {
    expect(() => softmaxJacobianVectorProduct([0.5, 0.5], [1])).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});
