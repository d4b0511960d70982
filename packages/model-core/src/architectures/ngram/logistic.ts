import { minimizeLbfgs, sigmoid } from '@glossa/math';
import type { SparseRow } from './features.js';

/** Rows in compressed sparse row form. */
export interface SparseMatrix {
  /** Row i's entries are `ids/values[offsets[i] .. offsets[i+1])`. */
  offsets: Int32Array;
  ids: Int32Array;
  values: Float32Array;
  rows: number;
}

/** Stacks sparse rows into one {@link SparseMatrix}. */
export function stackRows(rows: readonly SparseRow[]): SparseMatrix {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => {
    offsets[i + 1] = offsets[i]! + r.ids.length;
  });
  const ids = new Int32Array(offsets[rows.length]!);
  const values = new Float32Array(offsets[rows.length]!);
  rows.forEach((r, i) => {
    ids.set(r.ids, offsets[i]!);
    values.set(r.values, offsets[i]!);
  });
  return { offsets, ids, values, rows: rows.length };
}

/** Weights of a multinomial logistic regression: `W` is features × classes (row-major), then the bias. */
export interface LinearWeights {
  weights: Float32Array;
  bias: Float32Array;
}

/**
 * Fits logistic regression, minimising Σᵢ wᵢ·crossentropyᵢ + (λ/2)·‖W‖² (the bias is not penalised; λ = 1/C
 * in scikit-learn's terms) with L-BFGS, deterministically. Two classes fit one weight per feature (the
 * binary model, half the work); more fit the multinomial (softmax) model.
 *
 * @param x - Training rows.
 * @param y - Class of each row.
 * @param sampleWeights - Per-row loss weights, or undefined for 1.
 * @param features - Number of feature ids.
 * @param classes - Number of classes.
 * @param lambda - L2 strength.
 * @param start - Parameters to start from (warm start), as returned in `params`.
 * @param maxIterations - L-BFGS iterations at most.
 * @param tolerance - Relative change of the objective below which it stops.
 * @param shouldStop - Polled every iteration; true stops.
 * @returns The parameters (see {@link toLinearWeights}) and the iterations run.
 */
export function fitLogistic(
  x: SparseMatrix,
  y: Int32Array,
  sampleWeights: Float32Array | undefined,
  features: number,
  classes: number,
  lambda: number,
  start: Float64Array | undefined,
  maxIterations: number,
  tolerance: number,
  shouldStop?: () => boolean,
): { params: Float64Array; iterations: number } {
  const binary = classes === 2;
  const k = binary ? 1 : classes;
  const nw = features * k;
  const params = start ? Float64Array.from(start) : new Float64Array(nw + k);
  const z = new Float64Array(k);
  const { offsets, ids, values, rows } = x;
  const binaryObjective = (p: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    const bias = p[nw]!;
    let gb = 0;
    for (let i = 0; i < rows; i++) {
      let zi = bias;
      const end = offsets[i + 1]!;
      for (let e = offsets[i]!; e < end; e++) zi += values[e]! * p[ids[e]!]!;
      const w = sampleWeights ? sampleWeights[i]! : 1;
      // loss = softplus(z) - y·z, stably.
      const yi = y[i]!;
      const sp = zi > 0 ? zi + Math.log1p(Math.exp(-zi)) : Math.log1p(Math.exp(zi));
      loss += w * (sp - (yi === 1 ? zi : 0));
      const prob = sigmoid(zi); // math's, stable on both sides of 0
      const r = w * (prob - yi);
      gb += r;
      for (let e = offsets[i]!; e < end; e++) {
        const id = ids[e]!;
        g[id] = g[id]! + values[e]! * r;
      }
    }
    g[nw] = gb;
    return loss + addL2(p, g, nw, lambda);
  };
  const softmaxObjective = (p: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < k; c++) z[c] = p[nw + c]!;
      const end = offsets[i + 1]!;
      for (let e = offsets[i]!; e < end; e++) {
        const v = values[e]!;
        const base = ids[e]! * k;
        for (let c = 0; c < k; c++) z[c] = z[c]! + v * p[base + c]!;
      }
      const sum = expShifted(z, k);
      const yi = y[i]!;
      const w = sampleWeights ? sampleWeights[i]! : 1;
      loss += w * (Math.log(sum) - Math.log(z[yi]!));
      for (let c = 0; c < k; c++) z[c] = (w * z[c]!) / sum - (c === yi ? w : 0);
      for (let c = 0; c < k; c++) g[nw + c] = g[nw + c]! + z[c]!;
      for (let e = offsets[i]!; e < end; e++) {
        const v = values[e]!;
        const base = ids[e]! * k;
        for (let c = 0; c < k; c++) g[base + c] = g[base + c]! + v * z[c]!;
      }
    }
    return loss + addL2(p, g, nw, lambda);
  };
  // Stop when the objective improved by less than `tolerance` (relative) per iteration over the last
  // WINDOW iterations: a single short step (common right after a warm start) does not end the fit.
  const WINDOW = 10;
  const seen: number[] = [];
  const result = minimizeLbfgs(binary ? binaryObjective : softmaxObjective, params, {
    maxIterations,
    gradientTolerance: 1e-6,
    relativeTolerance: 0,
    onIteration: (iteration, value) => {
      if (shouldStop?.()) return false;
      seen.push(value);
      if (iteration <= WINDOW) return true;
      const before = seen[seen.length - 1 - WINDOW]!;
      return (before - value) / Math.max(Math.abs(value), 1) > tolerance * WINDOW;
    },
  });
  return { params, iterations: result.iterations };
}

