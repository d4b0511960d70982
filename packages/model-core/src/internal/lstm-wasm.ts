/**
 * Loads and drives the WebAssembly SIMD LSTM forward kernel (assembly/lstm.ts): the whole recurrence of a
 * batch — per step the packed `h · U` of the live rows (4-row register tiles) and the gate arithmetic with
 * a vectorised `exp` — in one call, reading each step's input projection straight from a table by token id.
 *
 * The module is ~8 KB and compiled synchronously the first time it is needed. Where WebAssembly or its SIMD
 * extension is missing (old browsers, some sandboxes), {@link createLstmKernel} returns `undefined` and the
 * caller keeps the JavaScript path.
 */
import { WASM_KERNELS_FLAG, flagOn } from './flag-state.js';
import { sumInitialGradients } from './recurrent.js';
import { LSTM_WASM_BASE64 } from './lstm-wasm.generated.js';

interface KernelExports {
  lstmForward(
    table: number,
    ids: number,
    u: number,
    h: number,
    c: number,
    rec: number,
    live: number,
    init: number,
    batch: number,
    time: number,
    units: number,
  ): void;
  lstmForwardTrain(
    table: number,
    ids: number,
    u: number,
    h: number,
    c: number,
    rec: number,
    live: number,
    gates: number,
    cPrev: number,
    cNew: number,
    hPrev: number,
    init: number,
    batch: number,
    time: number,
    units: number,
  ): void;
  lstmBackward(
    ids: number,
    u: number,
    gates: number,
    cPrev: number,
    cNew: number,
    dh: number,
    dc: number,
    dxw: number,
    dz: number,
    live: number,
    init: number,
    batch: number,
    time: number,
    units: number,
  ): void;
}

