import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logSumExp, logSumExpRows } from './log-sum-exp.js';

describe('logSumExp', () => {
  it('equals the naive formula for moderate values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 10 }), (xs) => {
        const naive = Math.log(xs.reduce((s, v) => s + Math.exp(v), 0));
        expect(logSumExp(xs)).toBeCloseTo(naive, 10);
      }),
    );
  });

  it('is exact for huge values and handles infinities', () => {
    expect(logSumExp([10000, 10000])).toBeCloseTo(10000 + Math.LN2, 9);
    expect(logSumExp([-10000, -10000])).toBeCloseTo(-10000 + Math.LN2, 9);
    expect(logSumExp([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBe(Number.NEGATIVE_INFINITY);
    expect(logSumExp([Number.NEGATIVE_INFINITY, 0])).toBe(0);
    expect(logSumExp([Number.POSITIVE_INFINITY, 0])).toBe(Number.POSITIVE_INFINITY);
    expect(logSumExp([Number.NaN, 0])).toBeNaN();
  });

  it('throws EMPTY_INPUT for no values', () => {
    expect(() => logSumExp([])).toThrow(expect.objectContaining({ name: 'MathError', code: 'EMPTY_INPUT' }));
  });
});

describe('logSumExpRows', () => {
  it('reduces each row', () => {
    const out = logSumExpRows(new Float32Array([0, 0, 1, 1]), 2);
    expect(out[0]).toBeCloseTo(Math.LN2, 12);
    expect(out[1]).toBeCloseTo(1 + Math.LN2, 12);
  });
});
