/**
 * Glossa's matrix product in WebAssembly SIMD (assembly/gemm.ts: the recurrent kernels' 4 × 8 register tile
 * over packed operands, in a plain and a relaxed-SIMD build). On this project's machine it ran the shapes of a
 * full-length training step (6400 × 64 · 64 × 256 and their gradients) at 37–43 GFLOP/s plain and 51–53
 * relaxed, where tfjs-wasm's XNNPACK path reached 19–27 through tfjs; `registerGlossaKernels` routes the wasm
 * backend's large float32 2-D `BatchMatMul`s here. Every output sums k = 0…K − 1 in order, so results do not
 * depend on the batch around them.
 */
import { GEMM_RELAXED_WASM_BASE64, GEMM_WASM_BASE64 } from './gemm-wasm.generated.js';
import { type WasmHeap, activeWasmHeap, heapDriverOf, withScratch } from './tensor-memory.js';
import { compileKernel, driverOf, instantiateKernel, layout } from './wasm-module.js';

interface GemmExports {
  packRows(a: number, transposed: number, M: number, K: number, dst: number): void;
  packPanels(u: number, stride: number, col: number, cols: number, rows: number, dst: number): void;
  packTransposedPanels(u: number, stride: number, col: number, cols: number, rows: number, dst: number): void;
  gemm(apk: number, bpk: number, out: number, M: number, K: number, N: number, scratch: number): void;
  sumRows(x: number, rows: number, cols: number, out: number): void;
  scatterRows(ids: number, dy: number, n: number, dim: number, vocab: number, out: number): void;
  gatherRows(table: number, ids: number, n: number, dim: number, vocab: number, out: number): void;
  maskedMean(x: number, mask: number, batch: number, time: number, dim: number, out: number): void;
  maskedMeanGradient(dy: number, mask: number, batch: number, time: number, dim: number, dx: number): void;
  convolve(x: number, w: number, bias: number, out: number, batch: number, time: number, dim: number, k: number, filters: number, scratch: number): void;
  convGradient(
    x: number,
    y: number,
    dy: number,
    w: number,
    batch: number,
    time: number,
    dim: number,
    k: number,
    filters: number,
    dx: number,
    dw: number,
    dbias: number,
    scratch: number,
  ): void;
}

/**
 * 2-D products of at least this many multiply-adds go to Glossa's kernel on wasm (kernels.ts); smaller ones cost
 * more to copy and dispatch than to compute, and stay tfjs's.
 */
export const OWN_MATMUL_MIN_MACS = 1 << 20;

/** One kernel instance (its memory grows to the largest product it has computed). */
export interface MatMulKernel {
  /**
   * Writes `A · B` ([M, N] row-major) into `into`. `a` is [M, K] (or [K, M] with `transposeA`), `b` is [K, N]
   * (or [N, K] with `transposeB`), both row-major.
   */
  multiply(a: Float32Array, b: Float32Array, M: number, K: number, N: number, transposeA: boolean, transposeB: boolean, into: Float32Array): void;
}

function createMatMul(mod: object): MatMulKernel {
  const kernel = instantiateKernel<GemmExports>(mod);
  return {
    multiply(a, b, M, K, N, transposeA, transposeB, into) {
      const { at, end } = layout({
        a: a.byteLength,
        b: b.byteLength,
        apk: Math.ceil(M / 4) * K * 16,
        bpk: Math.ceil(N / 8) * K * 32,
        out: M * N * 4,
        scratch: 128,
      });
      kernel.ensure(end);
      kernel.f32(at.a, a.length).set(a);
      kernel.f32(at.b, b.length).set(b);
      const e = kernel.exports;
      e.packRows(at.a, transposeA ? 1 : 0, M, K, at.apk);
      if (transposeB) e.packTransposedPanels(at.b, K, 0, K, N, at.bpk);
      else e.packPanels(at.b, N, 0, N, K, at.bpk);
      e.gemm(at.apk, at.bpk, at.out, M, K, N, at.scratch);
      into.set(kernel.f32(at.out, M * N));
    },
  };
}

/**
 * The matrix product kernel (its relaxed-SIMD build where that runs), or `undefined` where WebAssembly SIMD is
 * missing or the `GLOSSA_WASM_KERNELS` flag is off.
 */
export const matMulKernel: () => MatMulKernel | undefined = driverOf(() => compileKernel(GEMM_WASM_BASE64, GEMM_RELAXED_WASM_BASE64), createMatMul);

/**
 * Glossa's kernels running on tfjs-wasm's own memory (the matrix product and the training passes around it):
 * operands and results where their tensors are, no copies.
 */
