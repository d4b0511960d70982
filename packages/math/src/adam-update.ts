import { checkLearningRate, checkOptimizerShapes } from './internal/optimizer-checks.js';
import { assertInRange, assertInteger } from './internal/validate.js';
import { MathError } from './math-error.js';

/**
 * State of the Adam optimizer: step count and first/second moment estimates, one value per parameter
 * (Keras's `iterations`, `momentums` and `velocities`).
 *
 * @example
 * ```ts
 * import { type AdamState, createAdamState } from '@glossa/math';
 *
 * const state: AdamState = createAdamState(3); // iterations 0, m and v all zeros
 * ```
 */
export interface AdamState {
  /** Number of updates applied so far (0 for a fresh state). */
  iterations: number;
  /** First moment estimate (exponential average of gradients). */
  readonly m: Float32Array;
  /** Second moment estimate (exponential average of squared gradients). */
  readonly v: Float32Array;
}

/**
 * Options for {@link adamUpdate}; defaults are Keras's `Adam` defaults.
 *
 * @example
 * ```ts
 * import type { AdamOptions } from '@glossa/math';
 *
 * const options: AdamOptions = { learningRate: 3e-4 };
 * ```
 */
export interface AdamOptions {
  /** Step size, finite and ≥ 0. Default 1e-3. */
  learningRate?: number;
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second moment, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Small constant added to the denominator, ≥ 0. Default 1e-7 (Keras; the Adam paper uses 1e-8). */
  epsilon?: number;
}

/**
 * Result of {@link adamUpdate}: updated parameters and the state to pass to the next step.
 *
 * @typeParam P - the parameter array type; the in-place variants return the very array passed in.
 * @example
 * ```ts
 * import { type AdamResult, adamUpdate, createAdamState } from '@glossa/math';
 *
 * const result: AdamResult = adamUpdate(new Float32Array([1]), new Float32Array([1]), createAdamState(1));
 * ```
 */
export interface AdamResult<P extends Float32Array = Float32Array<ArrayBuffer>> {
  /** Updated parameters (a new array from `adamUpdate`, the input array from `adamUpdateInPlace`). */
  readonly params: P;
  /** State after this step (iterations incremented by one). */
  readonly state: AdamState;
}

/**
 * Creates a fresh {@link AdamState} for `size` parameters: iterations 0, zero moments.
 *
 * @param size - number of parameters, an integer ≥ 0.
 * @returns a new state.
 * @throws {@link MathError} `INVALID_ARGUMENT` when size is not a non-negative integer.
 * @example
 * ```ts
 * import { createAdamState } from '@glossa/math';
 *
 * createAdamState(2); // { iterations: 0, m: Float32Array [0, 0], v: Float32Array [0, 0] }
 * ```
 */
export function createAdamState(size: number): AdamState {
  assertInteger('createAdamState', 'size', size, 0);
  return { iterations: 0, m: new Float32Array(size), v: new Float32Array(size) };
}

function adamKernel(
  where: string,
  params: Float32Array,
  grads: Float32Array,
  state: AdamState,
  paramsOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
  options?: AdamOptions,
): number {
  const learningRate = options?.learningRate ?? 1e-3;
  const beta1 = options?.beta1 ?? 0.9;
  const beta2 = options?.beta2 ?? 0.999;
  const epsilon = options?.epsilon ?? 1e-7;
  checkLearningRate(where, learningRate);
  assertInRange(where, 'options.beta1', beta1, 0, 1, false, true);
  assertInRange(where, 'options.beta2', beta2, 0, 1, false, true);
  assertInRange(where, 'options.epsilon', epsilon, 0, Number.MAX_VALUE);
  if (!Number.isSafeInteger(state.iterations) || state.iterations < 0) {
    throw new MathError(
      'INVALID_ARGUMENT',
      `${where}: state.iterations must be an integer ≥ 0 (got ${String(state.iterations)}). Start from createAdamState(size).`,
    );
  }
  checkOptimizerShapes(where, params, grads, { 'state.m': state.m, 'state.v': state.v });
  const step = state.iterations + 1;
  const alpha = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
  for (let i = 0; i < params.length; i++) {
    const g = grads[i]!;
    const m = state.m[i]! + (g - state.m[i]!) * (1 - beta1);
    const v = state.v[i]! + (g * g - state.v[i]!) * (1 - beta2);
    mOut[i] = m;
    vOut[i] = v;
    paramsOut[i] = params[i]! - (alpha * m) / (Math.sqrt(v) + epsilon);
  }
  return step;
}

/**
 * One Adam step, exactly as Keras `Adam` (epsilon outside the bias correction):
 * `m ← m + (g − m)(1 − β1)`, `v ← v + (g² − v)(1 − β2)`,
 * `α = lr·√(1 − β2ᵗ)/(1 − β1ᵗ)`, `params ← params − α·m/(√v + ε)` with t = iterations + 1.
 * Pure: inputs are not modified; new arrays and a new state are returned.
 *
 * @param params - current parameters.
 * @param grads - gradient of the loss with respect to `params`, same length.
 * @param state - current state (from {@link createAdamState} or a previous step).
 * @param options - see {@link AdamOptions}.
 * @returns the updated parameters and the new state.
 * @throws {@link MathError} `SHAPE_MISMATCH` when params, grads and state differ in length;
 * `INVALID_ARGUMENT` for an option out of range or a corrupt iteration count.
 * @example
 * ```ts
 * import { adamUpdate, createAdamState } from '@glossa/math';
 *
 * let params = new Float32Array([1, -1]);
 * let state = createAdamState(params.length);
 * ({ params, state } = adamUpdate(params, new Float32Array([0.5, -0.5]), state)); // ≈ [0.999, -0.999]
 * ```
 */
export function adamUpdate(params: Float32Array, grads: Float32Array, state: AdamState, options?: AdamOptions): AdamResult {
  const paramsOut = new Float32Array(params.length);
  const m = new Float32Array(params.length);
  const v = new Float32Array(params.length);
  const iterations = adamKernel('adamUpdate', params, grads, state, paramsOut, m, v, options);
  return { params: paramsOut, state: { iterations, m, v } };
}

/**
 * In-place variant of {@link adamUpdate}: overwrites `params`, `state.m` and `state.v`, increments
 * `state.iterations`, and returns the same objects.
 *
 * @typeParam P - the parameter array type; the in-place variants return the very array passed in.
 * @param params - current parameters; modified in place.
 * @param grads - gradient of the loss with respect to `params`, same length.
 * @param state - current state; modified in place.
 * @param options - see {@link AdamOptions}.
 * @returns `{ params, state }` holding the same objects that were passed in.
 * @throws {@link MathError} as {@link adamUpdate}.
 * @example
 * ```ts
 * import { adamUpdateInPlace, createAdamState } from '@glossa/math';
 *
 * const params = new Float32Array([1]);
 * const state = createAdamState(1);
 * adamUpdateInPlace(params, new Float32Array([1]), state); // params ≈ [0.999], state.iterations === 1
 * ```
 */
export function adamUpdateInPlace<P extends Float32Array>(params: P, grads: Float32Array, state: AdamState, options?: AdamOptions): AdamResult<P> {
  state.iterations = adamKernel('adamUpdateInPlace', params, grads, state, params, state.m, state.v, options);
  return { params, state };
}
