import { describe, expect, it } from 'vitest';
import { TextPreprocessingError } from './errors.js';

describe('TextPreprocessingError', () => {
  it('carries a literal name, a code, the problems and the cause', () => {
    const cause = new SyntaxError('bad');
    const error = new TextPreprocessingError('INVALID_JSON', 'where: what. Fix.', {
      cause,
      problems: [{ path: '$.a', message: 'is wrong' }],
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TextPreprocessingError');
    expect(error.code).toBe('INVALID_JSON');
    expect(error.cause).toBe(cause);
    expect(error.problems).toEqual([{ path: '$.a', message: 'is wrong' }]);
    expect(Object.isFrozen(error.problems)).toBe(true);
  });

  it('defaults to no problems and no cause', () => {
    const error = new TextPreprocessingError('INVALID_ARGUMENT', 'x');
    expect(error.problems).toEqual([]);
    expect('cause' in error).toBe(false);
  });
});
