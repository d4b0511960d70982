import { assertInRange, assertSameLength } from './validate.js';

/** Checks params/grads lengths and any state arrays against the params length. */
export function checkOptimizerShapes(where: string, params: Float32Array, grads: Float32Array, state: Record<string, Float32Array> = {}): void {
  assertSameLength(where, 'params', params, 'grads', grads);
  for (const [name, values] of Object.entries(state)) assertSameLength(where, 'params', params, name, values);
}

/** Checks a learning rate: finite and ≥ 0. */
export function checkLearningRate(where: string, learningRate: number): void {
  assertInRange(where, 'options.learningRate', learningRate, 0, Number.MAX_VALUE);
}
