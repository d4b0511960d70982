import { type Tensor2D, type Tensor3D, randomNormal, tensor2d } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Largest absolute difference of two equally long arrays. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Largest |a − b| relative to the largest |b| (at least 1). */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/** How many elements of two equally long float32 arrays differ in their bits. */
export function bitsDiffering(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) n++;
  return n;
}

/** Step masks: post-padded rows of lengths 5, 3, 1, 0 (what Glossa's batches hold), and arbitrary patterns. */
export const STEP_MASKS: Record<string, number[][]> = {
  'post-padded': [5, 3, 1, 0].map((l) => Array.from({ length: 5 }, (_, t) => (t < l ? 1 : 0))),
  'arbitrary (pre-padded, holes)': [
    [0, 0, 1, 1, 1],
    [1, 0, 1, 0, 1],
    [1, 1, 1, 1, 1],
    [0, 1, 1, 0, 0],
    [0, 0, 0, 0, 0],
  ],
};

/** A seeded random `[rows, 5, dim]` input and the boolean mask of `pattern`. */
export function maskedInputs(dim: number, pattern: number[][]): { x: Tensor3D; mask: Tensor2D } {
  const x = randomNormal([pattern.length, 5, dim], 0, 1, 'float32', 9) as Tensor3D;
  return { x, mask: tensor2d(pattern, undefined, 'bool') as Tensor2D };
}
