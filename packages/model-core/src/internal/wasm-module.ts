/**
 * What Glossa's own WebAssembly SIMD kernels (AssemblyScript in `assembly/`, shipped base64-encoded in
 * `src/internal/*-wasm.generated.ts`) need to run: compiling a module once (or learning that this platform
 * cannot: no WebAssembly, or no SIMD), choosing a kernel's relaxed-SIMD build where the engine has relaxed SIMD,
 * and instances that each own their memory, grown on demand and laid out by the caller in 16-byte aligned arrays.
 */
import { RELAXED_SIMD_FLAG, WASM_KERNELS_FLAG, flagOn } from './flag-state.js';

/** The parts of the WebAssembly JS API used here (typed locally: model-core is built without DOM or Node types). */
/** A WebAssembly.Memory, as much of it as the kernels use. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}

const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

const PAGE = 65_536;

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const compiled = new Map<string, object | null>();

/**
 * The smallest module that uses relaxed SIMD: one function returning `f32x4.relaxed_madd` of three splats
 * (opcode 0xfd 0x105).
 */
const RELAXED_PROBE = new Uint8Array(
  [
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version
    [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b], // types: () -> v128
    [0x03, 0x02, 0x01, 0x00], // functions: one of type 0
    [0x0a, 0x1c, 0x01, 0x1a, 0x00], // code: one body of 26 bytes, no locals
    [0x43, 0x00, 0x00, 0x80, 0x3f, 0xfd, 0x13], // f32.const 1; f32x4.splat
    [0x43, 0x00, 0x00, 0x00, 0x40, 0xfd, 0x13], // f32.const 2; f32x4.splat
    [0x43, 0x00, 0x00, 0x40, 0x40, 0xfd, 0x13], // f32.const 3; f32x4.splat
    [0xfd, 0x85, 0x02, 0x0b], // f32x4.relaxed_madd; end
  ].flat(),
);

let hasRelaxedSimd = false;

/**
 * Whether this engine validates relaxed SIMD (Chromium, Firefox and Node 22+ by default; Node 20 after
 * `--experimental-wasm-relaxed-simd`, which `@glossa/node-runtime`'s `enableRelaxedSimd` sets). A `false` is
 * not remembered, so turning the engine's flag on later takes effect.
 *
 * @returns True when relaxed-SIMD modules compile here.
 * @example
 * ```ts
 * console.log(relaxedSimdSupported());
 * ```
 */
export function relaxedSimdSupported(): boolean {
  if (!hasRelaxedSimd && wasmApi) {
    try {
      hasRelaxedSimd = wasmApi.validate(RELAXED_PROBE);
    } catch {
      hasRelaxedSimd = false;
    }
  }
  return hasRelaxedSimd;
}

/**
 * Whether a kernel with a relaxed-SIMD build runs that build now: the `GLOSSA_RELAXED_SIMD` flag on and
 * {@link relaxedSimdSupported}.
 */
export function relaxedSimdChosen(): boolean {
  return flagOn(RELAXED_SIMD_FLAG) && relaxedSimdSupported();
}

function compileOnce(base64: string): object | null {
  let mod = compiled.get(base64);
  if (mod === undefined) {
    try {
      mod = wasmApi ? new wasmApi.Module(decodeBase64(base64)) : null;
    } catch {
      mod = null; // no SIMD (or no relaxed SIMD) support: the caller's other path runs instead
    }
    compiled.set(base64, mod);
  }
  return mod;
}

/**
 * The module encoded by `base64`, compiled (synchronously) on first use and the same module after that; with
 * `relaxed` (the kernel's relaxed-SIMD build), that module instead while {@link relaxedSimdChosen}.
 *
 * @param base64 - The module's bytes, base64-encoded (a `*-wasm.generated.ts` constant).
 * @param relaxed - The relaxed-SIMD build of the same kernels, when it has one.
 * @returns The compiled module, or `null` when this platform cannot compile it (no WebAssembly, or no SIMD).
 * @example
 * ```ts
 * if (compileKernel(ADAM_WASM_BASE64)) console.log('WebAssembly SIMD kernels run here');
 * ```
 */
