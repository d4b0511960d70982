/**
 * `GlossaLSTM`: an LSTM layer (Keras semantics: gates i, f, g, o; sigmoid recurrent activation, tanh
 * activation; masked steps carry the state) that runs the whole sequence as one op.
 *
 * The stock tfjs-layers LSTM unrolls the recurrence into ~20 tiny kernels per time step forward and ~40
 * backward (about 14,000 dispatches for 64 × 100 tokens). Here:
 * - the input projection for all time steps is one large matrix multiply (tfjs, differentiated by tfjs);
 * - the recurrence is one custom op (`customGrad`): per step one `h · U` matrix multiply on the backend
 *   (XNNPACK on wasm) and the gate arithmetic in JavaScript on typed arrays; the backward pass
 *   (backpropagation through time) is hand-written, with `dU` as one matrix multiply over all steps.
 *
 * The fused path runs on backends whose tensors live in CPU memory (`cpu`, `wasm`, `tensorflow`); on GPU
 * backends (`webgl`, `webgpu`), where reading data back each step would stall, the same math runs as
 * ordinary tfjs ops. Weights have the stock layer's names, shapes and gate order, so the two are
 * interchangeable and give the same outputs. With `padTo` (`initialState: 'padded'`) each row starts from
 * its step of the pad trajectory ({@link runPadTrajectory}): what the stock layer computes over the text
 * pre-padded to `padTo` steps, unmasked.
 */
import {
  type GradSaveFunc,
  type Tensor,
  type Tensor2D,
  type Tensor3D,
  add,
  cast,
  concat,
  customGrad,
  matMul,
  mul,
  reshape,
  sigmoid,
  slice,
  split,
  tanh,
  tensor2d,
  tensor1d,
  tensor3d,
  where,
  zeros,
} from '@tensorflow/tfjs-core';
import { interleaveStates, lstmTrainKernel } from './lstm-wasm.js';
import { LSTM_PAD_CELL, opsPadStarts, sig, trajectoryStarts } from './pad-trajectory.js';
import { RecurrentLayer, type RecurrentLayerArgs, type StepMask, liveRows, packRows, readTensor, startingState, sumInitialGradients } from './recurrent.js';
import { peekValues, writeTensors } from './tensor-memory.js';

export { readTensor } from './recurrent.js';

/** Gate values and states saved by the forward pass for backpropagation. */
interface Trace {
  gates: Float32Array; // [T][B][4H] activated i, f, g, o
  cPrev: Float32Array; // [T][B][H]
  cNew: Float32Array; // [T][B][H]
  hPrev: Float32Array; // [B][T][H] (row order of the projection, for dU)
}

/** `rows` rows of `[rows, H]` (gathered by `live` from `src` when not every row is live) times `m`. */
function stepMatMul(src: Float32Array, live: Int32Array, n: number, batch: number, width: number, m: Tensor2D, scratch: Float32Array): Float32Array {
  const packed = packRows(src, live, n, batch, width, scratch);
  return readTensor(() => matMul(tensor2d(packed, [n, width]), m));
}

/**
 * Runs the recurrence over `xw` ([batch, time, 4H], the input projection incl. bias) with recurrent
 * kernel `u` ([H, 4H]) and an optional step mask ([batch, time], 1 = real token), from a zero state, the
 * learned initial state `init` ([2H]: h₀ then c₀; `initStride` 0) or each row's own (`init` [batch, 2H],
 * `initStride` 2H).
 */
