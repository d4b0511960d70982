import { type KernelConfig, type KernelFunc, type TensorInfo, getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { OWN_MATMUL_MIN_MACS, heapKernel, matMulKernel } from './internal/gemm-wasm.js';
import { type WasmHeapBackend, wasmHeapOf } from './internal/tensor-memory.js';

interface DisposingBackend {
  disposeData(dataId: object): void;
}

/**
 * A float32 `BatchMatMul` on the wasm backend computed by Glossa's WebAssembly kernel (gemm-wasm.ts: about
 * twice XNNPACK's rate through tfjs on a full-length training step's 2-D shapes, and 10–20× tfjs-wasm's loop
 * for batched ones such as attention's), or `undefined` to leave it to tfjs: a small 2-D product, batch
 * dimensions that differ other than by one side being 1, no kernel here (no SIMD, `GLOSSA_WASM_KERNELS`
 * off), or a cross-origin isolated page, where tfjs-wasm can spread XNNPACK over threads and this kernel has one.
 */
function ownMatMul(args: Parameters<KernelFunc>[0]): TensorInfo | undefined {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA = false, transposeB = false } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2 || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true) return undefined;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = outerA.reduce((x, y) => x * y, 1);
  const batchB = outerB.reduce((x, y) => x * y, 1);
  const sameOuter = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
  if (!sameOuter && batchA !== 1 && batchB !== 1) return undefined;
  const [M, K] = transposeA ? [a.shape[ra - 1]!, a.shape[ra - 2]!] : [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const N = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if ((transposeB ? b.shape[rb - 1] : b.shape[rb - 2]) !== K) return undefined;
  const batch = Math.max(batchA, batchB);
  // Batched products always go to Glossa's kernel: tfjs-wasm runs them in a scalar loop (~2 GFLOP/s here).
  if (batch === 1 && M * K * N < OWN_MATMUL_MIN_MACS) return undefined;
  const kernel = matMulKernel();
  if (!kernel) return undefined;
  const backend = args.backend as unknown as WasmHeapBackend;
  const outer = batchA >= batchB ? outerA : outerB;
  // The output first: making it may grow tfjs's memory, which detaches views made before.
  const out = backend.makeOutput([...outer, M, N], 'float32');
  // One right-hand matrix under untransposed left ones (2-D included) is a single product over all their rows,
  // packing B once; otherwise one product per batch element (a shared B still packed once on the heap).
  const single = batchB === 1 && !transposeA;
  const rows = single ? batch * M : M;
  const products = Array.from({ length: single ? 1 : batch }, (_, i) => ({
    a: (batchA === 1 ? 0 : i) * M * K,
    b: (batchB === 1 ? 0 : i) * K * N,
    out: i * M * N,
  }));
  const heap = wasmHeapOf(backend);
  const onHeap = heap && heapKernel(heap);
  if (heap && onHeap) {
    // On tfjs's own memory: the kernel packs the operands from their tensors and writes into the output's.
    const [ao, bo, oo] = [heap.offsetOf(a), heap.offsetOf(b), heap.offsetOf(out)];
    onHeap.multiply(
      products.map((p) => ({ a: ao + p.a * 4, b: bo + p.b * 4, out: oo + p.out * 4 })),
      rows,
      K,
      N,
      transposeA,
      transposeB,
    );
    return out;
  }
  const av = backend.typedArrayFromHeap(a) as Float32Array;
  const bv = backend.typedArrayFromHeap(b) as Float32Array;
  const ov = backend.typedArrayFromHeap(out) as Float32Array;
  for (const p of products) {
    kernel.multiply(av.subarray(p.a, p.a + rows * K), bv.subarray(p.b, p.b + K * N), rows, K, N, transposeA, transposeB, ov.subarray(p.out, p.out + rows * N));
  }
  return out;
}

const patched = new Set<string>();

/**
 * tfjs-backend-wasm multiplies matrices with XNNPACK only when neither operand is transposed; a transposed
 * operand (every matmul gradient: dX = dY·Wᵀ, dW = Xᵀ·dY) falls back to a scalar blocked loop about 10×
 * slower. This wrapper transposes such operands explicitly (a cheap copy) and calls the XNNPACK path.
 */
