import { describe, expect, it } from 'vitest';
import { expectArrayClose } from '../test/finite-difference.js';
import { quadratic } from '../test/quadratic.js';
import { adamUpdate, adamUpdateInPlace, createAdamState } from './adam-update.js';

describe('adamUpdate', () => {
  it('matches two hand-computed steps with Keras defaults', () => {
    const lr = 1e-3;
    const eps = 1e-7;
    // Step 1, g = 0.5: m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 2.5e-4, α = lr·√(1 − 0.999)/(1 − 0.9)
    const alpha1 = (lr * Math.sqrt(0.001)) / 0.1;
    const p1 = 1 - (alpha1 * 0.05) / (Math.sqrt(2.5e-4) + eps);
    // Step 2, g = −0.25: m = 0.9·0.05 − 0.1·0.25 = 0.02, v = 0.999·2.5e-4 + 0.001·0.0625 = 3.1225e-4
    const alpha2 = (lr * Math.sqrt(1 - 0.999 ** 2)) / (1 - 0.9 ** 2);
    const p2 = p1 - (alpha2 * 0.02) / (Math.sqrt(3.1225e-4) + eps);

    const s1 = adamUpdate(new Float32Array([1]), new Float32Array([0.5]), createAdamState(1));
    expect(s1.state.iterations).toBe(1);
    expectArrayClose(s1.state.m, [0.05], 7);
    expectArrayClose(s1.state.v, [2.5e-4], 9);
    expectArrayClose(s1.params, [p1], 6);
    expect(p1).toBeCloseTo(1 - 1e-3, 6); // the first Adam step moves each weight by ≈ lr

    const s2 = adamUpdate(s1.params, new Float32Array([-0.25]), s1.state);
    expect(s2.state.iterations).toBe(2);
    expectArrayClose(s2.state.m, [0.02], 7);
    expectArrayClose(s2.state.v, [3.1225e-4], 9);
    expectArrayClose(s2.params, [p2], 6);
  });

  it('does not mutate its inputs', () => {
    const params = new Float32Array([1, 2]);
    const state = createAdamState(2);
    adamUpdate(params, new Float32Array([1, 1]), state);
    expect(Array.from(params)).toEqual([1, 2]);
    expect(state.iterations).toBe(0);
    expect(Array.from(state.m)).toEqual([0, 0]);
    expect(Array.from(state.v)).toEqual([0, 0]);
  });

  it('minimises a quadratic', () => {
    let params = new Float32Array(3);
    let state = createAdamState(3);
    for (let step = 0; step < 3000; step++) {
      ({ params, state } = adamUpdate(params, quadratic.gradient(params), state, { learningRate: 0.01 }));
    }
    expectArrayClose(params, quadratic.c, 2);
    expect(quadratic.value(params)).toBeLessThan(1e-4);
  });

  it('has an in-place variant equal to the pure one', () => {
    const params = new Float32Array([1, -1]);
    const state = createAdamState(2);
    const grads = new Float32Array([0.3, -2]);
    const pure1 = adamUpdate(params, grads, state);
    const pure2 = adamUpdate(pure1.params, grads, pure1.state);
    adamUpdateInPlace(params, grads, state);
    const result = adamUpdateInPlace(params, grads, state);
    expect(result.params).toBe(params);
    expect(result.state).toBe(state);
    expect(state.iterations).toBe(2);
    expect(Array.from(params)).toEqual(Array.from(pure2.params));
    expect(Array.from(state.m)).toEqual(Array.from(pure2.state.m));
    expect(Array.from(state.v)).toEqual(Array.from(pure2.state.v));
  });

  it('throws for bad options and mismatched state', () => {
    const ok = (): [Float32Array, Float32Array] => [new Float32Array(2), new Float32Array(2)];
    expect(() => adamUpdate(...ok(), createAdamState(2), { beta1: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => adamUpdate(...ok(), { iterations: -1, m: new Float32Array(2), v: new Float32Array(2) })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => adamUpdate(...ok(), createAdamState(1))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => createAdamState(-1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