function forward(
  xw: Float32Array,
  u: Tensor2D,
  mask: StepMask,
  batch: number,
  time: number,
  units: number,
  trace: Trace | undefined,
  init?: Float32Array,
  initStride = 0,
): Float32Array {
  const H = units;
  const G = 4 * H;
  const h = new Float32Array(batch * H);
  const c = new Float32Array(batch * H);
  if (init) {
    for (let b = 0; b < batch; b++) {
      const from = b * initStride;
      h.set(init.subarray(from, from + H), b * H);
      c.set(init.subarray(from + H, from + 2 * H), b * H);
    }
  }
  const live = new Int32Array(batch);
  const scratch = new Float32Array(batch * H);
  const zeroRec = new Float32Array(trace ? batch * G : 0);
  for (let t = 0; t < time; t++) {
    const n = liveRows(mask, t, batch, time, live);
    if (trace && n < batch) {
      // Masked rows carry their state; their saved previous h stays 0 (no gradient flows into U from them).
      for (let b = 0, k = 0; b < batch; b++) {
        if (k < n && live[k] === b) {
          k++;
          continue;
        }
        const so = (t * batch + b) * H;
        trace.cPrev.set(c.subarray(b * H, b * H + H), so);
        trace.cNew.set(c.subarray(b * H, b * H + H), so);
      }
    }
    if (n === 0) continue;
    // At t = 0 a zero state has no recurrent term.
    const rec = t > 0 || init ? stepMatMul(h, live, n, batch, H, u, scratch) : undefined;
    for (let k = 0; k < n; k++) {
      const b = live[k]!;
      const ho = b * H;
      const xo = (b * time + t) * G;
      const ro = k * G;
      if (trace) {
        trace.hPrev.set(h.subarray(ho, ho + H), (b * time + t) * H);
        const go = (t * batch + b) * G;
        const so = (t * batch + b) * H;
        const rv = rec ?? zeroRec;
        for (let j = 0; j < H; j++) {
          const i = sig(xw[xo + j]! + rv[ro + j]!);
          const f = sig(xw[xo + H + j]! + rv[ro + H + j]!);
          const g = Math.tanh(xw[xo + 2 * H + j]! + rv[ro + 2 * H + j]!);
          const o = sig(xw[xo + 3 * H + j]! + rv[ro + 3 * H + j]!);
          const cp = c[ho + j]!;
          const cn = f * cp + i * g;
          c[ho + j] = cn;
          h[ho + j] = o * Math.tanh(cn);
          trace.gates[go + j] = i;
          trace.gates[go + H + j] = f;
          trace.gates[go + 2 * H + j] = g;
          trace.gates[go + 3 * H + j] = o;
          trace.cPrev[so + j] = cp;
          trace.cNew[so + j] = cn;
        }
      } else if (rec === undefined) {
        for (let j = 0; j < H; j++) {
          // Zero state: c = i · g.
          const cn = sig(xw[xo + j]!) * Math.tanh(xw[xo + 2 * H + j]!);
          c[ho + j] = cn;
          h[ho + j] = sig(xw[xo + 3 * H + j]!) * Math.tanh(cn);
        }
      } else {
        for (let j = 0; j < H; j++) {
          const i = sig(xw[xo + j]! + rec[ro + j]!);
          const f = sig(xw[xo + H + j]! + rec[ro + H + j]!);
          const g = Math.tanh(xw[xo + 2 * H + j]! + rec[ro + 2 * H + j]!);
          const o = sig(xw[xo + 3 * H + j]! + rec[ro + 3 * H + j]!);
          const cn = f * c[ho + j]! + i * g;
          c[ho + j] = cn;
          h[ho + j] = o * Math.tanh(cn);
        }
      }
    }
  }
  return h;
}

/**
 * The fused recurrence forward only (inference): last hidden states [batch, H] of `xw` ([batch, time, 4H])
 * under the step `mask` ([batch, time], 1 = real token), from a zero state, the learned `init` ([2H]) or,
 * with `perRow`, each row's own starting state (`init` [batch, 2H]).
 */
export function forwardRecurrence(
  xw: Float32Array,
  u: Tensor2D,
  mask: StepMask,
  batch: number,
  time: number,
  units: number,
  init?: Float32Array,
  perRow = false,
): Float32Array {
  return forward(xw, u, mask, batch, time, units, undefined, init, perRow ? 2 * units : 0);
}

/** How the rows of a recurrence start: from zero, from one learned state, or each from its own. */
type StartKind = 'none' | 'shared' | 'per-row';

/**
 * Backpropagation through time: returns dXW ([batch, time, 4H]), dU ([H, 4H]) and, with a learned initial
 * state, its gradient summed over the rows ([2H]); with per-row initial states, each row's ([batch, 2H]).
 */
