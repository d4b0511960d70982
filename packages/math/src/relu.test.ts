import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectGradientToMatch } from '../test/finite-difference.js';
import { relu, reluDerivative } from './relu.js';

describe('relu', () => {
  it('zeroes negatives and keeps positives', () => {
    expect(relu(-2)).toBe(0);
    expect(relu(3.5)).toBe(3.5);
    expect(Array.from(relu([-1, 0, 3]))).toEqual([0, 0, 3]);
    expect(relu(new Float32Array([1]))).toBeInstanceOf(Float32Array);
  });
});

describe('reluDerivative', () => {
  it('matches central finite differences away from the kink', () => {
    const nonZero = fc.double({ min: -10, max: 10, noNaN: true }).filter((v) => Math.abs(v) > 1e-3);
    fc.assert(
      fc.property(fc.array(nonZero, { minLength: 1, maxLength: 8 }), (xs) => {
        const x = Float64Array.from(xs);
        expectGradientToMatch((p) => relu(p).reduce((s, v) => s + v, 0), x, reluDerivative(x));
      }),
    );
  });

  it('uses 0 as the subgradient at 0', () => {
    expect(reluDerivative(0)).toBe(0);
    expect(Array.from(reluDerivative([-1, 0, 2]))).toEqual([0, 0, 1]);
  });
});
