/**
 * Tensor values without copies where tfjs keeps them in WebAssembly memory. tfjs-backend-wasm's `dataSync`
 * copies a tensor out of its memory into a new array, and `tensor(values)` copies an array in: for a training
 * step's large tensors (the 20,000 × 64 embedding table and its gradient, the LSTM's input projection and its
 * gradient, the CNN's windows) those copies, and the garbage they leave, were a fifth to a third of a
 * full-length bow step. Here they are read and written in place in tfjs-wasm's memory; on every other backend
 * through ordinary arrays (`dataSync`, `tensor`), with the same values.
 */
import { type ArenaSource, type KernelArena, type WasmMemory, align, driverOf, exportsOn, poolArenas } from './wasm-module.js';
import { type Tensor, type TensorInfo, backend, engine, getBackend, tensor, util } from '@tensorflow/tfjs-core';

/** A tensor's values as a typed array. */
export type TensorValues = Float32Array | Int32Array | Uint8Array;

/** The parts of tfjs-backend-wasm 4.22's backend used here (and by kernels.ts's matrix product). */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): TensorValues;
  disposeData(dataId: object): void;
  dataIdMap: { has(dataId: object): boolean };
}

/** What a kernel module needs to run on tfjs-wasm's own memory: {@link wasmHeapOf}. */
export interface WasmHeap {
  /** The backend whose memory this is. */
  backend: WasmHeapBackend;
  /** tfjs-wasm's memory, for a kernel module to import as its `env.memory`. */
  memory: WasmMemory;
  /** Allocates `bytes` in it (tfjs's allocator; may grow the memory); returns the byte offset. */
  malloc(bytes: number): number;
  /** Frees what {@link WasmHeap.malloc} gave. */
  free(offset: number): void;
  /** The byte offset of a tensor's values. */
  offsetOf(info: TensorInfo): number;
}

interface EmscriptenModule {
  asm?: { memory?: WasmMemory };
  wasmMemory?: WasmMemory;
  _malloc?: (bytes: number) => number;
  _free?: (offset: number) => void;
}

/**
 * tfjs-backend-wasm's memory and allocator, where a kernel module can share them: the single-threaded build
 * (a growable, unshared memory). Undefined for the multi-threaded build (shared memory, which a module must
 * declare shared to import) or a backend without these internals.
 *
 * @param b - The wasm backend.
 * @returns Its heap, or undefined.
 */
export function wasmHeapOf(b: WasmHeapBackend): WasmHeap | undefined {
  const wasm = (b as unknown as { wasm?: EmscriptenModule }).wasm;
  const memory = wasm?.asm?.memory ?? wasm?.wasmMemory;
  const map = b.dataIdMap as unknown as { get?(dataId: object): { memoryOffset?: number } | undefined };
  if (!wasm || !memory || typeof wasm._malloc !== 'function' || typeof wasm._free !== 'function' || typeof map.get !== 'function') return undefined;
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return undefined;
  const malloc = wasm._malloc;
  const free = wasm._free;
  return {
    backend: b,
    memory,
    malloc: (bytes) => malloc(bytes) >>> 0,
    free: (offset) => free(offset),
    offsetOf: (info) => {
      const offset = map.get!(info.dataId)?.memoryOffset;
      if (typeof offset !== 'number') throw new Error('wasmHeapOf: a tensor without a place in tfjs-wasm memory.');
      return offset >>> 0;
    },
  };
}

/** The active backend's heap ({@link wasmHeapOf}), or undefined. */
export function activeWasmHeap(): WasmHeap | undefined {
  const backend = wasmHeapBackend();
  return backend && wasmHeapOf(backend);
}

/**
 * A float32 tensor of `shape` made in `heap`'s memory and filled by `write` from its byte offset (a kernel on
 * that memory writes every element; the memory is not cleared). Freed again if `write` throws.
 *
 * @param heap - The active backend's heap.
 * @param shape - The tensor's shape.
 * @param write - Fills the values at the given byte offset.
 * @returns The tensor.
 */
