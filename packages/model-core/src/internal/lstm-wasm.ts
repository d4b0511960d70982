/**
 * Loads and drives the WebAssembly SIMD LSTM forward kernel (assembly/lstm.ts): the whole recurrence of a
 * batch — per step the packed `h · U` of the live rows (4-row register tiles) and the gate arithmetic with
 * a vectorised `exp` — in one call, reading each step's input projection straight from a table by token id.
 *
 * The module is 3 KB and compiled synchronously the first time it is needed. Where WebAssembly or its SIMD
 * extension is missing (old browsers, some sandboxes), {@link createLstmKernel} returns `undefined` and the
 * caller keeps the JavaScript path.
 */
import { LSTM_WASM_BASE64 } from './lstm-wasm.generated.js';

interface KernelExports {
  lstmForward(table: number, ids: number, u: number, h: number, c: number, rec: number, live: number, batch: number, time: number, units: number): void;
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
   * Sets the weights: `table` ([rows, 4H]; row 0 unused — id 0 is padding) and `u` ([H, 4H]).
   * Copies them into the kernel's memory.
   */
  setWeights(table: Float32Array, u: Float32Array, units: number): void;
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
  let weightsEnd = 0; // bytes used by u + table
  let uPtr = 0;
  let tablePtr = 0;

  const ensure = (bytes: number): void => {
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
  };

  return {
    setWeights(table, u, unitCount) {
      H = unitCount;
      uPtr = 0;
      tablePtr = align(u.byteLength);
      weightsEnd = align(tablePtr + table.byteLength);
      ensure(weightsEnd);
      new Float32Array(memory.buffer, uPtr, u.length).set(u);
      new Float32Array(memory.buffer, tablePtr, table.length).set(table);
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
      exports.lstmForward(tablePtr, idsPtr, uPtr, hPtr, cPtr, recPtr, livePtr, batch, time, H);
      return new Float32Array(memory.buffer, hPtr, batch * H).slice();
    },
  };
}
