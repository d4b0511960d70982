import { describe, expect, it } from 'vitest';
import { threadingOf } from './child-utils.js';

describe('threadingOf', () => {
  it('calls one thread single, fewer than the cores multi, as many or more all cores, and tfjs-node always all cores', () => {
    expect(threadingOf('wasm', 1, 4)).toBe('single-threaded');
    expect(threadingOf('wasm', null, 4)).toBe('single-threaded');
    expect(threadingOf('python', 2, 4)).toBe('multi-threaded');
    expect(threadingOf('python', 4, 4)).toBe('all cores');
    expect(threadingOf('python', 12, 2)).toBe('all cores');
    expect(threadingOf('tensorflow', 1, 4)).toBe('all cores');
  });
});
