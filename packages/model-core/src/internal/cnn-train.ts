/**
 * The CNN's training passes that are not matrix products, in WebAssembly SIMD on tfjs-wasm's own memory
 * (assembly/cnn.ts, the prediction kernel's module instantiated on that memory): the convolution windows'
 * gradient back to the input, and the masked max pool with the step each maximum came from. They read and
 * write tensors where tfjs keeps them; the JavaScript passes of layers.ts (the same bits, tested) run where
 * this does not (other backends, tfjs-wasm's threaded build, `GLOSSA_WASM_KERNELS` off).
 */
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { CNN_WASM_BASE64 } from './cnn-wasm.generated.js';
import { activeWasmHeap, heapDriverOf, heapTensor, withScratch } from './tensor-memory.js';
import { compileKernel, driverOf } from './wasm-module.js';

interface CnnTrainExports {
  windowsGradient(g: number, dx: number, batch: number, time: number, dim: number, k: number): void;
  maskedMaxPool(x: number, mask: number, batch: number, time: number, dim: number, out: number, at: number): void;
}

/** The training passes on the active backend's memory. */
export interface CnnTrainKernel {
  /**
   * The gradient of `windowsOf(x, k)` for `x` of `shape` ([batch, time, dim]) from the windows' gradient `dy`
   * ([batch, time − k + 1, k × dim]), summed in tfjs's order (see assembly/cnn.ts).
   */
  windowsGradient(dy: Tensor, shape: readonly [number, number, number], k: number): Tensor3D;
  /**
   * Max over the kept steps of non-negative `x` ([batch, time, dim], `dim` a multiple of 4; `mask` float32
   * [batch, time, 1], 0 = masked): the pooled [batch, dim] (0 where nothing is kept) and, per output, the
   * first step holding the maximum (−1 where nothing is kept).
   */
  maskedMaxPool(x: Tensor3D, mask: Tensor | undefined): { pooled: Tensor2D; at: Int32Array };
}

/** The CNN kernel module while the kernels are on (`GLOSSA_WASM_KERNELS`) and it compiles here (also cnn-inference.ts's). */
export const cnnModule = driverOf(
  () => compileKernel(CNN_WASM_BASE64),
  (mod) => mod,
);

const onHeap = heapDriverOf<CnnTrainExports, CnnTrainKernel>(cnnModule, (e, heap) => ({
  windowsGradient: (dy, [batch, time, dim], k) =>
    heapTensor(heap, [batch, time, dim], (dx) => e.windowsGradient(heap.offsetOf(dy), dx, batch, time, dim, k)) as Tensor3D,
  maskedMaxPool(x, mask) {
    const [batch, time, dim] = x.shape;
    return withScratch(heap, batch * dim * 4, (at) => {
      const pooled = heapTensor(heap, [batch, dim], (out) =>
        e.maskedMaxPool(heap.offsetOf(x), mask ? heap.offsetOf(mask) : 0, batch, time, dim, out, at),
      ) as Tensor2D;
      return { pooled, at: new Int32Array(heap.memory.buffer, at, batch * dim).slice() };
    });
  },
}));

/**
 * The CNN's training passes on tfjs-wasm's memory, or `undefined` where they do not run (another backend,
 * tfjs-wasm's threaded build, no WebAssembly SIMD, `GLOSSA_WASM_KERNELS` off).
 *
 * @returns The kernel for the active backend.
 */
export function cnnTrainKernel(): CnnTrainKernel | undefined {
  const heap = activeWasmHeap();
  return heap && onHeap(heap);
}
