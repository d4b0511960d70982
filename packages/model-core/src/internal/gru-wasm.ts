/**
 * Loads and drives the WebAssembly SIMD GRU kernels (assembly/gru.ts): the whole recurrence of a batch — per
 * step `h · [Uz Ur]` and `(r ⊙ h) · Uh` of the live rows in register tiles, and the gate arithmetic with a
 * vectorised `exp` — in one call; and, for training, backpropagation through time from the trace the forward
 * pass leaves in its arena.
 *
 * Each call runs in an arena: on tfjs-wasm's own memory where the wasm backend is active (the input projection
 * read and its gradient written in the tensors themselves), else in a kernel instance with a memory of its own
 * (a small pool). A training trace holds its arena until its backward pass (e.g. the two directions of a
 * bidirectional layer: two at once). Where WebAssembly or its SIMD
 * extension is missing, or the `GLOSSA_WASM_KERNELS` flag is off, {@link gruKernel} returns `undefined` and
 * the caller keeps the JavaScript path.
 */
import { GRU_RELAXED_WASM_BASE64, GRU_WASM_BASE64 } from './gru-wasm.generated.js';
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

/** The module's exports; each function's arguments (byte offsets, then sizes) are documented in assembly/gru.ts. */
interface KernelExports {
  packPanels(u: number, stride: number, col: number, cols: number, rows: number, dst: number): void;
  packTransposedPanels(u: number, stride: number, col: number, cols: number, rows: number, dst: number): void;
  gruForward(...args: number[]): void;
  gruForwardTrain(...args: number[]): void;
  gruBackward(...args: number[]): void;
}

type Arena = KernelArena<KernelExports>;

/** What the training forward leaves for backpropagation: the instance whose memory holds the trace. */
export interface GruTrace {
  /**
   * Internal: the arena (undefined once backward has run), where the forward pass put its arrays, and whether
   * xw was copied into the arena's table (else read where it lay).
   */
  readonly state: {
    arena: Arena | undefined;
    copied: boolean;
    at: Record<'u' | 'uzr' | 'uh' | 'uzrT' | 'uhT' | 'table' | 'ids' | 'h' | 'live' | 'work' | 'z' | 'r' | 'hh' | 'hPrev' | 'rh' | 'init', number>;
    batch: number;
    time: number;
    units: number;
    init: boolean;
  };
}

/**
 * A batch for the GRU recurrence: `xw` ([B, T, 3H], the input projection incl. bias) under `live` ([B, T],
 * 0 = masked step; none = every step live), the recurrent kernel `u` ([H, 3H]), and the learned initial state
 * `init` ([H]), each row's own (`init` [B, H] with `perRow`: the padded start) or none (zero state).
 */
export interface GruBatch {
  xw: Float32Array;
  live: ArrayLike<number> | undefined;
  u: Float32Array;
  batch: number;
  time: number;
  units: number;
  init?: Float32Array | undefined;
  perRow?: boolean;
}

/** The GRU recurrence (forward, forward with trace, backward) in WebAssembly SIMD. */
export interface GruKernel {
  /** Last hidden states ([B, H]) of a batch. */
  forward(batch: GruBatch): Float32Array;
  /** {@link GruKernel.forward}, also leaving the trace for {@link GruKernel.backward}. */
  forwardTrain(batch: GruBatch): { h: Float32Array; trace: GruTrace };
  /**
   * From the gradient of the last hidden state ([B, H]): dXW ([B, T, 3H]), the hidden state before each step
   * and `r ⊙ h` (`hPrev`, `rh`, [B·T, H], 0 at masked steps: dU = [hPrevᵀ · dXW_zr, rhᵀ · dXW_h]) and, with a
   * learned or per-row initial state, each row's gradient of it (`dInit`, [B, H]). Runs once per trace. With
   * `into`, dXW, `hPrev` and `rh` are written into its arrays (e.g. the memory of the tensors they become) and
   * those are returned; else into new arrays.
   */
  backward(
    dhLast: Float32Array,
    trace: GruTrace,
    into?: { dxw: Float32Array; hPrev: Float32Array; rh: Float32Array },
  ): { dxw: Float32Array; hPrev: Float32Array; rh: Float32Array; dInit?: Float32Array };
}