export function compileKernel(base64: string, relaxed?: string): object | null {
  if (relaxed !== undefined && relaxedSimdChosen()) {
    const mod = compileOnce(relaxed);
    if (mod) return mod;
  }
  return compileOnce(base64);
}

/**
 * A kernel's driver getter: `create(mod)` made once for each module `module()` returns (the plain or the
 * relaxed-SIMD build, as {@link compileKernel} chooses at the call), or `undefined` while the
 * `GLOSSA_WASM_KERNELS` flag is off or the module does not compile here.
 *
 * @param module - The kernel's compiled module now (its `compileKernel` call).
 * @param create - Makes the driver of one module.
 * @returns The getter.
 * @example
 * ```ts
 * export const gruKernel = driverOf(() => compileKernel(GRU_WASM_BASE64, GRU_RELAXED_WASM_BASE64), createKernel);
 * ```
 */
export function driverOf<K>(module: () => object | null, create: (mod: object) => K): () => K | undefined {
  const made = new WeakMap<object, K>();
  return () => {
    if (!flagOn(WASM_KERNELS_FLAG)) return undefined;
    const mod = module();
    if (!mod) return undefined;
    let driver = made.get(mod);
    if (driver === undefined) {
      driver = create(mod);
      made.set(mod, driver);
    }
    return driver;
  };
}

/** One instance of a kernel module with its own memory (the module imports `env.memory`). */
export interface KernelInstance<E> {
  /** The module's exported functions. */
  readonly exports: E;
  /** Grows the memory (never shrinks it) to at least `bytes`. Views made before a growth are detached: make them after. */
  ensure(bytes: number): void;
  /** A view of `length` floats at byte `offset` of the memory. */
  f32(offset: number, length: number): Float32Array;
}

/**
 * A new instance of a module from {@link compileKernel}, with a one-page memory of its own, or on `shared`
 * (another module's memory, e.g. tfjs-wasm's: the kernel then reads and writes tensors where they are).
 *
 * @param mod - The compiled module.
 * @param shared - A memory to run on instead of a new one.
 * @returns The instance: its exports typed as `E`, and its memory helpers.
 * @example
 * ```ts
 * const kernel = instantiateKernel<{ adamStep(...args: number[]): void }>(compileKernel(ADAM_WASM_BASE64)!);
 * kernel.ensure(1024);
 * ```
 */
export function instantiateKernel<E>(mod: object, shared?: WasmMemory): KernelInstance<E> {
  const memory = shared ?? new wasmApi!.Memory({ initial: 1 });
  const exports = new wasmApi!.Instance(mod, { env: { memory } }).exports as unknown as E;
  return {
    exports,
    ensure(bytes) {
      const have = memory.buffer.byteLength;
      if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
    },
    f32: (offset, length) => new Float32Array(memory.buffer, offset, length),
  };
}

const onMemories = new WeakMap<object, WeakMap<WasmMemory, unknown>>();

/**
 * The exports of an instance of `mod` on `memory` (another module's, e.g. tfjs-wasm's), made once per module
 * and memory; `undefined` when the module cannot import that memory (its limits differ). Only for modules
 * with no data, start or global section (tested for each), which would write to the memory they import.
 *
 * @param mod - A module from {@link compileKernel}.
 * @param memory - The memory to run on.
 * @returns The instance's exports, typed as `E`.
 */
export function exportsOn<E>(mod: object, memory: WasmMemory): E | undefined {
  let byMemory = onMemories.get(mod);
  if (!byMemory) {
    byMemory = new WeakMap();
    onMemories.set(mod, byMemory);
  }
  if (!byMemory.has(memory)) {
    let made: E | undefined;
    try {
      made = instantiateKernel<E>(mod, memory).exports;
    } catch {
      made = undefined;
    }
    byMemory.set(memory, made);
  }
  return byMemory.get(memory) as E | undefined;
}