/** The parts of the WebAssembly JS API used here (typed locally: model-core is built without DOM or Node types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}

const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;
/** Whether the kernel module compiles here (WebAssembly with SIMD). */
export function wasmKernelsCompile(): boolean {
  return module() !== null;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The compiled module, or null when this platform cannot compile it. */
function module(): object | null {
  if (compiled === undefined) {
    try {
      compiled = wasmApi ? new wasmApi.Module(decodeBase64(LSTM_WASM_BASE64)) : null;
    } catch {
      compiled = null; // no SIMD support: the JavaScript path runs instead
    }
  }
  return compiled;
}

const PAGE = 65_536;

/** Bytes rounded up to 16. */
function align(bytes: number): number {
  return (bytes + 15) & ~15;
}

/**
 * One kernel instance with its own memory, holding one model's recurrent kernel and input table.
 */
export interface LstmKernel {
  /**
   * Sets the weights: `table` ([rows, 4H]; row 0 unused — id 0 is padding), `u` ([H, 4H]) and, for a
   * learned initial state, `init` ([2H]: h₀ then c₀). Copies them into the kernel's memory.
   */
  setWeights(table: Float32Array, u: Float32Array, units: number, init?: Float32Array): void;
  /** Last hidden states ([batch, H]) for ids ([batch, time], 0 = masked step) into the current table. */
  forward(ids: Int32Array, batch: number, time: number): Float32Array;
}

/**
 * A kernel instance, or `undefined` when WebAssembly SIMD is not available here (or `units` is not a
 * multiple of 4, which the vector code needs).
 */
export function createLstmKernel(units: number): LstmKernel | undefined {
  const mod = units % 4 === 0 ? module() : null;
  if (!mod) return undefined;
  const memory = new wasmApi!.Memory({ initial: 1 });
  const exports = new wasmApi!.Instance(mod, { env: { memory } }).exports as unknown as KernelExports;
  let H = units;
  let weightsEnd = 0; // bytes used by u + table (+ init)
  let uPtr = 0;
  let tablePtr = 0;
  let initPtr = 0; // 0: zero initial state

  const ensure = (bytes: number): void => {
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
  };

  return {
    setWeights(table, u, unitCount, init) {
      H = unitCount;
      uPtr = 0;
      tablePtr = align(u.byteLength);
      initPtr = init ? align(tablePtr + table.byteLength) : 0;
      weightsEnd = align(init ? initPtr + init.byteLength : tablePtr + table.byteLength);
      ensure(weightsEnd);
      new Float32Array(memory.buffer, uPtr, u.length).set(u);
      new Float32Array(memory.buffer, tablePtr, table.length).set(table);
      if (init) new Float32Array(memory.buffer, initPtr, init.length).set(init);
    },
    forward(ids, batch, time) {
      const G = 4 * H;
      const idsPtr = weightsEnd;
      const hPtr = align(idsPtr + ids.byteLength);
      const cPtr = align(hPtr + batch * H * 4);
      const recPtr = align(cPtr + batch * H * 4);
      const livePtr = align(recPtr + batch * G * 4);
      ensure(livePtr + batch * 4);
      new Int32Array(memory.buffer, idsPtr, ids.length).set(ids);
      exports.lstmForward(tablePtr, idsPtr, uPtr, hPtr, cPtr, recPtr, livePtr, initPtr, batch, time, H);
      return new Float32Array(memory.buffer, hPtr, batch * H).slice();
    },
  };
}

/** What the training forward records for backpropagation (layout of fused-lstm.ts's `Trace`). */
export interface LstmTrace {
  gates: Float32Array; // [T][B][4H]
  cPrev: Float32Array; // [T][B][H]
  cNew: Float32Array; // [T][B][H]
  hPrev: Float32Array; // [B][T][H]
}

/** The training recurrence (forward with trace, and backward) in WebAssembly SIMD. */
export interface LstmTrainKernel {
  /**
   * Last hidden states and the trace, for `xw` ([B, T, 4H]) under `live` ([B, T], 0 = masked step), from a
   * zero state or the learned initial state `init` ([2H]: h₀ then c₀).
   */
  forward(
    xw: Float32Array,
    live: ArrayLike<number> | undefined,
    u: Float32Array,
    batch: number,
    time: number,
    units: number,
    init?: Float32Array,
  ): { h: Float32Array; trace: LstmTrace };
  /**
   * dXW ([B, T, 4H]) from the gradient of the last hidden state; with `init`, also the gradients of the
   * initial state summed over the rows (`dInit`, [2H]: h₀ then c₀).
   */
  backward(
    dhLast: Float32Array,
    trace: LstmTrace,
    live: ArrayLike<number> | undefined,
    u: Float32Array,
    batch: number,
    time: number,
    units: number,
    init?: boolean,
  ): { dxw: Float32Array; dInit?: Float32Array };
}

/** Lays out arrays one after another (16-byte aligned) from offset 0; returns their byte offsets. */
function layout(sizes: number[]): { offsets: number[]; end: number } {
  const offsets: number[] = [];
  let at = 0;
  for (const bytes of sizes) {
    offsets.push(at);
    at = align(at + bytes);
  }
  return { offsets, end: at };
}

let trainKernel: LstmTrainKernel | null | undefined;

/**
 * The shared training kernel, or `undefined` when WebAssembly SIMD is not available here. (`units` must be
 * a multiple of 4; callers check.)
 */
export function lstmTrainKernel(): LstmTrainKernel | undefined {
  if (trainKernel === undefined) {
    const mod = module();
    if (!mod) {
      trainKernel = null;
    } else {
      const memory = new wasmApi!.Memory({ initial: 1 });
      const exports = new wasmApi!.Instance(mod, { env: { memory } }).exports as unknown as KernelExports;
      const ensure = (bytes: number): void => {
        const have = memory.buffer.byteLength;
        if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
      };
      const f32 = (offset: number, length: number): Float32Array => new Float32Array(memory.buffer, offset, length);
      /** ids[b, t] = position + 1 for live steps (row of the table [zero row; xw]), 0 for masked ones. */
      const stepIds = (live: ArrayLike<number> | undefined, n: number, offset: number): void => {
        const ids = new Int32Array(memory.buffer, offset, n);
        for (let p = 0; p < n; p++) ids[p] = live === undefined || live[p] !== 0 ? p + 1 : 0;
      };
      trainKernel = {
        forward(xw, live, u, batch, time, H, init) {
          const G = 4 * H;
          const n = batch * time;
          const { offsets, end } = layout([
            u.byteLength,
            (n + 1) * G * 4,
            n * 4,
            batch * H * 4,
            batch * H * 4,
            batch * G * 4,
            batch * 4,
            n * G * 4,
            n * H * 4,
            n * H * 4,
            n * H * 4,
            2 * H * 4,
          ]);
          const [uP, tableP, idsP, hP, cP, recP, liveP, gatesP, cPrevP, cNewP, hPrevP, initP] = offsets as [
            number,
            number,
            number,
            number,
            number,
            number,
            number,
            number,
            number,
            number,
            number,
            number,
          ];
          ensure(end);
          f32(uP, u.length).set(u);
          f32(tableP, G).fill(0);
          f32(tableP + G * 4, xw.length).set(xw);
          if (init) f32(initP, 2 * H).set(init);
          stepIds(live, n, idsP);
          exports.lstmForwardTrain(tableP, idsP, uP, hP, cP, recP, liveP, gatesP, cPrevP, cNewP, hPrevP, init ? initP : 0, batch, time, H);
          return {
            h: f32(hP, batch * H).slice(),
            trace: { gates: f32(gatesP, n * G).slice(), cPrev: f32(cPrevP, n * H).slice(), cNew: f32(cNewP, n * H).slice(), hPrev: f32(hPrevP, n * H).slice() },
          };
        },
        backward(dhLast, trace, live, u, batch, time, H, init) {
          const G = 4 * H;
          const n = batch * time;
          const { offsets, end } = layout([
            u.byteLength,
            n * 4,
            n * G * 4,
            n * H * 4,
            n * H * 4,
            batch * H * 4,
            batch * H * 4,
            n * G * 4,
            batch * G * 4,
            batch * 4,
          ]);
          const [uP, idsP, gatesP, cPrevP, cNewP, dhP, dcP, dxwP, dzP, liveP] = offsets as [
            number,
            number,
            number,
            number,
            number,
            number,
            number,
            number,
            number,
            number,
          ];
          ensure(end);
          f32(uP, u.length).set(u);
          stepIds(live, n, idsP);
          f32(gatesP, n * G).set(trace.gates);
          f32(cPrevP, n * H).set(trace.cPrev);
          f32(cNewP, n * H).set(trace.cNew);
          f32(dhP, batch * H).set(dhLast);
          exports.lstmBackward(idsP, uP, gatesP, cPrevP, cNewP, dhP, dcP, dxwP, dzP, liveP, init ? 1 : 0, batch, time, H);
          const dxw = f32(dxwP, n * G).slice();
          if (!init) return { dxw };
          return { dxw, dInit: sumInitialGradients(f32(dhP, batch * H), f32(dcP, batch * H), batch, H) };
        },
      };
    }
  }
  return flagOn(WASM_KERNELS_FLAG) ? (trainKernel ?? undefined) : undefined;
}
