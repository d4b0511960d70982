import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '@glossa/math';
import { initBackend } from '@glossa/node-runtime';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registerStockUnsortedSegmentSum } from './unsorted-segment-sum.js';

describe('registerStockUnsortedSegmentSum', () => {
  it('gives the same sums as the cpu backend’s own kernel, and leaks no tensors', async () => {
    await tf.setBackend('cpu');
    const rng = createRng(5);
    const rows = 40;
    const numSegments = 7;
    const x = tf.tensor3d(
      Array.from({ length: rows * 3 * 2 }, () => rng.normal()),
      [rows, 3, 2],
    );
    const ids = tf.tensor1d(
      Array.from({ length: rows }, () => rng.nextInt(numSegments)),
      'int32',
    );
    const expected = tf.unsortedSegmentSum(x, ids, numSegments);
    const expectedValues = expected.dataSync().slice();
    expect(registerStockUnsortedSegmentSum('cpu')).toBe(true);
    const before = tf.memory().numTensors;
    const actual = tf.unsortedSegmentSum(x, ids, numSegments);
    expect(actual.shape).toEqual([numSegments, 3, 2]);
    const values = actual.dataSync();
    for (const [i, v] of expectedValues.entries()) expect(values[i]).toBeCloseTo(v, 5);
    actual.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ids, expected]);
  });

  it('sums rows into their segments and keeps empty segments at zero', async () => {
    await tf.setBackend('cpu');
    registerStockUnsortedSegmentSum('cpu');
    const out = tf.unsortedSegmentSum(
      tf.tensor2d([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      tf.tensor1d([0, 2, 0], 'int32'),
      4,
    );
    expect(out.arraySync()).toEqual([
      [6, 8],
      [0, 0],
      [3, 4],
      [0, 0],
    ]);
    out.dispose();
  });

  it('registers for the wasm backend (which has no kernel of its own) and computes there', async () => {
    await initBackend({ backend: 'wasm', requiredKernels: [] });
    expect(registerStockUnsortedSegmentSum('wasm')).toBe(false);
    const out = tf.unsortedSegmentSum(
      tf.tensor2d([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      tf.tensor1d([1, 1, 0], 'int32'),
      2,
    );
    expect(tf.getBackend()).toBe('wasm');
    expect(out.arraySync()).toEqual([
      [5, 6],
      [4, 6],
    ]);
    out.dispose();
    await tf.setBackend('cpu');
  });
});
