import { checkLearningRate, checkOptimizerShapes } from './internal/optimizer-checks.js';

/**
 * Options for {@link sgdUpdate}.
 *
 * @example
 * ```ts
 * import type { SgdOptions } from '@glossa/math';
 *
 * const options: SgdOptions = { learningRate: 0.1 };
 * ```
 */
export interface SgdOptions {
  /** Step size, finite and ≥ 0. Default 0.01 (Keras `SGD`). */
  learningRate?: number;
}

function sgdKernel(params: Float32Array, grads: Float32Array, out: Float32Array, options?: SgdOptions): void {
  const learningRate = options?.learningRate ?? 0.01;
  checkLearningRate('sgdUpdate', learningRate);
  checkOptimizerShapes('sgdUpdate', params, grads);
  for (let i = 0; i < params.length; i++) out[i] = params[i]! - learningRate * grads[i]!;
}

/**
 * Plain stochastic gradient descent step `params − learningRate · grads`, as a pure function: the inputs
 * are not modified and a new array is returned.
 *
 * @param params - current parameters.
 * @param grads - gradient of the loss with respect to `params`, same length.
 * @param options - see {@link SgdOptions}.
 * @returns the updated parameters (new array).
 * @throws {@link MathError} `SHAPE_MISMATCH` when lengths differ; `INVALID_ARGUMENT` for a negative or
 * non-finite learning rate.
 * @example
 * ```ts
 * import { sgdUpdate } from '@glossa/math';
 *
 * sgdUpdate(new Float32Array([1]), new Float32Array([2]), { learningRate: 0.1 }); // Float32Array [0.8]
 * ```
 */
export function sgdUpdate(params: Float32Array, grads: Float32Array, options?: SgdOptions): Float32Array<ArrayBuffer> {
  const out = new Float32Array(params.length);
  sgdKernel(params, grads, out, options);
  return out;
}

/**
 * In-place variant of {@link sgdUpdate}: overwrites `params` with the updated values and returns it.
 *
 * @typeParam P - the parameter array type; the in-place variants return the very array passed in.
 * @param params - current parameters; modified in place.
 * @param grads - gradient of the loss with respect to `params`, same length.
 * @param options - see {@link SgdOptions}.
 * @returns `params` (the same array, updated).
 * @throws {@link MathError} as {@link sgdUpdate}.
 * @example
 * ```ts
 * import { sgdUpdateInPlace } from '@glossa/math';
 *
 * const w = new Float32Array([1]);
 * sgdUpdateInPlace(w, new Float32Array([2]), { learningRate: 0.1 }); // w is now [0.8]
 * ```
 */
export function sgdUpdateInPlace<P extends Float32Array>(params: P, grads: Float32Array, options?: SgdOptions): P {
  sgdKernel(params, grads, params, options);
  return params;
}
