import { describe, expect, it } from 'vitest';
import { argmax } from './argmax.js';

describe('argmax', () => {
  it('returns the index of the maximum, first on ties', () => {
    expect(argmax([0.1, 0.7, 0.2])).toBe(1);
    expect(argmax([3, 5, 5, 1])).toBe(1);
    expect(argmax([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBe(0);
  });

  it('searches a row of a flat array, returning an index relative to the offset', () => {
    const probs = new Float32Array([0.9, 0.1, 0.3, 0.6, 0.5, 0.5]);
    expect(argmax(probs, 0, 2)).toBe(0);
    expect(argmax(probs, 2, 2)).toBe(1);
    expect(argmax(probs, 4, 2)).toBe(0);
    expect(argmax(probs, 3)).toBe(0);
  });

  it('skips NaN values', () => {
    expect(argmax([Number.NaN, 1, 2])).toBe(2);
    expect(argmax([Number.NaN, Number.NaN])).toBe(0);
  });

  it('throws for empty or out-of-range ranges', () => {
    expect(() => argmax([])).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    expect(() => argmax([1, 2], 1, 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => argmax([1, 2], 0.5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
