import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectGradientToMatch } from '../test/finite-difference.js';
import { tanh, tanhDerivative } from './tanh.js';

describe('tanh', () => {
  it('equals Math.tanh on scalars and arrays', () => {
    expect(tanh(0.3)).toBe(Math.tanh(0.3));
    const out = tanh([-1, 0, 2]);
    expect(out).toBeInstanceOf(Float64Array);
    expect(Array.from(out)).toEqual([Math.tanh(-1), 0, Math.tanh(2)]);
    expect(tanh(new Float32Array([1]))).toBeInstanceOf(Float32Array);
  });
});

describe('tanhDerivative', () => {
  it('matches central finite differences', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: 1, maxLength: 8 }), (xs) => {
        const x = Float64Array.from(xs);
        expectGradientToMatch((p) => tanh(p).reduce((s, v) => s + v, 0), x, tanhDerivative(x));
      }),
    );
  });

  it('is 1 at zero', () => {
    expect(tanhDerivative(0)).toBe(1);
  });
});