function backward(
  dhLast: Float32Array,
  u: Tensor2D,
  mask: StepMask,
  batch: number,
  time: number,
  units: number,
  trace: Trace,
  start: StartKind,
): [Float32Array, Float32Array, Float32Array | undefined] {
  const H = units;
  const G = 4 * H;
  const dh = Float32Array.from(dhLast);
  const dc = new Float32Array(batch * H);
  const dxw = new Float32Array(batch * time * G);
  const dz = new Float32Array(batch * G); // packed: row k = live row live[k]
  const live = new Int32Array(batch);
  for (let t = time - 1; t >= 0; t--) {
    const n = liveRows(mask, t, batch, time, live); // masked rows carry state: their dh, dc pass through
    if (n === 0) continue;
    for (let k = 0; k < n; k++) {
      const b = live[k]!;
      const ho = b * H;
      const go = (t * batch + b) * G;
      const so = (t * batch + b) * H;
      const zo = k * G;
      const xo = (b * time + t) * G;
      for (let j = 0; j < H; j++) {
        const i = trace.gates[go + j]!;
        const f = trace.gates[go + H + j]!;
        const g = trace.gates[go + 2 * H + j]!;
        const o = trace.gates[go + 3 * H + j]!;
        const tc = Math.tanh(trace.cNew[so + j]!);
        const dhj = dh[ho + j]!;
        const dct = dc[ho + j]! + dhj * o * (1 - tc * tc);
        const dzi = dct * g * i * (1 - i);
        const dzf = dct * trace.cPrev[so + j]! * f * (1 - f);
        const dzg = dct * i * (1 - g * g);
        const dzo = dhj * tc * o * (1 - o);
        dz[zo + j] = dzi;
        dz[zo + H + j] = dzf;
        dz[zo + 2 * H + j] = dzg;
        dz[zo + 3 * H + j] = dzo;
        dxw[xo + j] = dzi;
        dxw[xo + H + j] = dzf;
        dxw[xo + 2 * H + j] = dzg;
        dxw[xo + 3 * H + j] = dzo;
        dc[ho + j] = dct * f;
      }
    }
    if (t === 0 && start === 'none') continue;
    // dh_{t-1} = dz_t · Uᵀ for live rows; carried rows keep their dh.
    const back = readTensor(() => matMul(tensor2d(dz.subarray(0, n * G), [n, G]), u, false, true));
    for (let k = 0; k < n; k++) dh.set(back.subarray(k * H, (k + 1) * H), live[k]! * H);
  }
  const du = readTensor(() => matMul(tensor2d(trace.hPrev, [batch * time, H]), tensor2d(dxw, [batch * time, G]), true, false));
  const dInit = start === 'shared' ? sumInitialGradients(dh, dc, batch, H) : start === 'per-row' ? interleaveStates(dh, dc, batch, H) : undefined;
  return [dxw, du, dInit];
}

/** The initial state's values as one array ([2H]: h₀ then c₀), or undefined for a zero state. */
function initValues(init: readonly Tensor[] | undefined): Float32Array | undefined {
  if (!init) return undefined;
  const [h0, c0] = init as [Tensor, Tensor];
  const out = new Float32Array(2 * h0.size);
  out.set(h0.dataSync() as Float32Array);
  out.set(c0.dataSync() as Float32Array, h0.size);
  return out;
}

/**
 * The fused recurrence as a differentiable op: (xw, u[, h₀, c₀ | starts]) → last hidden state. `init`
 * (learned initial state, [H] each) gets its gradient summed over the rows; `starts` ([batch, 2H]: each
 * row's h₀ then c₀, the padded start) gets each row's.
 */
function fusedRecurrence(
  xw: Tensor3D,
  u: Tensor2D,
  mask: Tensor | undefined,
  training: boolean,
  init: readonly Tensor[] | undefined,
  starts?: Tensor2D,
): Tensor2D {
  const [batch, time, g4] = xw.shape;
  const units = g4 / 4;
  const maskValues = mask ? (cast(mask, 'int32').dataSync() as Int32Array) : undefined;
  const start: StartKind = starts ? 'per-row' : init ? 'shared' : 'none';
  const startValues = (rest: readonly Tensor[]): Float32Array | undefined =>
    starts ? (rest[0]!.dataSync() as Float32Array) : initValues(init ? rest.slice(0, 2) : undefined);
  const stride = starts ? 2 * units : 0;
  if (!training) {
    const h = forward(xw.dataSync() as Float32Array, u, maskValues, batch, time, units, undefined, startValues(starts ? [starts] : (init ?? [])), stride);
    return tensor2d(h, [batch, units]);
  }
  const initGrads = (dInit: Float32Array | undefined): Tensor[] => {
    if (!dInit) return [];
    if (starts) return [tensor2d(dInit, [batch, 2 * units])];
    return init ? [tensor1d(dInit.subarray(0, units)), tensor1d(dInit.subarray(units, 2 * units))] : [];
  };
  const inputs = [xw, u, ...(starts ? [starts] : (init ?? []))];
  const kernel = units % 4 === 0 ? lstmTrainKernel() : undefined;
  if (kernel) {
    const wasmOp = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
      const [x, uu, ...rest] = args as [Tensor3D, Tensor2D, ...Tensor[]];
      const uValues = uu.dataSync() as Float32Array;
      const initArray = startValues(rest);
      // xw and dy are read in place, and dXW and hPrev written straight into their tensors (tensor-memory.ts).
      const { h, trace } = kernel.forward(peekValues(x) as Float32Array, maskValues, uValues, batch, time, units, initArray, start === 'per-row');
      return {
        value: tensor2d(h, [batch, units]),
        gradFunc: (dy: Tensor) => {
          let dInit: Float32Array | undefined;
          const [dx, hPrev] = writeTensors(
            [
              [batch, time, g4],
              [batch * time, units],
            ],
            [dy],
            ([dxw, hp], [d]) => {
              dInit = kernel.backward(d as Float32Array, trace, { dxw: dxw!, hPrev: hp! }).dInit;
            },
          ) as [Tensor3D, Tensor2D];
          const du = readTensor(() => matMul(hPrev, reshape(dx, [batch * time, g4]), true, false));
          hPrev.dispose();
          return [dx, tensor2d(du, [units, g4]), ...initGrads(dInit)];
        },
      };
    });
    return wasmOp(...inputs) as Tensor2D;
  }
  const op = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const [x, uu, ...rest] = args as [Tensor3D, Tensor2D, ...Tensor[]];
    const initArray = startValues(rest);
    const trace: Trace = {
      gates: new Float32Array(time * batch * g4),
      cPrev: new Float32Array(time * batch * units),
      cNew: new Float32Array(time * batch * units),
      hPrev: new Float32Array(batch * time * units),
    };
    const h = forward(x.dataSync() as Float32Array, uu, maskValues, batch, time, units, trace, initArray, stride);
    return {
      value: tensor2d(h, [batch, units]),
      gradFunc: (dy: Tensor) => {
        const [dxw, du, dInit] = backward(dy.dataSync() as Float32Array, uu, maskValues, batch, time, units, trace, start);
        return [tensor3d(dxw, [batch, time, g4]), tensor2d(du, [units, g4]), ...initGrads(dInit)];
      },
    };
  });
  return op(...inputs) as Tensor2D;
}

