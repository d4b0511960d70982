import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectArrayClose } from '../test/finite-difference.js';
import { logSoftmax, logSoftmaxRows } from './log-softmax.js';
import { softmax } from './softmax.js';

describe('logSoftmax', () => {
  it('equals log(softmax(x)) for moderate logits', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 10 }), (z) => {
        expectArrayClose(logSoftmax(z), Array.from(softmax(z), Math.log), 9);
      }),
    );
  });

  it('stays finite and exact for huge logits where log(softmax) gives -Infinity', () => {
    expect(Math.log(softmax([0, 10000])[0]!)).toBe(Number.NEGATIVE_INFINITY);
    expect(Array.from(logSoftmax([0, 10000]))).toEqual([-10000, 0]);
    expectArrayClose(logSoftmax([1e4, 1e4, -1e4]), [-Math.LN2, -Math.LN2, -2e4 - Math.LN2], 9);
  });

  it('gives log-probabilities whose exponentials sum to 1', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 10 }), (z) => {
        const total = Array.from(logSoftmax(z)).reduce((s, v) => s + Math.exp(v), 0);
        expect(total).toBeCloseTo(1, 9);
      }),
    );
  });
});

describe('logSoftmaxRows', () => {
  it('applies logSoftmax to each row and keeps Float32Array', () => {
    const out = logSoftmaxRows(new Float32Array([0, 0, 0, 10000]), 2);
    expect(out).toBeInstanceOf(Float32Array);
    expectArrayClose(out, [-Math.LN2, -Math.LN2, -10000, 0], 5);
  });
});