export function heapTensor(heap: WasmHeap, shape: number[], write: (offset: number) => void): Tensor {
  return heapTensors(heap, [shape], ([offset]) => write(offset!))[0]!;
}

/**
 * Float32 tensors of `shapes` made in `heap`'s memory and filled by `write` from their byte offsets, as
 * {@link heapTensor} makes one.
 *
 * @param heap - The active backend's heap.
 * @param shapes - The tensors' shapes.
 * @param write - Fills the values at the given byte offsets (in the order of `shapes`).
 * @returns The tensors, in the order of `shapes`.
 */
export function heapTensors(heap: WasmHeap, shapes: readonly number[][], write: (offsets: number[]) => void): Tensor[] {
  const infos = shapes.map((shape) => heap.backend.makeOutput([...shape], 'float32'));
  try {
    write(infos.map((info) => heap.offsetOf(info)));
  } catch (error) {
    for (const info of infos) heap.backend.disposeData(info.dataId);
    throw error;
  }
  return infos.map((info) => engine().makeTensorFromTensorInfo(info));
}

/**
 * Runs `use` with `bytes` of scratch memory taken from `heap`'s allocator, starting on a 16-byte boundary, and
 * gives the memory back afterwards (also when `use` throws).
 *
 * @param heap - The active backend's heap.
 * @param bytes - How many bytes `use` needs.
 * @param use - Gets the scratch's byte offset.
 * @returns What `use` returns.
 */
export function withScratch<T>(heap: WasmHeap, bytes: number, use: (offset: number) => T): T {
  const base = heap.malloc(bytes + 15);
  try {
    return use(align(base));
  } finally {
    heap.free(base);
  }
}

/**
 * A kernel module's driver on tfjs-wasm's memory, made once per module and memory: the getter hands `create` the
 * exports of `module()` instantiated on `heap`'s memory, or returns undefined where `module()` gives none or the
 * module cannot import that memory (see `exportsOn`).
 *
 * @param module - The compiled module now (null while the kernels are off or do not compile).
 * @param create - Makes the driver from the exports on that memory.
 * @returns The getter.
 */
export function heapDriverOf<E extends object, K>(
  module: () => object | null | undefined,
  create: (exports: E, heap: WasmHeap) => K,
): (heap: WasmHeap) => K | undefined {
  const made = new WeakMap<E, K>();
  return (heap) => {
    const mod = module();
    const e = mod ? exportsOn<E>(mod, heap.memory) : undefined;
    if (!e) return undefined;
    let driver = made.get(e);
    if (driver === undefined) {
      driver = create(e, heap);
      made.set(e, driver);
    }
    return driver;
  };
}

/** The active backend when it is tfjs-backend-wasm with the methods used here, else undefined. */
export function wasmHeapBackend(): WasmHeapBackend | undefined {
  if (getBackend() !== 'wasm') return undefined;
  const b = backend() as unknown as Partial<WasmHeapBackend>;
  return typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function' && typeof b.dataIdMap?.has === 'function'
    ? (b as WasmHeapBackend)
    : undefined;
}

/**
 * The values of `t` to read at once: on wasm a view of tfjs's memory (no copy), which stays valid only until
 * tfjs next allocates (any new tensor may grow the memory and detach it) or `t` is disposed, so read it before
 * making any tensor and never keep it; elsewhere `dataSync()`. Never write to it.
 *
 * @param t - A tensor of the active backend.
 * @returns Its values.
 */
export function peekValues(t: Tensor): TensorValues {
  const heap = wasmHeapBackend();
  return heap?.dataIdMap.has(t.dataId) ? heap.typedArrayFromHeap(t) : (t.dataSync() as TensorValues);
}

/**
 * Makes float32 tensors of `shapes` whose values `write` sets, given the values of `inputs`: on wasm it writes
 * straight into tfjs's memory (the outputs are allocated first, then the inputs' views are made, so they stay
 * valid while `write` runs) — no array is made and none copied; elsewhere it writes into new zeroed arrays the
 * tensors are then made from. On wasm the outputs' memory is not cleared: `write` must set every element, and
 * must not make tensors.
 *
 * @param shapes - The outputs' shapes.
 * @param inputs - Tensors `write` reads (as {@link peekValues} would give them).
 * @param write - Fills `outputs[i]` (row-major, `shapes[i]`) from `values[j]` of `inputs[j]`.
 * @returns The tensors, in the order of `shapes`.
 */
