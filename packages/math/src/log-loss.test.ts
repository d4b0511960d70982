import { describe, expect, it } from 'vitest';
import { logLoss } from './log-loss.js';

describe('logLoss', () => {
  it('matches the sklearn log_loss documented example', () => {
    // log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) → 0.21616...
    const value = logLoss([1, 0, 0, 1], [0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65], 2);
    expect(value).toBeCloseTo(0.2161616, 6);
  });

  it('clips probabilities at 1e-7', () => {
    expect(logLoss([0], [0, 1], 2)).toBeCloseTo(-Math.log(1e-7), 9);
    expect(logLoss([1], [0, 1], 2)).toBeCloseTo(-Math.log(1 - 1e-7), 12);
  });

  it('throws for shape mismatches, empty input and bad labels', () => {
    expect(() => logLoss([0, 1], [0.5, 0.5], 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => logLoss([], [], 2)).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    expect(() => logLoss([2], [0.5, 0.5], 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
