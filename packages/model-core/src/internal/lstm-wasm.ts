/**
 * Loads and drives the WebAssembly SIMD LSTM kernels (assembly/lstm.ts): the whole recurrence of a batch —
 * per step the packed `h · U` of the live rows (register tiles over a packed copy of U) and the gate
 * arithmetic with a vectorised `exp` — in one call, reading each step's input projection straight from a
 * table by token id; and, for training, backpropagation through time from the trace the forward pass leaves
 * in its arena (on tfjs-wasm's own memory where the wasm backend is active: see {@link lstmTrainKernel}).
 *
 * The module is ~8 KB and compiled synchronously the first time it is needed (wasm-module.ts). Where
 * WebAssembly or its SIMD extension is missing (old browsers, some sandboxes), {@link createLstmKernel} and
 * {@link lstmTrainKernel} return `undefined` and the caller keeps the JavaScript path.
 */
import { LSTM_RELAXED_WASM_BASE64, LSTM_WASM_BASE64 } from './lstm-wasm.generated.js';
import { sumInitialGradients } from './recurrent.js';
import { arenaDriverOf } from './tensor-memory.js';
import {
  type ArenaSource,
  type KernelArena,
  compileKernel,
  copyOut,
  gradientPlace,
  heldArena,
  i32View,
  inPlaceTable,
  instantiateKernel,
  layout,
  loadInputTable,
} from './wasm-module.js';

interface KernelExports {
  packRecurrent(u: number, upk: number, units: number): void;
  packTransposed(u: number, ut: number, units: number): void;
  lstmForward(
    table: number,
    ids: number,
    upk: number,
    h: number,
    c: number,
    rec: number,
    live: number,
    hpk: number,
    init: number,
    initStride: number,
    batch: number,
    time: number,
    units: number,
  ): void;
  lstmForwardTrain(
    table: number,
    ids: number,
    upk: number,
    h: number,
    c: number,
    rec: number,
    live: number,
    hpk: number,
    gates: number,
    cPrev: number,
    tanhC: number,
    hPrev: number,
    init: number,
    initStride: number,
    batch: number,
    time: number,
    units: number,
  ): void;
  lstmBackward(
    ids: number,
    ut: number,
    gates: number,
    cPrev: number,
    tanhC: number,
    dh: number,
    dc: number,
    dxw: number,
    dz: number,
    part: number,
    live: number,
    init: number,
    batch: number,
    time: number,
    units: number,
  ): void;
}

/** The compiled module (its relaxed-SIMD build where that runs), or null when this platform cannot compile it. */
function module(): object | null {
  return compileKernel(LSTM_WASM_BASE64, LSTM_RELAXED_WASM_BASE64);
}

/** Whether the kernel module compiles here (WebAssembly with SIMD). */
export function wasmKernelsCompile(): boolean {
  return module() !== null;
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
  /**
   * Last hidden states ([batch, H]) for ids ([batch, time], 0 = masked step) into the current table. With
   * `starts` ([batch, 2H]: each row's h₀ then c₀), every row starts from its own state instead (the padded
   * start of `initialState: 'padded'`).
   */
  forward(ids: Int32Array, batch: number, time: number, starts?: Float32Array): Float32Array;
}

/**
 * A kernel instance, or `undefined` when WebAssembly SIMD is not available here (or `units` is not a
 * multiple of 4, which the vector code needs).
 */