export interface HeapKernel {
  /**
   * Runs `products` of the same shape: each writes `A · B` ([M, N] row-major) at byte `out` of the heap's
   * memory, `a` and `b` being byte offsets of its operands there, laid out as in {@link MatMulKernel.multiply}.
   * The packed operands live in one block taken from the heap's allocator and given back before it returns.
   * An untransposed B may be columns [`bColumn`, `bColumn` + N) of a wider [K, `bStride`] matrix.
   */
  multiply(
    products: ReadonlyArray<{ a: number; b: number; out: number; bColumn?: number; bStride?: number }>,
    M: number,
    K: number,
    N: number,
    transposeA: boolean,
    transposeB: boolean,
  ): void;
  /** Writes the column sums of `x` ([rows, cols] at byte `x`) at byte `out`, each column added row by row in float32. */
  sumRows(x: number, rows: number, cols: number, out: number): void;
  /** An embedding table's gradient ([vocab, dim] at `out`): zeros, then each `dy` row added to row `ids[i]` in order. */
  scatterRows(ids: number, dy: number, n: number, dim: number, vocab: number, out: number): void;
  /** Rows of an embedding table ([vocab, dim] at `table`) into `out` ([n, dim]): row `ids[i]`, zeros for an id outside it. */
  gatherRows(table: number, ids: number, n: number, dim: number, vocab: number, out: number): void;
  /** The float32 mean of `x` [batch, time, dim] over the steps `mask` (f32 [batch, time]) keeps, into `out` [batch, dim]. */
  maskedMean(x: number, mask: number, batch: number, time: number, dim: number, out: number): void;
  /** Its gradient: `dx` [batch, time, dim] = dy[b] / count_b · mask[b, t]. */
  maskedMeanGradient(dy: number, mask: number, batch: number, time: number, dim: number, dx: number): void;
  /**
   * A ReLU convolution `y` = relu(windows(x) · w + bias) (x [batch, time, dim]; w [k × dim, filters]; y [batch,
   * time − k + 1, filters] at byte `at.y`), the windows read in place: the bits of the matrix product over a
   * materialised window matrix, then tfjs's bias `Add` and `Relu`.
   */
  convolve(at: { x: number; w: number; bias: number; y: number }, batch: number, time: number, dim: number, k: number, filters: number): void;
  /**
   * The gradient of a ReLU convolution `y` = relu(windows(x) · w + bias) (x [batch, time, dim], `dim` a multiple
   * of 4; w [k × dim, filters]; y [batch, time − k + 1, filters]) from `dy`, term by term over its nonzero
   * entries — a max pool's gradient has one per text and filter — with the bits of the matrix products it
   * replaces: `dx` [batch, time, dim], `dw` [k × dim, filters], `dbias` [filters] (byte offsets; see assembly/gemm.ts).
   */
  convGradient(
    at: { x: number; y: number; dy: number; w: number; dx: number; dw: number; dbias: number },
    batch: number,
    time: number,
    dim: number,
    k: number,
    filters: number,
  ): void;
}

/**
 * {@link matMulKernel} instantiated on `heap`'s memory (one instance per module and memory), or `undefined`
 * where the kernel does not run or cannot import that memory.
 *
 * @param heap - tfjs-wasm's memory and allocator (tensor-memory.ts `wasmHeapOf`).
 * @returns The kernel on that memory.
 */
export const heapKernel: (heap: WasmHeap) => HeapKernel | undefined = heapDriverOf<GemmExports, HeapKernel>(
  () => (matMulKernel() ? compileKernel(GEMM_WASM_BASE64, GEMM_RELAXED_WASM_BASE64) : null),
  (e, heap) => ({
    multiply(products, M, K, N, transposeA, transposeB) {
      const apk = Math.ceil(M / 4) * K * 16;
      const bpk = Math.ceil(N / 8) * K * 32;
      withScratch(heap, apk + bpk + 128, (at) => {
        let packedB = '';
        for (const { a, b, out, bColumn = 0, bStride = N } of products) {
          e.packRows(a, transposeA ? 1 : 0, M, K, at);
          const key = `${b}:${bColumn}:${bStride}`;
          if (key !== packedB) {
            if (transposeB) e.packTransposedPanels(b, K, 0, K, N, at + apk);
            else e.packPanels(b, bStride, bColumn, N, K, at + apk);
            packedB = key;
          }
          e.gemm(at, at + apk, out, M, K, N, at + apk + bpk);
        }
      });
    },
    sumRows: (x, rows, cols, out) => e.sumRows(x, rows, cols, out),
    scatterRows: (ids, dy, n, dim, vocab, out) => e.scatterRows(ids, dy, n, dim, vocab, out),
    gatherRows: (table, ids, n, dim, vocab, out) => e.gatherRows(table, ids, n, dim, vocab, out),
    maskedMean: (x, mask, batch, time, dim, out) => e.maskedMean(x, mask, batch, time, dim, out),
    maskedMeanGradient: (dy, mask, batch, time, dim, dx) => e.maskedMeanGradient(dy, mask, batch, time, dim, dx),
    convolve: ({ x, w, bias, y }, batch, time, dim, k, filters) =>
      withScratch(heap, (Math.ceil(filters / 8) * 32 + 16) * k * dim + 128, (scratch) => e.convolve(x, w, bias, y, batch, time, dim, k, filters, scratch)),
    convGradient: ({ x, y, dy, w, dx, dw, dbias }, batch, time, dim, k, filters) =>
      withScratch(heap, (2 * filters + time - k + 1) * k * dim * 4, (scratch) =>
        e.convGradient(x, y, dy, w, batch, time, dim, k, filters, dx, dw, dbias, scratch),
      ),
  }),
);

/**
 * The active backend's memory and Glossa's kernels on it, where they run (tfjs-wasm's single-threaded build,
 * WebAssembly SIMD, `GLOSSA_WASM_KERNELS` on), else `undefined`.
 *
 * @returns The heap and the kernels.
 */
export function activeHeapKernel(): { heap: WasmHeap; kernel: HeapKernel } | undefined {
  const heap = activeWasmHeap();
  const kernel = heap && heapKernel(heap);
  return heap && kernel ? { heap, kernel } : undefined;
}