/**
 * Bytes rounded up to 16: where the next array starts, so vector loads stay aligned.
 *
 * @param bytes - A byte count or offset.
 * @returns The next multiple of 16.
 * @example
 * ```ts
 * align(20); // 32
 * ```
 */
export function align(bytes: number): number {
  return (bytes + 15) & ~15;
}

/**
 * Lays out named arrays of the given byte sizes one after another (16-byte aligned, in the order given) from
 * byte `start`; returns each one's byte offset and the end.
 */
export function layout<K extends string>(sizes: Record<K, number>, start = 0): { at: Record<K, number>; end: number } {
  const at = {} as Record<K, number>;
  let end = align(start);
  for (const name of Object.keys(sizes) as K[]) {
    at[name] = end;
    end = align(end + sizes[name]);
  }
  return { at, end };
}

/**
 * A kernel result out of its module's memory (which the next call reuses): copied into `into` (of the same
 * length) and that returned, or into a new array.
 */
export function copyOut(view: Float32Array, into?: Float32Array): Float32Array {
  if (!into) return view.slice();
  if (into.length !== view.length) throw new Error(`copyOut: the destination holds ${into.length} values where the result has ${view.length}.`);
  into.set(view);
  return into;
}

/** A view of `length` 32-bit integers at byte `offset` of an instance's memory. */
export function i32View(kernel: KernelInstance<unknown>, offset: number, length: number): Int32Array {
  const floats = kernel.f32(offset, length);
  return new Int32Array(floats.buffer, floats.byteOffset, length);
}

/** Instances of one module kept for reuse between calls: {@link kernelPool}. */
export interface KernelPool<E> {
  /** An idle instance, or a new one. */
  take(): KernelInstance<E>;
  /** Returns an instance; kept while fewer than the pool's maximum are idle. */
  give(instance: KernelInstance<E>): void;
}

const pools = new WeakMap<object, KernelPool<unknown>>();

/**
 * The pool of instances of `mod`, one per module (made on its first call; a training trace holds an instance
 * from its forward to its backward pass, so a bidirectional layer needs two at once).
 *
 * @param mod - The compiled module.
 * @param maxIdle - Idle instances kept (taken from the first call).
 * @returns The module's pool.
 * @example
 * ```ts
 * const pool = kernelPool<Exports>(compileKernel(GRU_WASM_BASE64)!, 2);
 * const kernel = pool.take();
 * pool.give(kernel);
 * ```
 */
export function kernelPool<E>(mod: object, maxIdle: number): KernelPool<E> {
  let pool = pools.get(mod) as KernelPool<E> | undefined;
  if (!pool) {
    const idle: KernelInstance<E>[] = [];
    pool = {
      take: () => idle.pop() ?? instantiateKernel<E>(mod),
      give(instance) {
        if (idle.length < maxIdle) idle.push(instance);
      },
    };
    pools.set(mod, pool as KernelPool<unknown>);
  }
  return pool;
}

/**
 * Memory a sequence of kernel calls holds between calls (a training trace, from its forward to its backward
 * pass): from byte `base` of the memory the exports of its instance run on.
 */
export interface KernelArena<E> {
  /** The exports of the instance whose memory this is. */
  readonly exports: E;
  /** The first byte (16-byte aligned). */
  readonly base: number;
  /** False once released (by its holder, or by its source to bound what holders never release). */
  readonly live: boolean;
  /** A view of `length` floats at byte `offset` of the memory. */
  f32(offset: number, length: number): Float32Array;
  /** A view of `length` 32-bit integers at byte `offset` of the memory. */
  i32(offset: number, length: number): Int32Array;
  /** Gives the memory back (once; later calls do nothing). */
  release(): void;
}

/**
 * Where a kernel's arenas come from: an instance with a memory of its own ({@link poolArenas}), or tfjs-wasm's
 * memory (tensor-memory.ts `heapArenas`), where the kernel reads and writes tensors in place.
 */
export interface ArenaSource<E> {
  /**
   * The byte offset of `values` when they lie in the memory the arenas are in (a kernel can read or write them
   * there), else undefined. Ask before {@link ArenaSource.take}, which may move the memory.
   */
  offsetOf(values: Float32Array | undefined): number | undefined;
  /** An arena of `bytes` bytes. */
  take(bytes: number): KernelArena<E>;
}

