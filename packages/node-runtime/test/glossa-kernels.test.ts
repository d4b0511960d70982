import { fused, matMul, randomNormal, tensor1d, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { sequentialMatMul } from '@glossa/test-data';
import { describe, expect, it } from 'vitest';
import { initBackend, setRelaxedSimd, usesRelaxedSimd } from '../src/index.js';

function values(f: () => Tensor): number[] {
  return tidy(() => Array.from(f().dataSync()));
}

/** Every combination of transposeA and transposeB. */
const TRANSPOSES = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

describe("Glossa's wasm kernels", () => {
  it('give the cpu backend results for every transpose combination of BatchMatMul (2-D, batched, broadcast) and _FusedMatMul', async () => {
    const run = (): number[][] =>
      TRANSPOSES.flatMap(([ta, tb]) => {
        const a = () => randomNormal(ta ? [7, 5] : [5, 7], 0, 1, 'float32', 1);
        const b = () => randomNormal(tb ? [3, 7] : [7, 3], 0, 1, 'float32', 2);
        const batched = () => randomNormal(ta ? [2, 7, 5] : [2, 5, 7], 0, 1, 'float32', 3);
        const batchedB = () => randomNormal(tb ? [2, 3, 7] : [2, 7, 3], 0, 1, 'float32', 4);
        return [
          values(() => matMul(a(), b(), ta, tb)),
          values(() => matMul(batched(), batchedB(), ta, tb)),
          // Batched products run in Glossa's kernel on wasm, a batch of one broadcast over the other's.
          values(() => matMul(batched(), randomNormal(tb ? [1, 3, 7] : [1, 7, 3], 0, 1, 'float32', 7), ta, tb)),
          values(() => matMul(randomNormal(ta ? [1, 7, 5] : [1, 5, 7], 0, 1, 'float32', 8), batchedB(), ta, tb)),
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

  it("compute large 2-D products in Glossa's WebAssembly kernel: the cpu backend's values, fused multiply-adds (relaxed), k in order (plain)", async () => {
    const [M, K, N] = [257, 64, 67]; // 1.1 million multiply-adds: above the size where Glossa's kernel takes over
    const inputs = (ta: boolean, tb: boolean) =>
      [randomNormal(ta ? [K, M] : [M, K], 0, 1, 'float32', 5), randomNormal(tb ? [N, K] : [K, N], 0, 1, 'float32', 6)] as const;
    const run = () =>
      TRANSPOSES.map(([ta, tb]) =>
        tidy(() => {
          const [a, b] = inputs(ta, tb);
          return { a: a.dataSync() as Float32Array, b: b.dataSync() as Float32Array, out: matMul(a, b, ta, tb).dataSync() as Float32Array };
        }),
      );
    await initBackend({ backend: 'cpu' });
    const expected = run();
    await initBackend({ backend: 'wasm' });
    expect(usesRelaxedSimd()).toBe(true);
    const relaxed = run();
    setRelaxedSimd(false);
    try {
      const plain = run();
      TRANSPOSES.forEach(([ta, tb], c) => {
        const want = sequentialMatMul(relaxed[c]!.a, relaxed[c]!.b, M, K, N, ta, tb);
        for (const [i, v] of relaxed[c]!.out.entries()) expect(Math.abs(v - expected[c]!.out[i]!)).toBeLessThan(1e-4);
        // XNNPACK has no fused multiply-add: bits other than the sequential sums show Glossa's relaxed kernel ran.
        expect(
          relaxed[c]!.out.some((v, i) => v !== want[i]),
          `ta ${ta} tb ${tb}`,
        ).toBe(true);
        expect(Array.from(plain[c]!.out), `ta ${ta} tb ${tb}`).toEqual(Array.from(want));
      });
    } finally {
      setRelaxedSimd(true);
    }
  });
});
