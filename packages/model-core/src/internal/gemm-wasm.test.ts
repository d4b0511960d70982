import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRng } from '@glossa/math';
import { sequentialMatMul } from '@glossa/test-data';
import { afterEach, describe, expect, it } from 'vitest';
import { bitsDiffering } from '../../test/recurrent-fixtures.js';
import { setRelaxedSimd, setWasmKernels, usesRelaxedSimd } from '../flags.js';
import { matMulKernel } from './gemm-wasm.js';

/** Seeded values in [−1, 1). */
function values(seed: number, length: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length }, () => rng.next() * 2 - 1);
}

/** Largest |got − want| over the largest Σ|a·b| of an output (the scale of float32 rounding). */
function relativeError(got: Float32Array, a: Float32Array, b: Float32Array, M: number, K: number, N: number, ta: boolean, tb: boolean): number {
  let worst = 0;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let exact = 0;
      let scale = 0;
      for (let k = 0; k < K; k++) {
        const p = (ta ? a[k * M + i]! : a[i * K + k]!) * (tb ? b[j * K + k]! : b[k * N + j]!);
        exact += p;
        scale += Math.abs(p);
      }
      worst = Math.max(worst, Math.abs(got[i * N + j]! - exact) / Math.max(scale, 1e-30));
    }
  }
  return worst;
}

const SHAPES: Array<[M: number, K: number, N: number]> = [
  [1, 1, 1],
  [5, 3, 9],
  [4, 8, 8],
  [13, 64, 17],
  [64, 7, 256],
  [130, 33, 8],
  [37, 300, 45],
  [9, 700, 19],
];

/** The kernel's product for every shape of {@link SHAPES} and transpose, on seeded operands. */
function* products(seed: number) {
  const kernel = matMulKernel()!;
  for (const [c, [M, K, N]] of SHAPES.entries()) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const a = values(seed + c, M * K);
        const b = values(seed + 100 + c, K * N);
        const got = new Float32Array(M * N);
        kernel.multiply(a, b, M, K, N, ta, tb, got);
        yield { name: `${M}×${K}×${N} ta ${ta} tb ${tb}`, got, a, b, M, K, N, ta, tb };
      }
    }
  }
}

describe('the WebAssembly matrix product kernel', () => {
  afterEach(() => {
    setRelaxedSimd(true);
    setWasmKernels(true);
  });

  it('plain build: the bits of k summed in order in float32, for every transpose, partial row tiles and column panels', () => {
    setRelaxedSimd(false);
    expect(matMulKernel()).toBeDefined();
    for (const { name, got, a, b, M, K, N, ta, tb } of products(10)) {
      expect(bitsDiffering(got, sequentialMatMul(a, b, M, K, N, ta, tb)), name).toBe(0);
    }
  });

  it('relaxed build (fused multiply-add): within float32 rounding of the exact product, and not the plain bits', () => {
    expect(usesRelaxedSimd()).toBe(true);
    let differing = 0;
    for (const { name, got, a, b, M, K, N, ta, tb } of products(30)) {
      expect(relativeError(got, a, b, M, K, N, ta, tb), name).toBeLessThan(K * 1.2e-7);
      differing += bitsDiffering(got, sequentialMatMul(a, b, M, K, N, ta, tb));
    }
    expect(differing).toBeGreaterThan(0);
  });

  it('is off with GLOSSA_WASM_KERNELS', () => {
    setWasmKernels(false);
    expect(matMulKernel()).toBeUndefined();
  });

  it('ships a kernel built from assembly/gemm.ts (the generated module is current)', () => {
    const script = fileURLToPath(new URL('../../scripts/build-wasm.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check', 'gemm'], { stdio: 'pipe' })).not.toThrow();
  });
});
