import { describe, expect, it } from 'vitest';
import { accuracy } from './accuracy.js';

describe('accuracy', () => {
  it('counts exact matches', () => {
    expect(accuracy([0, 1, 2, 1], [0, 2, 2, 1])).toBe(0.75);
    expect(accuracy(new Int32Array([1, 1]), new Float32Array([1, 1]))).toBe(1);
    expect(accuracy([0], [1])).toBe(0);
  });

  it('throws for mismatched lengths and empty input', () => {
    expect(() => accuracy([0, 1], [0])).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => accuracy([], [])).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
  });
});
