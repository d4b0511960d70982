import { describe, expect, it } from 'vitest';
import { expectArrayClose } from '../test/finite-difference.js';
import { quadratic } from '../test/quadratic.js';
import { createMomentumState, momentumUpdate, momentumUpdateInPlace } from './momentum-update.js';

describe('momentumUpdate', () => {
  it('matches two hand-computed Keras steps', () => {
    // v1 = −0.1·1 = −0.1, p1 = 1 − 0.1 = 0.9; v2 = 0.9·(−0.1) − 0.1 = −0.19, p2 = 0.9 − 0.19 = 0.71
    const options = { learningRate: 0.1, momentum: 0.9 };
    const g = new Float32Array([1]);
    const s1 = momentumUpdate(new Float32Array([1]), g, createMomentumState(1), options);
    expectArrayClose(s1.params, [0.9], 6);
    expectArrayClose(s1.state.velocity, [-0.1], 6);
    const s2 = momentumUpdate(s1.params, g, s1.state, options);
    expectArrayClose(s2.params, [0.71], 6);
    expectArrayClose(s2.state.velocity, [-0.19], 6);
  });

  it('matches two hand-computed Nesterov steps', () => {
    // p1 = 1 + 0.9·(−0.1) − 0.1 = 0.81; v2 = −0.19, p2 = 0.81 + 0.9·(−0.19) − 0.1 = 0.539
    const options = { learningRate: 0.1, momentum: 0.9, nesterov: true };
    const g = new Float32Array([1]);
    const s1 = momentumUpdate(new Float32Array([1]), g, createMomentumState(1), options);
    expectArrayClose(s1.params, [0.81], 6);
    const s2 = momentumUpdate(s1.params, g, s1.state, options);
    expectArrayClose(s2.params, [0.539], 6);
  });

  it('does not mutate its inputs', () => {
    const params = new Float32Array([1, 2]);
    const state = { velocity: new Float32Array([0.5, -0.5]) };
    momentumUpdate(params, new Float32Array([1, 1]), state);
    expect(Array.from(params)).toEqual([1, 2]);
    expect(Array.from(state.velocity)).toEqual([0.5, -0.5]);
  });

  it('minimises a quadratic, with and without Nesterov', () => {
    for (const nesterov of [false, true]) {
      let params = new Float32Array(3);
      let state = createMomentumState(3);
      for (let step = 0; step < 600; step++) {
        ({ params, state } = momentumUpdate(params, quadratic.gradient(params), state, { learningRate: 0.01, nesterov }));
      }
      expectArrayClose(params, quadratic.c, 4);
    }
  });

  it('has an in-place variant equal to the pure one', () => {
    const params = new Float32Array([1, -1]);
    const state = createMomentumState(2);
    state.velocity.set([0.2, 0.3]);
    const pure = momentumUpdate(params, new Float32Array([0.5, 2]), state, { nesterov: true });
    const inPlace = momentumUpdateInPlace(params, new Float32Array([0.5, 2]), state, { nesterov: true });
    expect(inPlace.params).toBe(params);
    expect(inPlace.state).toBe(state);
    expect(Array.from(params)).toEqual(Array.from(pure.params));
    expect(Array.from(state.velocity)).toEqual(Array.from(pure.state.velocity));
  });

  it('throws for a state of the wrong size and a momentum above 1', () => {
    expect(() => momentumUpdate(new Float32Array(2), new Float32Array(2), createMomentumState(3))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => momentumUpdate(new Float32Array(1), new Float32Array(1), createMomentumState(1), { momentum: 1.5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
