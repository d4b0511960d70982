import { fused, matMul, randomNormal, tensor1d, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../src/index.js';

function values(f: () => Tensor): number[] {
  return tidy(() => Array.from(f().dataSync()));
}

describe("Glossa's wasm kernels", () => {
  it('give the cpu backend results for every transpose combination of BatchMatMul and _FusedMatMul', async () => {
    const cases = [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const;
    const run = (): number[][] =>
      cases.flatMap(([ta, tb]) => {
        const a = () => randomNormal(ta ? [7, 5] : [5, 7], 0, 1, 'float32', 1);
        const b = () => randomNormal(tb ? [3, 7] : [7, 3], 0, 1, 'float32', 2);
        const batched = () => randomNormal(ta ? [2, 7, 5] : [2, 5, 7], 0, 1, 'float32', 3);
        const batchedB = () => randomNormal(tb ? [2, 3, 7] : [2, 7, 3], 0, 1, 'float32', 4);
        return [
          values(() => matMul(a(), b(), ta, tb)),
          values(() => matMul(batched(), batchedB(), ta, tb)),
          values(() => fused.matMul({ a: a(), b: b(), transposeA: ta, transposeB: tb, bias: tensor1d([1, -2, 3]), activation: 'relu' })),
        ];
      });
    await initBackend({ backend: 'cpu' });
    const expected = run();
    const report = await initBackend({ backend: 'wasm' });
    expect(report.backend).toBe('wasm');
    const actual = run();
    expect(actual.length).toBe(expected.length);
    actual.forEach((row, i) => {
      row.forEach((v, j) => {
        expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(1e-5);
      });
    });
  });
});