export function createLstmKernel(units: number): LstmKernel | undefined {
  const mod = units % 4 === 0 ? module() : null;
  if (!mod) return undefined;
  const kernel = instantiateKernel<KernelExports>(mod);
  let H = units;
  let weights = { upk: 0, table: 0, init: 0 };
  let weightsEnd = 0;
  let hasInit = false;
  return {
    setWeights(table, u, unitCount, init) {
      H = unitCount;
      const placed = layout({ upk: u.byteLength, table: table.byteLength, init: init ? init.byteLength : 0 });
      const raw = placed.end; // U before packing, in the space the batches use later
      weights = placed.at;
      weightsEnd = placed.end;
      hasInit = init !== undefined;
      kernel.ensure(raw + u.byteLength);
      kernel.f32(raw, u.length).set(u);
      kernel.exports.packRecurrent(raw, weights.upk, H);
      kernel.f32(weights.table, table.length).set(table);
      if (init) kernel.f32(weights.init, init.length).set(init);
    },
    forward(ids, batch, time, starts) {
      const G = 4 * H;
      const { at, end } = layout(
        {
          ids: ids.byteLength,
          h: batch * H * 4,
          c: batch * H * 4,
          rec: batch * G * 4,
          live: batch * 4,
          hpk: 4 * H * 4,
          starts: starts ? starts.byteLength : 0,
        },
        weightsEnd,
      );
      kernel.ensure(end);
      i32View(kernel, at.ids, ids.length).set(ids);
      if (starts) kernel.f32(at.starts, starts.length).set(starts);
      const init = starts ? at.starts : hasInit ? weights.init : 0;
      kernel.exports.lstmForward(weights.table, at.ids, weights.upk, at.h, at.c, at.rec, at.live, at.hpk, init, starts ? 2 * H : 0, batch, time, H);
      return kernel.f32(at.h, batch * H).slice();
    },
  };
}

/**
 * What the training forward leaves for backpropagation: the kernel arena holding the recorded gates and states
 * (it serves no other call until {@link LstmTrainKernel.backward} has run).
 */
export interface LstmTrace {
  /** Internal: the arena and where the forward pass put its arrays. */
  readonly state: TraceState;
}

interface TraceState {
  arena: KernelArena<KernelExports> | undefined; // undefined once backward has run
  /** Whether xw was copied into the arena's table (else read where it lay). */
  copied: boolean;
  at: Record<
    'u' | 'upk' | 'table' | 'ids' | 'h' | 'c' | 'rec' | 'live' | 'hpk' | 'gates' | 'cPrev' | 'tanhC' | 'hPrev' | 'init' | 'ut' | 'dh' | 'dc' | 'dz' | 'part',
    number
  >;
  batch: number;
  time: number;
  units: number;
  init: 'none' | 'shared' | 'per-row';
}

/** The training recurrence (forward with trace, and backward) in WebAssembly SIMD. */
export interface LstmTrainKernel {
  /**
   * Last hidden states and the trace, for `xw` ([B, T, 4H]) under `live` ([B, T], 0 = masked step), with the
   * recurrent kernel `u` ([H, 4H]), from a zero state, the learned initial state `init` ([2H]: h₀ then c₀),
   * or, with `perRow`, each row's own initial state (`init` [B, 2H]: row b's h₀ then c₀).
   */
  forward(
    xw: Float32Array,
    live: ArrayLike<number> | undefined,
    u: Float32Array,
    batch: number,
    time: number,
    units: number,
    init?: Float32Array,
    perRow?: boolean,
  ): { h: Float32Array; trace: LstmTrace };
  /**
   * From the gradient of the last hidden state ([B, H]): dXW ([B, T, 4H]), the hidden state before each step
   * (`hPrev`, [B·T, H], 0 at masked steps: dU = hPrevᵀ · dXW) and, with a learned initial state, its gradient
   * summed over the rows (`dInit`, [2H]: h₀ then c₀), with per-row initial states each row's (`dInit`,
   * [B, 2H]). Runs once per trace. With `into`, dXW and `hPrev` are written into its arrays (e.g. the memory
   * of the tensors they become) and those are returned; else into new arrays.
   */
  backward(
    dhLast: Float32Array,
    trace: LstmTrace,
    into?: { dxw: Float32Array; hPrev: Float32Array },
  ): { dxw: Float32Array; hPrev: Float32Array; dInit?: Float32Array };
}

/**
 * Per-row states `[B, 2H]` (row b: its h then its c) from `h` and `c` ([B, H] each): the layout of per-row
 * initial states and of their gradients.
 *
 * @param h - [B, H].
 * @param c - [B, H].
 * @param batch - B.
 * @param H - Units.
 * @returns [B, 2H].
 */
export function interleaveStates(h: Float32Array, c: Float32Array, batch: number, H: number): Float32Array {
  const out = new Float32Array(2 * batch * H);
  for (let b = 0; b < batch; b++) {
    out.set(h.subarray(b * H, (b + 1) * H), 2 * b * H);
    out.set(c.subarray(b * H, (b + 1) * H), (2 * b + 1) * H);
  }
  return out;
}

