import { describe, expect, it } from 'vitest';
import { createThrottle } from './throttle.js';

describe('createThrottle', () => {
  it('lets the first call through and then one call per interval', () => {
    let t = 0;
    const gate = createThrottle(50, () => t);
    const passed: number[] = [];
    for (t = 0; t <= 200; t += 10) if (gate()) passed.push(t);
    expect(passed).toEqual([0, 50, 100, 150, 200]);
  });

  it('never lets more than one call per interval through, however irregular the calls', () => {
    let t = 0;
    const gate = createThrottle(50, () => t);
    const passed: number[] = [];
    for (const step of [1, 49, 0, 3, 60, 2, 47, 1, 120, 0]) {
      t += step;
      if (gate()) passed.push(t);
    }
    expect(passed).toEqual([1, 53, 113, 163, 283]);
    for (let i = 1; i < passed.length; i++) expect(passed[i]! - passed[i - 1]!).toBeGreaterThanOrEqual(50);
  });
});
