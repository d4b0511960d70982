import { checkLearningRate, checkOptimizerShapes } from './internal/optimizer-checks.js';
import { assertInRange, assertInteger } from './internal/validate.js';

/**
 * State of SGD with momentum: the velocity, one value per parameter (Keras's `momentums` slot).
 *
 * @example
 * ```ts
 * import { type MomentumState, createMomentumState } from '@glossa/math';
 *
 * const state: MomentumState = createMomentumState(3); // velocity [0, 0, 0]
 * ```
 */
export interface MomentumState {
  /** Velocity `v`, same length as the parameters; starts at 0. */
  readonly velocity: Float32Array;
}

/**
 * Options for {@link momentumUpdate}.
 *
 * @example
 * ```ts
 * import type { MomentumOptions } from '@glossa/math';
 *
 * const options: MomentumOptions = { learningRate: 0.05, momentum: 0.9, nesterov: true };
 * ```
 */
export interface MomentumOptions {
  /** Step size, finite and ≥ 0. Default 0.01 (Keras `SGD`). */
  learningRate?: number;
  /**
   * Momentum factor in [0, 1]. Default 0.9 (Keras `SGD` defaults to 0, i.e. no momentum; this function
   * exists for momentum, so it uses the common 0.9).
   */
  momentum?: number;
  /** Use Nesterov momentum, as Keras `SGD(nesterov=True)`. Default false. */
  nesterov?: boolean;
}

/**
 * Result of {@link momentumUpdate}: updated parameters and the state to pass to the next step.
 *
 * @typeParam P - the parameter array type; the in-place variants return the very array passed in.
 * @example
 * ```ts
 * import { type MomentumResult, createMomentumState, momentumUpdate } from '@glossa/math';
 *
 * const result: MomentumResult = momentumUpdate(new Float32Array([1]), new Float32Array([1]), createMomentumState(1));
 * ```
 */
export interface MomentumResult<P extends Float32Array = Float32Array<ArrayBuffer>> {
  /** Updated parameters (a new array from `momentumUpdate`, the input array from `momentumUpdateInPlace`). */
  readonly params: P;
  /** State after this step. */
  readonly state: MomentumState;
}

/**
 * Creates a zero {@link MomentumState} for `size` parameters.
 *
 * @param size - number of parameters, an integer ≥ 0.
 * @returns a state whose velocity is all zeros.
 * @throws {@link MathError} `INVALID_ARGUMENT` when size is not a non-negative integer.
 * @example
 * ```ts
 * import { createMomentumState } from '@glossa/math';
 *
 * createMomentumState(2).velocity; // Float32Array [0, 0]
 * ```
 */
export function createMomentumState(size: number): MomentumState {
  assertInteger('createMomentumState', 'size', size, 0);
  return { velocity: new Float32Array(size) };
}

function momentumKernel(
  where: string,
  params: Float32Array,
  grads: Float32Array,
  state: MomentumState,
  paramsOut: Float32Array,
  velocityOut: Float32Array,
  options?: MomentumOptions,
): void {
  const learningRate = options?.learningRate ?? 0.01;
  const momentum = options?.momentum ?? 0.9;
  const nesterov = options?.nesterov ?? false;
  checkLearningRate(where, learningRate);
  assertInRange(where, 'options.momentum', momentum, 0, 1);
  checkOptimizerShapes(where, params, grads, { 'state.velocity': state.velocity });
  for (let i = 0; i < params.length; i++) {
    const g = grads[i]!;
    const v = momentum * state.velocity[i]! - learningRate * g;
    velocityOut[i] = v;
    paramsOut[i] = params[i]! + (nesterov ? momentum * v - learningRate * g : v);
  }
}

/**
 * One step of SGD with momentum, exactly as Keras `SGD(momentum, nesterov)`:
 * `v ← momentum·v − lr·g`, then `params ← params + v`, or with Nesterov
 * `params ← params + momentum·v − lr·g`. Pure: inputs are not modified; new arrays are returned.
 *
 * @param params - current parameters.
 * @param grads - gradient of the loss with respect to `params`, same length.
 * @param state - current state (from {@link createMomentumState} or a previous step).
 * @param options - see {@link MomentumOptions}.
 * @returns the updated parameters and the new state.
 * @throws {@link MathError} `SHAPE_MISMATCH` when params, grads and state differ in length;
 * `INVALID_ARGUMENT` for a bad learning rate or momentum.
 * @example
 * ```ts
 * import { createMomentumState, momentumUpdate } from '@glossa/math';
 *
 * let params = new Float32Array([1, -1]);
 * let state = createMomentumState(params.length);
 * ({ params, state } = momentumUpdate(params, new Float32Array([0.5, -0.5]), state, { learningRate: 0.1 }));
 * ```
 */
export function momentumUpdate(params: Float32Array, grads: Float32Array, state: MomentumState, options?: MomentumOptions): MomentumResult {
  const paramsOut = new Float32Array(params.length);
  const velocity = new Float32Array(params.length);
  momentumKernel('momentumUpdate', params, grads, state, paramsOut, velocity, options);
  return { params: paramsOut, state: { velocity } };
}

/**
 * In-place variant of {@link momentumUpdate}: overwrites `params` and `state.velocity` and returns them.
 *
 * @typeParam P - the parameter array type; the in-place variants return the very array passed in.
 * @param params - current parameters; modified in place.
 * @param grads - gradient of the loss with respect to `params`, same length.
 * @param state - current state; its velocity is modified in place.
 * @param options - see {@link MomentumOptions}.
 * @returns `{ params, state }` holding the same objects that were passed in.
 * @throws {@link MathError} as {@link momentumUpdate}.
 * @example
 * ```ts
 * import { createMomentumState, momentumUpdateInPlace } from '@glossa/math';
 *
 * const params = new Float32Array([1]);
 * const state = createMomentumState(1);
 * momentumUpdateInPlace(params, new Float32Array([1]), state); // params and state.velocity updated
 * ```
 */
export function momentumUpdateInPlace<P extends Float32Array>(
  params: P,
  grads: Float32Array,
  state: MomentumState,
  options?: MomentumOptions,
): MomentumResult<P> {
  momentumKernel('momentumUpdateInPlace', params, grads, state, params, state.velocity, options);
  return { params, state };
}
