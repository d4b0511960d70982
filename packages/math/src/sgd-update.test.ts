import { describe, expect, it } from 'vitest';
import { expectArrayClose } from '../test/finite-difference.js';
import { quadratic } from '../test/quadratic.js';
import { sgdUpdate, sgdUpdateInPlace } from './sgd-update.js';

describe('sgdUpdate', () => {
  it('matches a hand-computed step and leaves its inputs untouched', () => {
    const params = new Float32Array([1, -2]);
    const grads = new Float32Array([0.5, 1]);
    const next = sgdUpdate(params, grads, { learningRate: 0.1 });
    expectArrayClose(next, [0.95, -2.1], 6);
    expect(Array.from(params)).toEqual([1, -2]);
    expect(Array.from(grads)).toEqual([0.5, 1]);
    expect(next).not.toBe(params);
  });

  it('uses the Keras default learning rate 0.01', () => {
    expectArrayClose(sgdUpdate(new Float32Array([1]), new Float32Array([1])), [0.99], 6);
  });

  it('minimises a quadratic', () => {
    let x = new Float32Array(3);
    for (let step = 0; step < 500; step++) x = sgdUpdate(x, quadratic.gradient(x), { learningRate: 0.04 });
    expectArrayClose(x, quadratic.c, 4);
  });

  it('has an in-place variant that overwrites params with the same values', () => {
    const params = new Float32Array([1, -2]);
    const expected = sgdUpdate(params, new Float32Array([0.5, 1]), { learningRate: 0.1 });
    const same = sgdUpdateInPlace(params, new Float32Array([0.5, 1]), { learningRate: 0.1 });
    expect(same).toBe(params);
    expect(Array.from(params)).toEqual(Array.from(expected));
  });

  it('throws for mismatched lengths and a negative learning rate', () => {
    expect(() => sgdUpdate(new Float32Array(2), new Float32Array(3))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => sgdUpdate(new Float32Array(1), new Float32Array(1), { learningRate: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