/** Replaces the first k logits by exp(z − max z) (stable softmax numerators) and returns their sum. */
function expShifted(z: Float64Array, k: number): number {
  let max = z[0]!;
  for (let c = 1; c < k; c++) if (z[c]! > max) max = z[c]!;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    z[c] = Math.exp(z[c]! - max);
    sum += z[c]!;
  }
  return sum;
}

/** Adds λ·w to the gradient of the first `count` parameters and returns the penalty (λ/2)·‖w‖². */
function addL2(p: Float64Array, g: Float64Array, count: number, lambda: number): number {
  let reg = 0;
  for (let j = 0; j < count; j++) {
    const pj = p[j]!;
    reg += pj * pj;
    g[j] = g[j]! + lambda * pj;
  }
  return 0.5 * lambda * reg;
}

/**
 * The float32 weights (features × classes, then the bias) of parameters from {@link fitLogistic}; a binary
 * model's weight w becomes the logits (−w/2, +w/2), whose softmax is its sigmoid.
 */
export function toLinearWeights(params: Float64Array, features: number, classes: number): LinearWeights {
  if (classes !== 2) {
    return { weights: Float32Array.from(params.subarray(0, features * classes)), bias: Float32Array.from(params.subarray(features * classes)) };
  }
  const weights = new Float32Array(features * 2);
  for (let f = 0; f < features; f++) {
    weights[2 * f] = -params[f]! / 2;
    weights[2 * f + 1] = params[f]! / 2;
  }
  const b = params[features]!;
  return { weights, bias: Float32Array.from([-b / 2, b / 2]) };
}

/**
 * Class probabilities of one row, written into `out` (length = classes).
 */
export function linearProbabilities(model: LinearWeights, row: SparseRow, classes: number, out: Float32Array, offset: number): void {
  const k = classes;
  const z = new Float64Array(k);
  for (let c = 0; c < k; c++) z[c] = model.bias[c]!;
  for (let e = 0; e < row.ids.length; e++) {
    const v = row.values[e]!;
    const base = row.ids[e]! * k;
    for (let c = 0; c < k; c++) z[c] = z[c]! + v * model.weights[base + c]!;
  }
  const sum = expShifted(z, k);
  for (let c = 0; c < k; c++) out[offset + c] = z[c]! / sum;
}