/** The compiled module (its relaxed-SIMD build where that runs), or null when this platform cannot compile it. */
function module(): object | null {
  return compileKernel(GRU_WASM_BASE64, GRU_RELAXED_WASM_BASE64);
}

/**
 * The GRU kernel (of the module {@link compileKernel} chooses now): on tfjs-wasm's own memory where the wasm
 * backend is active (xw read and dXW written in place), else with a memory of its own; `undefined` when
 * WebAssembly SIMD is not available here (or the `GLOSSA_WASM_KERNELS` flag is off). `units` must be a multiple
 * of 4; callers check.
 */
export const gruKernel: () => GruKernel | undefined = arenaDriverOf<KernelExports, GruKernel>(module, createKernel);

/** Floats of H rounded up to the kernels' panel width (8). */
function padded(H: number): number {
  return Math.ceil(H / 8) * 8;
}

/** Scratch bytes of gruForward / gruForwardTrain and gruBackward (see assembly/gru.ts). */
function workBytes(H: number): number {
  const Hp = padded(H);
  return 4 * Math.max(20 * H + 4 * Hp, 12 * H + 8 * Hp);
}

/**
 * An arena with the weights packed and the batch loaded: the table `[zero row; xw]` (xw read where it lies when
 * it is in the arena's memory, a tfjs-wasm tensor: the table then starts a row before it, its row 0 never
 * read), ids (position + 1 at live steps, 0 at masked ones) and the initial state. Sized for the backward pass
 * too when `train`, so the memory does not grow (and views stay valid) in between; dXW may reuse a copied
 * table's space.
 */
function load(
  arenas: ArenaSource<KernelExports>,
  { xw, live, u, batch, time, units: H, init, perRow }: GruBatch,
  train: boolean,
): { arena: Arena; at: GruTrace['state']['at']; table: number; copied: boolean } {
  const G = 3 * H;
  const Hp = padded(H);
  const n = batch * time;
  const trace = train ? n * H * 4 : 0;
  const inPlace = inPlaceTable(arenas, xw, G);
  const { at, end } = layout({
    u: u.byteLength,
    uzr: 2 * H * H * 4,
    uh: Hp * H * 4,
    uzrT: train ? Hp * 2 * H * 4 : 0,
    uhT: train ? Hp * H * 4 : 0,
    table: inPlace === undefined ? (n + 1) * G * 4 : 0,
    ids: n * 4,
    h: batch * H * 4,
    live: batch * 4,
    work: workBytes(H),
    z: trace,
    r: trace,
    hh: trace,
    hPrev: trace,
    rh: trace,
    init: (perRow ? batch : 1) * H * 4,
  });
  const arena = arenas.take(end);
  for (const name of Object.keys(at) as Array<keyof typeof at>) at[name] += arena.base;
  arena.f32(at.u, u.length).set(u);
  arena.exports.packPanels(at.u, G, 0, 2 * H, H, at.uzr);
  arena.exports.packPanels(at.u, G, 2 * H, H, H, at.uh);
  if (init) arena.f32(at.init, init.length).set(init);
  const table = inPlace ?? at.table;
  loadInputTable(arena, table, inPlace === undefined, xw, G, live, at.ids, n);
  return { arena, at, table, copied: inPlace === undefined };
}

/** Floats between the rows' initial states: 0 (one learned state for every row) or H (each row's own). */
function initStride({ init, perRow, units }: GruBatch): number {
  return init && perRow ? units : 0;
}

