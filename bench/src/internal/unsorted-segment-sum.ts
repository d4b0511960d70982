import { getKernel, type KernelBackend, type NamedAttrMap, type TensorInfo, registerKernel, unregisterKernel, util } from '@tensorflow/tfjs-core';

/**
 * The parts of the cpu (`MathBackendCPU`) and wasm (`BackendWasm`) backends this kernel uses. Both have
 * `readSync`; cpu creates outputs with `makeTensorInfo(shape, dtype, values)`, wasm (which has no
 * `makeTensorInfo`) with `makeOutput(shape, dtype, memoryOffset, values)` (values are copied into the heap).
 */
interface WritableBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo?(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  makeOutput?(shape: number[], dtype: 'float32', memoryOffset: undefined, values: Float32Array): TensorInfo;
}

/**
 * Sums rows of `x` into `numSegments` rows by `segmentIds` (tfjs's `UnsortedSegmentSum`), one pass in plain JS.
 * It is the only kernel stock tfjs needs for `Embedding`'s gradient (`gather`'s gradient): wasm lacks it and
 * cpu's implementation builds one mask per segment (minutes a step for 20,000 rows).
 */
function unsortedSegmentSum(args: { inputs: Record<string, TensorInfo>; backend: KernelBackend; attrs?: NamedAttrMap }): TensorInfo {
  const backend = args.backend as unknown as WritableBackend;
  const x = args.inputs.x!;
  const ids = args.inputs.segmentIds!;
  const numSegments = Number(args.attrs?.numSegments);
  const values = backend.readSync(x.dataId);
  const segmentIds = backend.readSync(ids.dataId);
  const rows = segmentIds.length;
  const inner = rows === 0 ? 0 : util.sizeFromShape(x.shape) / rows;
  const out = new Float32Array(numSegments * inner);
  for (let r = 0; r < rows; r++) {
    const s = segmentIds[r]!;
    if (s < 0 || s >= numSegments) continue;
    const src = r * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j]! += values[src + j]!;
  }
  const shape = [numSegments, ...x.shape.slice(ids.shape.length)];
  // cpu also has a `makeOutput`, with another signature (values first, returns a Tensor): try cpu's API first.
  if (backend.makeTensorInfo) return backend.makeTensorInfo(shape, 'float32', out);
  if (backend.makeOutput) return backend.makeOutput(shape, 'float32', undefined, out);
  throw new Error('UnsortedSegmentSum: the backend has neither makeOutput nor makeTensorInfo.');
}

/**
 * Registers the plain-JS `UnsortedSegmentSum` for `backendName`, replacing the backend's own if any. The
 * minimum stock tfjs needs to train an `Embedding` at a 20,000-word vocabulary at all.
 *
 * @param backendName - `wasm` or `cpu`
 * @returns whether the backend had its own kernel before
 */
export function registerStockUnsortedSegmentSum(backendName: string): boolean {
  const had = getKernel('UnsortedSegmentSum', backendName) !== undefined;
  if (had) unregisterKernel('UnsortedSegmentSum', backendName);
  registerKernel({ kernelName: 'UnsortedSegmentSum', backendName, kernelFunc: unsortedSegmentSum as never });
  return had;
}
