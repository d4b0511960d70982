import { MathError } from './math-error.js';

/**
 * A differentiable objective for {@link minimizeLbfgs}: writes the gradient at `x` into `gradient` and
 * returns the value at `x`.
 *
 * @example
 * ```ts
 * import type { Objective } from '@glossa/math';
 *
 * const square: Objective = (x, g) => { g[0] = 2 * x[0]!; return x[0]! ** 2; };
 * ```
 */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/**
 * Options of {@link minimizeLbfgs}.
 *
 * @example
 * ```ts
 * import type { LbfgsOptions } from '@glossa/math';
 *
 * const options: LbfgsOptions = { maxIterations: 200, gradientTolerance: 1e-5 };
 * ```
 */
export interface LbfgsOptions {
  /** Iterations (line searches) at most. Default 500. */
  maxIterations?: number;
  /** Correction pairs kept (the "memory"). Default 10. */
  memory?: number;
  /** Stop when the largest gradient component is at most this (scipy's `pgtol`). Default 1e-5. */
  gradientTolerance?: number;
  /** Stop when the value improves by less than this, relative to its size (scipy's `ftol`). Default 1e-9. */
  relativeTolerance?: number;
  /** Called after every iteration with its number and value; returning `false` stops. */
  onIteration?: (iteration: number, value: number) => boolean | undefined;
}

/**
 * What {@link minimizeLbfgs} returns.
 *
 * @example
 * ```ts
 * import type { LbfgsResult } from '@glossa/math';
 *
 * const done = (r: LbfgsResult) => r.reason !== 'max-iterations';
 * ```
 */
export interface LbfgsResult {
  /** The value at the solution (also left in the `x` passed in). */
  value: number;
  /** Iterations run. */
  iterations: number;
  /** Objective evaluations (each one a value and a gradient). */
  evaluations: number;
  /** Why it stopped. */
  reason: 'gradient' | 'relative-change' | 'max-iterations' | 'line-search' | 'stopped';
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m) m = v;
  }
  return m;
}

/**
 * Minimises a smooth function with limited-memory BFGS (two-loop recursion, backtracking line search
 * with the Armijo condition, curvature pairs kept only when `sᵀy > 0`). Deterministic: the same start and
 * objective give the same iterates. Used to fit logistic regression on sparse n-gram features.
 *
 * @param objective - Value and gradient; see {@link Objective}.
 * @param x - The starting point, overwritten with the solution.
 * @param options - Iteration limits and tolerances; see {@link LbfgsOptions}.
 * @returns How the run ended; see {@link LbfgsResult}.
 * @throws {@link MathError} `EMPTY_INPUT` for an empty `x`, `INVALID_ARGUMENT` when the start is not finite.
 * @example
 * ```ts
 * import { minimizeLbfgs } from '@glossa/math';
 *
 * const x = new Float64Array([3, -4]);
 * minimizeLbfgs((p, g) => { g[0] = 2 * (p[0]! - 1); g[1] = 2 * (p[1]! + 2); return (p[0]! - 1) ** 2 + (p[1]! + 2) ** 2; }, x);
 * // x ≈ [1, -2]
 * ```
 */
export function minimizeLbfgs(objective: Objective, x: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const n = x.length;
  if (n === 0) throw new MathError('EMPTY_INPUT', 'minimizeLbfgs: x is empty. Pass at least one parameter.');
  const maxIterations = options.maxIterations ?? 500;
  const m = options.memory ?? 10;
  const gtol = options.gradientTolerance ?? 1e-5;
  const ftol = options.relativeTolerance ?? 1e-9;
  const g = new Float64Array(n);
  let f = objective(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f)) {
    throw new MathError('INVALID_ARGUMENT', `minimizeLbfgs: the objective is ${f} at the starting point. Start from a point where it is finite.`);
  }
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  if (maxAbs(g) <= gtol) return { value: f, iterations: 0, evaluations, reason: 'gradient' };
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    // Direction d = -H·g by the two-loop recursion.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let j = s.length - 1; j >= 0; j--) {
      alpha[j] = rho[j]! * dot(s[j]!, d);
      const yj = y[j]!;
      const a = alpha[j]!;
      for (let i = 0; i < n; i++) d[i] = d[i]! - a * yj[i]!;
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last]!, y[last]!) / dot(y[last]!, y[last]!);
      for (let i = 0; i < n; i++) d[i] = d[i]! * gamma;
    } else {
      // First step: a unit-length move along -g.
      const norm = Math.sqrt(dot(g, g));
      for (let i = 0; i < n; i++) d[i] = d[i]! / norm;
    }
    for (let j = 0; j < s.length; j++) {
      const beta = rho[j]! * dot(y[j]!, d);
      const sj = s[j]!;
      const c = alpha[j]! - beta;
      for (let i = 0; i < n; i++) d[i] = d[i]! + c * sj[i]!;
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = 0;
      y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      slope = dot(g, d);
    }
    // Backtracking line search (Armijo).
    let step = 1;
    let fNew = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * d[i]!;
      fNew = objective(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) return { value: f, iterations: iteration, evaluations, reason: 'line-search' };
    const sk = s.length === m ? s.shift()! : new Float64Array(n);
    const yk = y.length === m ? y.shift()! : new Float64Array(n);
    if (rho.length === m) rho.shift();
    for (let i = 0; i < n; i++) {
      sk[i] = xNew[i]! - x[i]!;
      yk[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
    }
    const previous = f;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    if (options.onIteration?.(iteration, f) === false) return { value: f, iterations: iteration, evaluations, reason: 'stopped' };
    if (maxAbs(g) <= gtol) return { value: f, iterations: iteration, evaluations, reason: 'gradient' };
    if ((previous - f) / Math.max(Math.abs(previous), Math.abs(f), 1) <= ftol) {
      return { value: f, iterations: iteration, evaluations, reason: 'relative-change' };
    }
  }
  return { value: f, iterations: maxIterations, evaluations, reason: 'max-iterations' };
}