function createKernel(arenas: ArenaSource<KernelExports>): GruKernel {
  return {
    forward(input) {
      const { batch, time, units: H, init } = input;
      const { arena, at, table } = load(arenas, input, false);
      arena.exports.gruForward(table, at.ids, at.uzr, at.uh, at.h, at.live, at.work, init ? at.init : 0, initStride(input), batch, time, H);
      const h = arena.f32(at.h, batch * H).slice();
      arena.release();
      return h;
    },
    forwardTrain(input) {
      const { batch, time, units: H, init } = input;
      const { arena, at, table, copied } = load(arenas, input, true);
      arena.exports.gruForwardTrain(
        table,
        at.ids,
        at.uzr,
        at.uh,
        at.h,
        at.live,
        at.work,
        at.z,
        at.r,
        at.hh,
        at.hPrev,
        at.rh,
        init ? at.init : 0,
        initStride(input),
        batch,
        time,
        H,
      );
      const h = arena.f32(at.h, batch * H).slice();
      return { h, trace: { state: { arena, copied, at, batch, time, units: H, init: init !== undefined } } };
    },
    backward(dhLast, trace, into) {
      const { copied, at, batch, time, units: H, init } = trace.state;
      const arena = heldArena(trace.state.arena, 'gruKernel');
      const n = batch * time;
      const x = arena.exports;
      x.packTransposedPanels(at.u, 3 * H, 0, 2 * H, H, at.uzrT);
      x.packTransposedPanels(at.u, 3 * H, 2 * H, H, H, at.uhT);
      arena.f32(at.h, batch * H).set(dhLast); // h is dead after the forward pass: dh runs there
      const dxw = gradientPlace(arenas, arena, into?.dxw, copied ? at.table : undefined, n * 3 * H);
      x.gruBackward(at.ids, at.uzrT, at.uhT, at.z, at.r, at.hh, at.hPrev, at.h, dxw.at, at.live, at.work, init ? 1 : 0, batch, time, H);
      const result = {
        dxw: dxw.result(),
        hPrev: copyOut(arena.f32(at.hPrev, n * H), into?.hPrev),
        rh: copyOut(arena.f32(at.rh, n * H), into?.rh),
        ...(init ? { dInit: arena.f32(at.h, batch * H).slice() } : {}),
      };
      trace.state.arena = undefined;
      arena.release();
      return result;
    },
  };
}

/**
 * A kernel instance of its own that keeps one model's input table and packed recurrent kernel between calls:
 * the prediction fast path (gru-inference.ts), where a batch's ids index the table directly.
 */
export interface GruPredictor {
  /**
   * Sets the weights: `table` ([rows, 3H]; row 0 is never read — id 0 is a masked step), `u` ([H, 3H]) and,
   * for a learned initial state, `init` ([H]). Copies them into the instance's memory.
   */
  setWeights(table: Float32Array, u: Float32Array, units: number, init?: Float32Array): void;
  /**
   * Last hidden states ([batch, H]) for `ids` ([batch, time], 0 = masked step) into the table; with `starts`
   * ([batch, H]) each row starts from its own state (the padded start) instead.
   */
  forward(ids: Int32Array, batch: number, time: number, starts?: Float32Array): Float32Array;
}

/** A {@link GruPredictor}, or `undefined` when WebAssembly SIMD is not available here or `units` is not a multiple of 4. */
export function createGruPredictor(units: number): GruPredictor | undefined {
  const mod = units % 4 === 0 ? module() : null;
  if (!mod) return undefined;
  const instance = instantiateKernel<KernelExports>(mod);
  let weights: { at: Record<'u' | 'uzr' | 'uh' | 'table' | 'init', number>; end: number; init: boolean } | undefined;
  return {
    setWeights(table, u, H, init) {
      const { at, end } = layout({ u: u.byteLength, uzr: 2 * H * H * 4, uh: padded(H) * H * 4, table: table.byteLength, init: H * 4 });
      instance.ensure(end);
      instance.f32(at.u, u.length).set(u);
      instance.exports.packPanels(at.u, 3 * H, 0, 2 * H, H, at.uzr);
      instance.exports.packPanels(at.u, 3 * H, 2 * H, H, H, at.uh);
      instance.f32(at.table, table.length).set(table);
      if (init) instance.f32(at.init, H).set(init);
      weights = { at, end, init: init !== undefined };
    },
    forward(ids, batch, time, starts) {
      if (!weights) throw new Error('GruPredictor: setWeights first.');
      const H = units;
      const w = weights.at;
      const { at, end } = layout(
        { ids: ids.byteLength, h: batch * H * 4, live: batch * 4, work: workBytes(H), starts: starts ? starts.byteLength : 0 },
        weights.end,
      );
      instance.ensure(end);
      i32View(instance, at.ids, ids.length).set(ids);
      if (starts) instance.f32(at.starts, starts.length).set(starts);
      const init = starts ? at.starts : weights.init ? w.init : 0;
      instance.exports.gruForward(w.table, at.ids, w.uzr, w.uh, at.h, at.live, at.work, init, starts ? H : 0, batch, time, H);
      return instance.f32(at.h, batch * H).slice();
    },
  };
}
