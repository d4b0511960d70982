import { type CrossentropyOptions, DEFAULT_EPSILON } from '../crossentropy-options.js';
import { assertInRange } from './validate.js';

/** Resolved crossentropy options. */
export interface ResolvedCrossentropyOptions {
  fromLogits: boolean;
  epsilon: number;
}

/** Applies defaults and validates the epsilon. */
export function resolveCrossentropyOptions(where: string, options?: CrossentropyOptions): ResolvedCrossentropyOptions {
  const epsilon = options?.epsilon ?? DEFAULT_EPSILON;
  assertInRange(where, 'options.epsilon', epsilon, 0, 0.5, false, true);
  return { fromLogits: options?.fromLogits ?? false, epsilon };
}

/** Clips a probability into [epsilon, 1 − epsilon]. */
export function clip(p: number, epsilon: number): number {
  return p < epsilon ? epsilon : Math.min(p, 1 - epsilon);
}

/** 1 when the probability is inside the clipping range (the clip passes the gradient), else 0. */
export function clipMask(p: number, epsilon: number): number {
  return p >= epsilon && p <= 1 - epsilon ? 1 : 0;
}