/**
 * The training kernel (of the module {@link compileKernel} chooses now): on tfjs-wasm's own memory where the
 * wasm backend is active (xw read and dXW written in place, no copies of either), else with a memory of its own;
 * `undefined` when WebAssembly SIMD is not available here (or the `GLOSSA_WASM_KERNELS` flag is off). `units`
 * must be a multiple of 4; callers check.
 */
export const lstmTrainKernel: () => LstmTrainKernel | undefined = arenaDriverOf<KernelExports, LstmTrainKernel>(module, createTrainKernel);

function createTrainKernel(arenas: ArenaSource<KernelExports>): LstmTrainKernel {
  return {
    forward(xw, live, u, batch, time, H, init, perRow = false) {
      const G = 4 * H;
      const n = batch * time;
      // xw is read where it lies when it is in the kernel's memory (a tfjs-wasm tensor): the table [zero row; xw]
      // then starts a row before it, and its row 0, never read, is whatever lies there.
      const inPlace = inPlaceTable(arenas, xw, G);
      // Sized for the backward pass too, so the memory does not grow (and views stay valid) in between. The
      // table ([zero row; xw]), when copied here, is dead after the forward pass: dXW may reuse its space.
      const { at, end } = layout({
        u: u.byteLength,
        upk: u.byteLength,
        table: inPlace === undefined ? (n + 1) * G * 4 : 0,
        ids: n * 4,
        h: batch * H * 4,
        c: batch * H * 4,
        rec: batch * G * 4,
        live: batch * 4,
        hpk: 4 * H * 4,
        gates: n * G * 4,
        cPrev: n * H * 4,
        tanhC: n * H * 4,
        hPrev: n * H * 4,
        init: (perRow ? batch : 1) * 2 * H * 4,
        ut: Math.ceil(H / 8) * 8 * G * 4,
        dh: batch * H * 4,
        dc: batch * H * 4,
        dz: (batch + 3) * G * 4,
        part: 256 * 4,
      });
      const arena = arenas.take(end);
      for (const name of Object.keys(at) as Array<keyof typeof at>) at[name] += arena.base;
      arena.f32(at.u, u.length).set(u);
      arena.exports.packRecurrent(at.u, at.upk, H);
      const table = inPlace ?? at.table;
      if (init) arena.f32(at.init, init.length).set(init);
      loadInputTable(arena, table, inPlace === undefined, xw, G, live, at.ids, n);
      arena.exports.lstmForwardTrain(
        table,
        at.ids,
        at.upk,
        at.h,
        at.c,
        at.rec,
        at.live,
        at.hpk,
        at.gates,
        at.cPrev,
        at.tanhC,
        at.hPrev,
        init ? at.init : 0,
        perRow ? 2 * H : 0,
        batch,
        time,
        H,
      );
      const start = init === undefined ? 'none' : perRow ? 'per-row' : 'shared';
      return { h: arena.f32(at.h, batch * H).slice(), trace: { state: { arena, at, copied: inPlace === undefined, batch, time, units: H, init: start } } };
    },
    backward(dhLast, trace, into) {
      const { at, copied, batch, time, units: H, init } = trace.state;
      const arena = heldArena(trace.state.arena, 'lstmTrainKernel');
      const n = batch * time;
      const G = 4 * H;
      arena.f32(at.dh, batch * H).set(dhLast);
      const dxw = gradientPlace(arenas, arena, into?.dxw, copied ? at.table : undefined, n * G);
      arena.exports.packTransposed(at.u, at.ut, H);
      arena.exports.lstmBackward(
        at.ids,
        at.ut,
        at.gates,
        at.cPrev,
        at.tanhC,
        at.dh,
        at.dc,
        dxw.at,
        at.dz,
        at.part,
        at.live,
        init === 'none' ? 0 : 1,
        batch,
        time,
        H,
      );
      const dh = arena.f32(at.dh, batch * H);
      const dc = arena.f32(at.dc, batch * H);
      const result = {
        dxw: dxw.result(),
        hPrev: copyOut(arena.f32(at.hPrev, n * H), into?.hPrev),
        ...(init === 'shared' ? { dInit: sumInitialGradients(dh, dc, batch, H) } : init === 'per-row' ? { dInit: interleaveStates(dh, dc, batch, H) } : {}),
      };
      trace.state.arena = undefined;
      arena.release();
      return result;
    },
  };
}