/**
 * Arenas that are instances of `mod` with memories of their own, from its {@link kernelPool} (`maxIdle` kept).
 *
 * @param mod - The compiled module.
 * @param maxIdle - Idle instances kept.
 * @returns The source.
 */
export function poolArenas<E>(mod: object, maxIdle: number): ArenaSource<E> {
  const pool = kernelPool<E>(mod, maxIdle);
  return {
    offsetOf: () => undefined,
    take(bytes) {
      const kernel = pool.take();
      kernel.ensure(bytes);
      let live = true;
      return {
        exports: kernel.exports,
        base: 0,
        get live() {
          return live;
        },
        f32: kernel.f32,
        i32: (offset, length) => i32View(kernel, offset, length),
        release() {
          if (!live) return;
          live = false;
          pool.give(kernel);
        },
      };
    },
  };
}

/**
 * Where a recurrent kernel's input table `[zero row; xw]` (rows of `rowFloats`, read by step id) starts when xw
 * can be read where it lies, in the arenas' memory: a row before xw (row 0, never read, is whatever lies there).
 * Undefined when xw must be copied into an arena. Ask before taking the arena.
 */
export function inPlaceTable(arenas: ArenaSource<unknown>, xw: Float32Array, rowFloats: number): number | undefined {
  const at = arenas.offsetOf(xw);
  return at !== undefined && at >= rowFloats * 4 ? at - rowFloats * 4 : undefined;
}

/**
 * Loads a recurrent batch into `arena`: the input table at `table` (with `copy`, its zero row and a copy of xw
 * there; else xw already lies a row after `table`) and at `idsAt` each step's table row — position + 1 at live
 * steps, 0 at masked ones (`live` [batch · time], 0 = masked; undefined: every step live).
 */
export function loadInputTable(
  arena: KernelArena<unknown>,
  table: number,
  copy: boolean,
  xw: Float32Array,
  rowFloats: number,
  live: ArrayLike<number> | undefined,
  idsAt: number,
  n: number,
): void {
  if (copy) {
    arena.f32(table, rowFloats).fill(0);
    arena.f32(table + rowFloats * 4, xw.length).set(xw);
  }
  const ids = arena.i32(idsAt, n);
  for (let p = 0; p < n; p++) ids[p] = live === undefined || live[p] !== 0 ? p + 1 : 0;
}

/**
 * The arena a recurrent training trace holds, for its backward pass: throws (naming `kernel`) when that pass ran
 * already, or when the trace's arena was released because too many forward passes ran without theirs.
 */
export function heldArena<E>(arena: KernelArena<E> | undefined, kernel: string): KernelArena<E> {
  if (!arena) throw new Error(`${kernel}: backward ran twice on one trace (its memory serves one backward pass). Run the forward pass again.`);
  if (!arena.live) {
    throw new Error(`${kernel}: the trace of this backward pass was released (more training forward passes ran without theirs). Run the forward pass again.`);
  }
  return arena;
}

/**
 * Where a recurrent backward pass writes dXW (`floats` floats): into `into` itself when it lies in the arenas'
 * memory, else into `table` (the arena's copy of xw, dead after the forward pass) when there is one, else into
 * an arena of its own. `result` gives dXW (`into` filled, or a new array) and releases that arena.
 */
export function gradientPlace<E>(
  arenas: ArenaSource<E>,
  arena: KernelArena<E>,
  into: Float32Array | undefined,
  table: number | undefined,
  floats: number,
): { at: number; result(): Float32Array } {
  const target = arenas.offsetOf(into);
  const extra = target === undefined && table === undefined ? arenas.take(floats * 4) : undefined;
  const at = target ?? extra?.base ?? table!;
  return {
    at,
    result() {
      const out = target !== undefined ? into! : copyOut((extra ?? arena).f32(at, floats), into);
      extra?.release();
      return out;
    },
  };
}
