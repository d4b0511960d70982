import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sigmoid } from './sigmoid.js';

describe('sigmoid', () => {
  it('computes known values and saturates without NaN', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2)).toBeCloseTo(0.8807970779778823, 12);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
  });

  it('keeps Float32Array as Float32Array and maps other arrays to Float64Array without mutating input', () => {
    const input = new Float32Array([-1, 0, 1]);
    const out = sigmoid(input);
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(input)).toEqual([-1, 0, 1]);
    expect(sigmoid([0, 0])).toBeInstanceOf(Float64Array);
    expect(sigmoid(new Float64Array([0]))).toBeInstanceOf(Float64Array);
  });

  it('is symmetric: sigmoid(-x) = 1 - sigmoid(x)', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (x) => {
        expect(sigmoid(-x)).toBeCloseTo(1 - sigmoid(x), 12);
      }),
    );
  });
});
