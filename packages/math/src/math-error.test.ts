import { describe, expect, it } from 'vitest';
import { MathError } from './math-error.js';
import { softmaxRows } from './softmax.js';

describe('MathError', () => {
  it('carries a literal name, a code and a cause', () => {
    const cause = new Error('inner');
    const error = new MathError('SHAPE_MISMATCH', 'where: what. How.', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MathError');
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.cause).toBe(cause);
  });

  it('is thrown with a message naming the function, the values seen and the fix', () => {
    expect(() => softmaxRows(new Float32Array(5), 2)).toThrow('softmaxRows: values.length (5) is not a multiple of k=2. Pass an n×k row-major array.');
  });
});
