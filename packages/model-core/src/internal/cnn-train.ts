/**
 * The CNN's training passes that are not matrix products, in WebAssembly SIMD on tfjs-wasm's own memory
 * (assembly/cnn.ts, the prediction kernel's module instantiated on that memory): the convolution windows'
 * gradient back to the input, and the masked max pool with the step each maximum came from. They read and
 * write tensors where tfjs keeps them; the JavaScript passes of layers.ts (the same bits, tested) run where
 * this does not (other backends, tfjs-wasm's threaded build, `GLOSSA_WASM_KERNELS` off).
 */
import { type Tensor, type Tensor2D, type Tensor3D, engine } from '@tensorflow/tfjs-core';
import { CNN_WASM_BASE64 } from './cnn-wasm.generated.js';
import { type WasmHeap, type WasmHeapBackend, wasmHeapBackend, wasmHeapOf } from './tensor-memory.js';
import { compileKernel, driverOf, exportsOn } from './wasm-module.js';

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

const cnnModule = driverOf(
  () => compileKernel(CNN_WASM_BASE64),
  (mod) => mod,
);

function kernelOn(backend: WasmHeapBackend, heap: WasmHeap, e: CnnTrainExports): CnnTrainKernel {
  const output = (shape: number[]) => {
    const info = backend.makeOutput(shape, 'float32');
    return { info, offset: heap.offsetOf(info) };
  };
  return {
    windowsGradient(dy, [batch, time, dim], k) {
      const dx = output([batch, time, dim]);
      e.windowsGradient(heap.offsetOf(dy), dx.offset, batch, time, dim, k);
      return engine().makeTensorFromTensorInfo(dx.info) as Tensor3D;
    },
    maskedMaxPool(x, mask) {
      const [batch, time, dim] = x.shape;
      const pooled = output([batch, dim]);
      const at = heap.malloc(batch * dim * 4);
      try {
        e.maskedMaxPool(heap.offsetOf(x), mask ? heap.offsetOf(mask) : 0, batch, time, dim, pooled.offset, at);
        return {
          pooled: engine().makeTensorFromTensorInfo(pooled.info) as Tensor2D,
          at: new Int32Array(heap.memory.buffer, at, batch * dim).slice(),
        };
      } finally {
        heap.free(at);
      }
    },
  };
}

const kernels = new WeakMap<CnnTrainExports, CnnTrainKernel>();

/**
 * The CNN's training passes on tfjs-wasm's memory, or `undefined` where they do not run (another backend,
 * tfjs-wasm's threaded build, no WebAssembly SIMD, `GLOSSA_WASM_KERNELS` off).
 *
 * @returns The kernel for the active backend.
 */
export function cnnTrainKernel(): CnnTrainKernel | undefined {
  const backend = wasmHeapBackend();
  const heap = backend && wasmHeapOf(backend);
  const mod = heap && cnnModule();
  const e = mod && exportsOn<CnnTrainExports>(mod, heap.memory);
  if (!backend || !heap || !e) return undefined;
  let kernel = kernels.get(e);
  if (!kernel) {
    kernel = kernelOn(backend, heap, e);
    kernels.set(e, kernel);
  }
  return kernel;
}
