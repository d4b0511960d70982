import { type Tensor, type Tensor3D, grad, memory, mul, randomNormal, reverse, sum } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { onWasmBackend } from '../../test/wasm-backend.js';
import { reverseSteps } from './recurrent.js';
import { activeWasmHeap } from './tensor-memory.js';

/** reverseSteps against tfjs's reverse: values and the gradient under a weighting, bit for bit. */
function expectReverse(): void {
  const before = memory().numTensors;
  for (const [batch, time, width] of [
    [3, 7, 5],
    [1, 1, 4],
    [4, 12, 16],
  ] as const) {
    const x = randomNormal([batch, time, width], 0, 1, 'float32', batch + time) as Tensor3D;
    const w = randomNormal([batch, time, width], 0, 1, 'float32', width) as Tensor3D;
    const ours = reverseSteps(x);
    const theirs = reverse(x, 1);
    expect(ours.dataSync()).toEqual(theirs.dataSync());
    const g = (f: (t: Tensor3D) => Tensor) => grad((t: Tensor) => sum(mul(f(t as Tensor3D), w)));
    const dOurs = g(reverseSteps)(x);
    const dTheirs = g((t) => reverse(t, 1))(x);
    expect(dOurs.dataSync()).toEqual(dTheirs.dataSync());
    for (const t of [x, w, ours, theirs, dOurs, dTheirs]) t.dispose();
  }
  expect(memory().numTensors).toBe(before);
}

describe('reverseSteps', () => {
  it("reverses the steps as tfjs's reverse(x, 1) does, and its gradient (cpu)", () => {
    expectReverse();
  });
});

describe("reverseSteps on tfjs-wasm's memory", () => {
  onWasmBackend();

  it("moves each step's row in tfjs-wasm's memory, to tfjs's reverse(x, 1) and its gradient", () => {
    expect(activeWasmHeap()).toBeDefined();
    expectReverse();
  });
});