export function writeTensors(
  shapes: readonly number[][],
  inputs: readonly Tensor[],
  write: (outputs: Float32Array[], values: TensorValues[]) => void,
): Tensor[] {
  const heap = wasmHeapBackend();
  if (!heap || !inputs.every((t) => heap.dataIdMap.has(t.dataId))) {
    const outputs = shapes.map((s) => new Float32Array(util.sizeFromShape(s)));
    write(
      outputs,
      inputs.map((t) => t.dataSync() as TensorValues),
    );
    return outputs.map((o, i) => tensor(o, shapes[i], 'float32'));
  }
  const infos = shapes.map((s) => heap.makeOutput([...s], 'float32'));
  try {
    write(
      infos.map((info) => heap.typedArrayFromHeap(info) as Float32Array),
      inputs.map((t) => heap.typedArrayFromHeap(t)),
    );
  } catch (error) {
    for (const info of infos) heap.disposeData(info.dataId);
    throw error;
  }
  return infos.map((info) => engine().makeTensorFromTensorInfo(info));
}

/** Arenas a kernel's holders may keep on tfjs-wasm's memory at once: beyond, the oldest is released. */
const MAX_HELD_ARENAS = 4;

/**
 * Arenas on tfjs-wasm's own memory (tfjs's allocator) for a kernel module instantiated there (`exports`): the
 * kernel reads its inputs and writes its outputs in the tensors themselves. Memory a holder never releases (a
 * training forward pass whose backward pass never runs) is bounded: past {@link MAX_HELD_ARENAS} held at once,
 * the oldest is released, and its holder finds it no longer `live`.
 *
 * @param exports - The module's exports on `heap.memory`.
 * @param heap - tfjs-wasm's memory and allocator.
 * @returns The source.
 */
export function heapArenas<E>(exports: E, heap: WasmHeap): ArenaSource<E> {
  const held: Array<KernelArena<E>> = [];
  return {
    offsetOf: (values) => (values !== undefined && values.buffer === heap.memory.buffer ? values.byteOffset : undefined),
    take(bytes) {
      while (held.length >= MAX_HELD_ARENAS) held[0]!.release();
      const at = heap.malloc(bytes + 15);
      let live = true;
      const arena: KernelArena<E> = {
        exports,
        base: align(at),
        get live() {
          return live;
        },
        f32: (offset, length) => new Float32Array(heap.memory.buffer, offset, length),
        i32: (offset, length) => new Int32Array(heap.memory.buffer, offset, length),
        release() {
          if (!live) return;
          live = false;
          heap.free(at);
          held.splice(held.indexOf(arena), 1);
        },
      };
      held.push(arena);
      return arena;
    },
  };
}

/**
 * The driver getter of a kernel that keeps arenas between calls: made over arenas on tfjs-wasm's memory
 * ({@link heapArenas}) where the wasm backend is active, else over instances with memories of their own
 * (wasm-module.ts `poolArenas`, `maxIdle` kept); `undefined` while the kernels are off or the module does not
 * compile here.
 *
 * @param module - The kernel's compiled module now (its `compileKernel` call).
 * @param create - Makes the driver over an arena source.
 * @param maxIdle - Idle instances kept with memories of their own.
 * @returns The getter.
 */
export function arenaDriverOf<E extends object, K>(module: () => object | null, create: (arenas: ArenaSource<E>) => K, maxIdle = 2): () => K | undefined {
  const own = driverOf(module, (mod) => create(poolArenas<E>(mod, maxIdle)));
  const onHeap = heapDriverOf<E, K>(
    driverOf(module, (mod) => mod),
    (e, heap) => create(heapArenas(e, heap)),
  );
  return () => {
    const heap = activeWasmHeap();
    return (heap && onHeap(heap)) ?? own();
  };
}
