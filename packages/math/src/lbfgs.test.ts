import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from './lbfgs.js';
import { MathError } from './math-error.js';

describe('minimizeLbfgs', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const x = new Float64Array([-1.2, 1]);
    const r = minimizeLbfgs(
      (p, g) => {
        const [a, b] = [p[0]!, p[1]!];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      x,
      { maxIterations: 1000, gradientTolerance: 1e-8, relativeTolerance: 0 },
    );
    expect(x[0]).toBeCloseTo(1, 4);
    expect(x[1]).toBeCloseTo(1, 4);
    expect(r.value).toBeLessThan(1e-8);
  });

  it('solves random positive-definite quadratics to the linear system solution', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.5, max: 20, noNaN: true }), { minLength: 1, maxLength: 30 }), fc.integer(), (diag, seed) => {
        // f(x) = ½ Σ d_i (x_i - c_i)², minimum at c.
        const c = diag.map((_, i) => Math.sin(seed + i) * 3);
        const x = new Float64Array(diag.length);
        minimizeLbfgs(
          (p, g) => {
            let f = 0;
            for (let i = 0; i < p.length; i++) {
              const e = p[i]! - c[i]!;
              g[i] = diag[i]! * e;
              f += 0.5 * diag[i]! * e * e;
            }
            return f;
          },
          x,
          { gradientTolerance: 1e-9, relativeTolerance: 0 },
        );
        x.forEach((v, i) => {
          expect(Math.abs(v - c[i]!)).toBeLessThan(1e-6);
        });
      }),
      { numRuns: 50 },
    );
  });

  it('stops when onIteration returns false, and is deterministic', () => {
    const run = () => {
      const x = new Float64Array([5, 5, 5]);
      const r = minimizeLbfgs(
        (p, g) => {
          let f = 0;
          for (let i = 0; i < 3; i++) {
            g[i] = 4 * p[i]! ** 3;
            f += p[i]! ** 4;
          }
          return f;
        },
        x,
        { onIteration: (i) => i < 3 },
      );
      return { r, x: Array.from(x) };
    };
    const a = run();
    expect(a.r.reason).toBe('stopped');
    expect(a.r.iterations).toBe(3);
    expect(run()).toEqual(a);
  });

  it('refuses an empty or non-finite start', () => {
    expect(() => minimizeLbfgs(() => 0, new Float64Array(0))).toThrow(MathError);
    expect(() => minimizeLbfgs(() => Number.NaN, new Float64Array(2))).toThrow(/finite/);
  });
});
