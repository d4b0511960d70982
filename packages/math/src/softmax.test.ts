import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MathError } from './math-error.js';
import { softmaxRows } from './softmax.js';

const logitVector = fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 10 });
const sum = (values: ArrayLike<number>): number => Array.from(values).reduce((s, v) => s + v, 0);
/** Asserts two arrays are element-wise close. */
function expectArrayClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, digits);
}
/** One row of logits through softmaxRows. */
const softmaxRow = (logits: number[]): Float64Array => softmaxRows(logits, logits.length);

describe('softmaxRows', () => {
  it('computes known values', () => {
    expectArrayClose(softmaxRow([1, 2, 3]), [0.09003057317038046, 0.24472847105479767, 0.6652409557748219], 12);
  });

  it('sums to 1 with every entry in [0, 1]', () => {
    fc.assert(
      fc.property(logitVector, (logits) => {
        const p = softmaxRow(logits);
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
        expectArrayClose(softmaxRow(logits.map((v) => v + shift)), softmaxRow(logits), 9);
      }),
    );
  });

  it('stays finite for huge logits', () => {
    expect(Array.from(softmaxRow([10000, 0, -10000]))).toEqual([1, 0, 0]);
    expectArrayClose(softmaxRow([10000, 10000]), [0.5, 0.5], 15);
  });

  it('applies softmax to each row of an n×k Float32Array', () => {
    const values = new Float32Array([1, 2, 3, 0, 0, 0, 10000, 0, 0]);
    const out = softmaxRows(values, 3);
    expect(out).toBeInstanceOf(Float32Array);
    expectArrayClose(out.subarray(0, 3), softmaxRow([1, 2, 3]), 6);
    expectArrayClose(out.subarray(3, 6), [1 / 3, 1 / 3, 1 / 3], 6);
    expectArrayClose(out.subarray(6, 9), [1, 0, 0], 6);
    expect(softmaxRows([0, 0], 2)).toBeInstanceOf(Float64Array);
    expect(softmaxRows(new Float32Array(0), 3)).toHaveLength(0);
  });

  it('throws SHAPE_MISMATCH when the length is not a multiple of k', () => {
    expect(() => softmaxRows(new Float32Array(5), 2)).toThrow(MathError);
    expect(() => softmaxRows(new Float32Array(5), 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => softmaxRows(new Float32Array(4), 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
