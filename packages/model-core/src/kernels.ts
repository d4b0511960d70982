import { type KernelConfig, type KernelFunc, type TensorInfo, getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';

interface DisposingBackend {
  disposeData(dataId: object): void;
}

const patched = new Set<string>();

/**
 * tfjs-backend-wasm multiplies matrices with XNNPACK only when neither operand is transposed; a transposed
 * operand (every matmul gradient: dX = dY·Wᵀ, dW = Xᵀ·dY) falls back to a scalar blocked loop about 10×
 * slower. This wrapper transposes such operands explicitly (a cheap copy) and calls the XNNPACK path.
 */
function wrapBatchMatMul(original: KernelConfig): KernelFunc {
  return (args) => {
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
 * Registers Glossa's faster kernels for `backendName` (idempotent). Today: on `wasm`, matrix multiplies
 * with a transposed operand (`BatchMatMul`, `_FusedMatMul`) are routed to XNNPACK, which makes every
 * gradient step several times faster. The runtimes call this after choosing a backend; it changes speed,
 * never results beyond float rounding.
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
  for (const kernelName of ['BatchMatMul', '_FusedMatMul']) {
    const key = `${kernelName}/${backendName}`;
    if (patched.has(key)) continue;
    const original = getKernel(kernelName, backendName);
    if (!original) continue;
    unregisterKernel(kernelName, backendName);
    registerKernel({ ...original, kernelFunc: wrapBatchMatMul(original) });
    patched.add(key);
    replaced.push(kernelName);
  }
  return replaced;
}
