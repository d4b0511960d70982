import { type Tensor2D, type Tensor3D, randomNormal, tensor2d } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Largest absolute difference of two equally long arrays. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
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