/**
 * The same recurrence as ordinary tfjs ops (GPU backends, and the reference in tests); `starts` ([batch, 2H])
 * as in {@link fusedRecurrence}.
 */
function opsRecurrence(xw: Tensor3D, u: Tensor2D, mask: Tensor | undefined, init: readonly Tensor[] | undefined, starts?: Tensor2D): Tensor2D {
  const [batch, time, g4] = xw.shape;
  const units = g4 / 4;
  let h = starts ? (slice(starts, [0, 0], [batch, units]) as Tensor2D) : startingState(init?.[0], batch, units);
  let c = starts ? (slice(starts, [0, units], [batch, units]) as Tensor2D) : startingState(init?.[1], batch, units);
  for (let t = 0; t < time; t++) {
    const z = add(reshape(slice(xw, [0, t, 0], [batch, 1, g4]), [batch, g4]), matMul(h, u));
    const [zi, zf, zg, zo] = split(z, 4, 1) as [Tensor2D, Tensor2D, Tensor2D, Tensor2D];
    const cNew = add(mul(sigmoid(zf), c), mul(sigmoid(zi), tanh(zg))) as Tensor2D;
    const hNew = mul(sigmoid(zo), tanh(cNew)) as Tensor2D;
    if (mask) {
      const m = cast(slice(mask, [0, t], [batch, 1]), 'bool');
      h = where(m, hNew, h) as Tensor2D;
      c = where(m, cNew, c) as Tensor2D;
    } else {
      h = hNew;
      c = cNew;
    }
  }
  return h;
}

/**
 * Each row's padded start ([batch, 2H]: h₀ then c₀), the state after `counts[b]` steps of the pad token's
 * input projection `xPad` ([1, 4H]) from the zero state: on CPU-memory backends the shared pad trajectory
 * ({@link trajectoryStarts} of {@link LSTM_PAD_CELL}, one batch-1 run serving every row), elsewhere as tfjs ops.
 */
function padStarts(xPad: Tensor2D, u: Tensor2D, counts: Int32Array, fused: boolean): Tensor2D {
  if (fused) return trajectoryStarts(LSTM_PAD_CELL, xPad, u, counts);
  const units = xPad.shape[1] / 4;
  return opsPadStarts(
    zeros([1, 2 * units]) as Tensor2D,
    (state) => {
      const [h, c] = split(state, 2, 1) as [Tensor2D, Tensor2D];
      const z = add(xPad, matMul(h, u));
      const [zi, zf, zg, zo] = split(z, 4, 1) as [Tensor2D, Tensor2D, Tensor2D, Tensor2D];
      const cNext = add(mul(sigmoid(zf), c), mul(sigmoid(zi), tanh(zg))) as Tensor2D;
      return concat([mul(sigmoid(zo), tanh(cNext)) as Tensor2D, cNext], 1);
    },
    counts,
  );
}

/** Arguments of {@link GlossaLSTM}. */
export type GlossaLSTMArgs = RecurrentLayerArgs;

/**
 * LSTM over a masked sequence, returning the last hidden state: `[batch, time, dim]` → `[batch, units]`
 * (`[batch, 2 × units]`, forward ‖ backward, when `bidirectional`).
 */
export class GlossaLSTM extends RecurrentLayer {
  static className = 'GlossaLSTM';

  constructor(args: GlossaLSTMArgs) {
    super(args, 4, 2, { fused: fusedRecurrence, ops: opsRecurrence, padStarts });
  }
}