function wrapBatchMatMul(original: KernelConfig): KernelFunc {
  return (args) => {
    if (original.kernelName === 'BatchMatMul') {
      const own = ownMatMul(args);
      if (own) return own;
    }
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
    const transpose = getKernel('Transpose', original.backendName);
    if (!transpose) return original.kernelFunc(args);
    const inputs = args.inputs as { a: TensorInfo; b: TensorInfo };
    const temporary: TensorInfo[] = [];
    const flip = (x: TensorInfo): TensorInfo => {
      const rank = x.shape.length;
      const perm = Array.from({ length: rank }, (_, i) => i);
      perm[rank - 1] = rank - 2;
      perm[rank - 2] = rank - 1;
      const out = transpose.kernelFunc({ inputs: { x }, backend: args.backend, attrs: { perm } }) as TensorInfo;
      temporary.push(out);
      return out;
    };
    const a = attrs.transposeA ? flip(inputs.a) : inputs.a;
    const b = attrs.transposeB ? flip(inputs.b) : inputs.b;
    try {
      return original.kernelFunc({ ...args, inputs: { ...args.inputs, a, b }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temporary) (args.backend as unknown as DisposingBackend).disposeData(t.dataId);
    }
  };
}

/**
 * Registers Glossa's faster kernels for `backendName` (idempotent). Today, on `wasm`: large 2-D and all batched
 * float32 `BatchMatMul`s run in Glossa's own WebAssembly SIMD kernel (gemm-wasm.ts), and the other matrix multiplies
 * with a transposed operand (`BatchMatMul`, `_FusedMatMul`) are routed to XNNPACK, which makes every
 * gradient step several times faster; `Sum` over leading axes skips its transpose; `Identity` shares its
 * input's memory instead of copying it. The runtimes call this after choosing a backend; it changes speed, never results beyond float rounding.
 *
 * @param backendName - The backend just initialised (e.g. `'wasm'`).
 * @returns The kernel names that were replaced.
 * @example
 * ```ts
 * await setBackend('wasm');
 * registerGlossaKernels('wasm');
 * ```
 */
export function registerGlossaKernels(backendName: string): string[] {
  if (backendName !== 'wasm') return [];
  const replaced: string[] = [];
  const replacements: Array<[string, (original: KernelConfig) => KernelFunc]> = [
    ['BatchMatMul', wrapBatchMatMul],
    ['_FusedMatMul', wrapBatchMatMul],
    ['Sum', leadingAxesSum],
    ['Identity', sharedIdentity],
  ];
  for (const [kernelName, wrap] of replacements) {
    const key = `${kernelName}/${backendName}`;
    if (patched.has(key)) continue;
    const original = getKernel(kernelName, backendName);
    if (!original) continue;
    unregisterKernel(kernelName, backendName);
    registerKernel({ ...original, kernelFunc: wrap(original) });
    patched.add(key);
    replaced.push(kernelName);
  }
  return replaced;
}

/**
 * tfjs-backend-wasm's `Sum` over leading axes (a bias's gradient: `[rows, cols]` summed over the rows) transposes
 * its input and then adds each column in order; this computes the same float32 sums row by row in Glossa's kernel
 * on tfjs-wasm's memory, without the transpose (6.5 MB for an LSTM's input projection at full length). Other
 * reductions, dtypes, or no kernel: tfjs's.
 */
function leadingAxesSum(original: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims = false } = args.attrs as { axis: number | number[]; keepDims?: boolean };
    const rank = x.shape.length;
    // In the order given: tfjs moves the reduced axes to the end in that order, which sets the order of the sum.
    const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return original.kernelFunc(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const heap = wasmHeapOf(backend);
    const kernel = heap && heapKernel(heap);
    if (!heap || !kernel) return original.kernelFunc(args);
    const rows = x.shape.slice(0, axes.length).reduce((p, q) => p * q, 1);
    const kept = x.shape.slice(axes.length);
    const cols = kept.reduce((p, q) => p * q, 1);
    const out = backend.makeOutput(keepDims ? [...axes.map(() => 1), ...kept] : kept, 'float32');
    kernel.sumRows(heap.offsetOf(x), rows, cols, heap.offsetOf(out));
    return out;
  };
}

/**
 * tfjs-backend-wasm's `Identity` copies its input into new memory; tfjs calls it to keep every tensor an op saves
 * for its gradient (`Engine.clone`), so each training step copied the inputs of every matrix product — a
 * CNN's windows alone are 7.7 MB a step at full length. Tensors are immutable and no wasm kernel writes into
 * its inputs, so this one shares the input's memory and counts one more reference to it, as the cpu backend's
 * does. Falls back to the copy on a backend without reference counts.
 */
function sharedIdentity(original: KernelConfig): KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as { incRef?: (dataId: object) => void };
    const { x } = args.inputs as { x: TensorInfo };
    if (typeof backend.incRef !== 'function' || x.dtype === 'string') return original.kernelFunc(args);
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
