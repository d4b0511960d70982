/**
 * `GlossaGRU`: a GRU layer with the semantics of tfjs-layers' `GRU` (Keras `reset_after=False`, gates z, r, h;
 * `recurrentActivation: 'sigmoid'`, tanh activation; masked steps carry the state), optionally
 * bidirectional, that runs the whole sequence as one op.
 *
 * As {@link GlossaLSTM}: the input projection for all steps is one tfjs matrix multiply; the recurrence is one
 * custom op on CPU-memory backends — the whole recurrence (forward, and backpropagation through time) in one
 * call of the WebAssembly SIMD kernel (gru-wasm.ts) where it runs and `units` is a multiple of 4, else per step
 * the recurrent products on the backend and the gate arithmetic in JavaScript — with the recurrent-kernel
 * gradient as two matrix multiplies over all steps; ordinary tfjs ops on GPU backends. The weights have the stock
 * layer's names, shapes and gate order (tested against it, outputs and gradients). With `padTo`
 * (`initialState: 'padded'`) each row starts from its step of the pad trajectory ({@link GRU_PAD_CELL}): what
 * the stock layer computes over the text pre-padded to `padTo` steps, unmasked.
 *
 * Step, per live row (`x·W + b` precomputed as `xz, xr, xh`):
 * `z = σ(xz + h·Uz)`, `r = σ(xr + h·Ur)`, `ĥ = tanh(xh + (r ⊙ h)·Uh)`, `h' = z ⊙ h + (1 − z) ⊙ ĥ`.
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
  sub,
  tanh,
  tensor1d,
  tensor2d,
  tensor3d,
  where,
  zeros,
} from '@tensorflow/tfjs-core';
import { gruKernel } from './gru-wasm.js';
import { GRU_PAD_CELL, opsPadStarts, sig, trajectoryStarts } from './pad-trajectory.js';
import {
  type RecurrenceImplementations,
  RecurrentLayer,
  type RecurrentLayerArgs,
  type StepMask,
  liveRows,
  packRows,
  readTensor,
  startingState,
  sumInitialGradients,
} from './recurrent.js';
import { peekValues, withScratch, writeTensors } from './tensor-memory.js';
import { OWN_MATMUL_MIN_MACS, activeHeapKernel } from './gemm-wasm.js';

/** What the forward pass keeps for backpropagation ([T][B][H] each, hPrev and rh in [B][T][H] row order). */
interface GruTrace {
  z: Float32Array;
  r: Float32Array;
  hh: Float32Array;
  hPrev: Float32Array;
  rh: Float32Array;
}

/** The two column blocks of the recurrent kernel: `[Uz Ur]` ([H, 2H]) and `Uh` ([H, H]). */
function splitKernel(u: Tensor2D): [Tensor2D, Tensor2D] {
  const H = u.shape[0];
  return [slice(u, [0, 0], [H, 2 * H]), slice(u, [0, 2 * H], [H, H])];
}

/** Runs `f` with the two blocks of `u`, freeing them after (not `tidy`: it would walk the typed-array result). */
function withKernel<T>(u: Tensor2D, f: (uzr: Tensor2D, uh: Tensor2D) => T): T {
  const [uzr, uh] = splitKernel(u);
  try {
    return f(uzr, uh);
  } finally {
    uzr.dispose();
    uh.dispose();
  }
}

function forward(
  xw: Float32Array,
  uzr: Tensor2D,
  uh: Tensor2D,
  mask: StepMask,
  batch: number,
  time: number,
  units: number,
  trace: GruTrace | undefined,
  h0?: Float32Array,
  perRow = false,
): Float32Array {
  const H = units;
  const G = 3 * H;
  const h = new Float32Array(batch * H);
  if (h0 && perRow) h.set(h0);
  else if (h0) for (let b = 0; b < batch; b++) h.set(h0, b * H);
  const live = new Int32Array(batch);
  const scratch = new Float32Array(batch * H);
  const rh = new Float32Array(batch * H);
  const zs = new Float32Array(batch * H);
  for (let t = 0; t < time; t++) {
    const n = liveRows(mask, t, batch, time, live);
    if (n === 0) continue;
    const recZR = readTensor(() => matMul(tensor2d(packRows(h, live, n, batch, H, scratch), [n, H]), uzr));
    for (let k = 0; k < n; k++) {
      const b = live[k]!;
      const ho = b * H;
      const xo = (b * time + t) * G;
      for (let j = 0; j < H; j++) {
        const z = sig(xw[xo + j]! + recZR[k * 2 * H + j]!);
        const r = sig(xw[xo + H + j]! + recZR[k * 2 * H + H + j]!);
        zs[k * H + j] = z;
        rh[k * H + j] = r * h[ho + j]!;
        if (trace) trace.r[(t * batch + b) * H + j] = r;
      }
    }
    const recH = readTensor(() => matMul(tensor2d(rh.subarray(0, n * H), [n, H]), uh));
    for (let k = 0; k < n; k++) {
      const b = live[k]!;
      const ho = b * H;
      const xo = (b * time + t) * G;
      const so = (t * batch + b) * H;
      if (trace) {
        trace.hPrev.set(h.subarray(ho, ho + H), (b * time + t) * H);
        trace.rh.set(rh.subarray(k * H, k * H + H), (b * time + t) * H);
      }
      for (let j = 0; j < H; j++) {
        const z = zs[k * H + j]!;
        const hh = Math.tanh(xw[xo + 2 * H + j]! + recH[k * H + j]!);
        if (trace) {
          trace.z[so + j] = z;
          trace.hh[so + j] = hh;
        }
        h[ho + j] = z * h[ho + j]! + (1 - z) * hh;
      }
    }
  }
  return h;
}

/**
 * Backpropagation through time: dXW ([batch, time, 3H]) and, with a learned or per-row initial state
 * (`init`), the per-row gradients of the starting state ([batch, H]; a learned one's summed by the caller). dU is
 * {@link recurrentKernelGradient} of the trace.
 */
function backward(
  dhLast: Float32Array,
  uzr: Tensor2D,
  uh: Tensor2D,
  mask: StepMask,
  batch: number,
  time: number,
  units: number,
  trace: GruTrace,
  init: boolean,
): [Float32Array, Float32Array] {
  const H = units;
  const G = 3 * H;
  const dh = Float32Array.from(dhLast);
  const dxw = new Float32Array(batch * time * G);
  const dah = new Float32Array(batch * H); // packed live rows
  const dzr = new Float32Array(batch * 2 * H);
  const live = new Int32Array(batch);
  for (let t = time - 1; t >= 0; t--) {
    const n = liveRows(mask, t, batch, time, live);
    if (n === 0) continue;
    for (let k = 0; k < n; k++) {
      const b = live[k]!;
      const so = (t * batch + b) * H;
      const xo = (b * time + t) * G;
      for (let j = 0; j < H; j++) {
        const z = trace.z[so + j]!;
        const hh = trace.hh[so + j]!;
        const d = dh[b * H + j]! * (1 - z) * (1 - hh * hh);
        dah[k * H + j] = d;
        dxw[xo + 2 * H + j] = d;
      }
    }
    // d(r ⊙ h) = dâh · Uhᵀ
    const drh = readTensor(() => matMul(tensor2d(dah.subarray(0, n * H), [n, H]), uh, false, true));
    for (let k = 0; k < n; k++) {
      const b = live[k]!;
      const so = (t * batch + b) * H;
      const xo = (b * time + t) * G;
      const po = (b * time + t) * H;
      for (let j = 0; j < H; j++) {
        const z = trace.z[so + j]!;
        const r = trace.r[so + j]!;
        const hp = trace.hPrev[po + j]!;
        const dhj = dh[b * H + j]!;
        const daz = dhj * (hp - trace.hh[so + j]!) * z * (1 - z);
        const dar = drh[k * H + j]! * hp * r * (1 - r);
        dzr[k * 2 * H + j] = daz;
        dzr[k * 2 * H + H + j] = dar;
        dxw[xo + j] = daz;
        dxw[xo + H + j] = dar;
        // The direct paths into h_{t-1}: through z ⊙ h and through r ⊙ h.
        dh[b * H + j] = dhj * z + drh[k * H + j]! * r;
      }
    }
    // dh_{t-1} through the gates; at t = 0 only a learned initial state needs it.
    if (t === 0 && !init) continue;
    const back = readTensor(() => matMul(tensor2d(dzr.subarray(0, n * 2 * H), [n, 2 * H]), uzr, false, true));
    for (let k = 0; k < n; k++) {
      const o = live[k]! * H;
      for (let j = 0; j < H; j++) dh[o + j]! += back[k * H + j]!;
    }
  }
  return [dxw, dh];
}

/**
 * dU = [hPrevᵀ · dXW_zr, rhᵀ · dXW_h] ([H, 3H]) over all steps ([B·T, H] and [B·T, 3H]), from arrays or from
 * tensors of those shapes.
 */
function recurrentKernelGradient(
  hPrev: Float32Array | Tensor2D,
  rh: Float32Array | Tensor2D,
  dxw: Float32Array | Tensor2D,
  rows: number,
  H: number,
): Float32Array {
  const matrix = (v: Float32Array | Tensor2D, width: number): Tensor2D => (v instanceof Float32Array ? tensor2d(v, [rows, width]) : v);
  return readTensor(() => {
    const dx = matrix(dxw, 3 * H);
    const dZR = matMul(matrix(hPrev, H), slice(dx, [0, 0], [rows, 2 * H]), true, false);
    const dH = matMul(matrix(rh, H), slice(dx, [0, 2 * H], [rows, H]), true, false);
    return concat([dZR, dH], 1);
  });
}

/**
 * {@link recurrentKernelGradient} by Glossa's matrix kernel on tfjs-wasm's memory, reading dXW's column blocks in
 * place where tfjs would first copy them out (`Slice`: 8–16% of a full-length gru step): the same products, so
 * the same bits, as tfjs routes them to that kernel. `undefined` where the kernel is not on tfjs's memory, or
 * where tfjs would keep a product this small for itself.
 */
function heapRecurrentKernelGradient(hPrev: Tensor2D, rh: Tensor2D, dxw: Tensor, rows: number, H: number): Float32Array | undefined {
  const on = activeHeapKernel();
  if (!on || rows * H * H < OWN_MATMUL_MIN_MACS) return undefined;
  const { heap, kernel } = on;
  return withScratch(heap, 3 * H * H * 4, (block) => {
    const [hp, r, d] = [heap.offsetOf(hPrev), heap.offsetOf(rh), heap.offsetOf(dxw)];
    kernel.multiply([{ a: hp, b: d, out: block, bColumn: 0, bStride: 3 * H }], H, rows, 2 * H, true, false);
    kernel.multiply([{ a: r, b: d, out: block + 2 * H * H * 4, bColumn: 2 * H, bStride: 3 * H }], H, rows, H, true, false);
    const zr = new Float32Array(heap.memory.buffer, block, 2 * H * H);
    const h = new Float32Array(heap.memory.buffer, block + 2 * H * H * 4, H * H);
    const du = new Float32Array(3 * H * H);
    for (let i = 0; i < H; i++) {
      du.set(zr.subarray(i * 2 * H, (i + 1) * 2 * H), i * 3 * H);
      du.set(h.subarray(i * H, (i + 1) * H), i * 3 * H + 2 * H);
    }
    return du;
  });
}

/**
 * The fused recurrence: the WebAssembly SIMD kernel (gru-wasm.ts) where it runs and `units` is a multiple of 4,
 * else the JavaScript one; in training a differentiable op (xw, u[, h₀ | starts]) → last hidden state. A
 * learned initial state `init` ([H]) gets its gradient summed over the rows; `starts` ([batch, H]: each row's
 * h₀, the padded start) gets each row's.
 */
export const fusedRecurrence: RecurrenceImplementations['fused'] = (xw, u, mask, training, init, starts) => {
  const [batch, time, g3] = xw.shape;
  const units = g3 / 3;
  const maskValues = mask ? (cast(mask, 'int32').dataSync() as Int32Array) : undefined;
  const kernel = units % 4 === 0 ? gruKernel() : undefined;
  const perRow = starts !== undefined;
  const first = starts ?? init?.[0];
  if (!training) {
    const h0 = first ? (first.dataSync() as Float32Array) : undefined;
    const x = xw.dataSync() as Float32Array;
    const h = kernel
      ? kernel.forward({ xw: x, live: maskValues, u: u.dataSync() as Float32Array, batch, time, units, init: h0, perRow })
      : withKernel(u, (uzr, uh) => forward(x, uzr, uh, maskValues, batch, time, units, undefined, h0, perRow));
    return tensor2d(h, [batch, units]);
  }
  const initGrad = (dStart: Float32Array): Tensor[] => {
    if (perRow) return [tensor2d(dStart, [batch, units])];
    return init ? [tensor1d(sumInitialGradients(dStart, undefined, batch, units))] : [];
  };
  const inputs = [xw, u, ...(first ? [first] : [])];
  if (kernel) {
    const wasmOp = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
      const h0 = first ? ((args[2] as Tensor).dataSync() as Float32Array) : undefined;
      // xw and dy are read in place, and dXW, hPrev and r ⊙ h written straight into tensors (tensor-memory.ts).
      const { h, trace } = kernel.forwardTrain({
        xw: peekValues(args[0] as Tensor) as Float32Array,
        live: maskValues,
        u: (args[1] as Tensor).dataSync() as Float32Array,
        batch,
        time,
        units,
        init: h0,
        perRow,
      });
      return {
        value: tensor2d(h, [batch, units]),
        gradFunc: (dy: Tensor) => {
          let dInit: Float32Array | undefined;
          const rows = batch * time;
          const [dx, hPrev, rh] = writeTensors(
            [
              [batch, time, g3],
              [rows, units],
              [rows, units],
            ],
            [dy],
            ([dxw, hp, r], [d]) => {
              dInit = kernel.backward(d as Float32Array, trace, { dxw: dxw!, hPrev: hp!, rh: r! }).dInit;
            },
          ) as [Tensor3D, Tensor2D, Tensor2D];
          const du =
            heapRecurrentKernelGradient(hPrev, rh, dx, rows, units) ?? recurrentKernelGradient(hPrev, rh, reshape(dx, [rows, g3]) as Tensor2D, rows, units);
          hPrev.dispose();
          rh.dispose();
          return [dx, tensor2d(du, [units, g3]), ...(dInit ? initGrad(dInit) : [])];
        },
      };
    });
    return wasmOp(...inputs) as Tensor2D;
  }
  const op = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const x = args[0] as Tensor3D;
    const uu = args[1] as Tensor2D;
    const h0 = first ? ((args[2] as Tensor).dataSync() as Float32Array) : undefined;
    const save = args[args.length - 1] as GradSaveFunc;
    // The kernel is saved with the op: tensors made here are freed before the gradient runs.
    save([uu]);
    const size = time * batch * units;
    const trace: GruTrace = {
      z: new Float32Array(size),
      r: new Float32Array(size),
      hh: new Float32Array(size),
      hPrev: new Float32Array(size),
      rh: new Float32Array(size),
    };
    const h = withKernel(uu, (uzr, uh) => forward(x.dataSync() as Float32Array, uzr, uh, maskValues, batch, time, units, trace, h0, perRow));
    return {
      value: tensor2d(h, [batch, units]),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [dxw, dStart] = withKernel(saved[0] as Tensor2D, (uzr, uh) =>
          backward(dy.dataSync() as Float32Array, uzr, uh, maskValues, batch, time, units, trace, h0 !== undefined),
        );
        const du = recurrentKernelGradient(trace.hPrev, trace.rh, dxw, batch * time, units);
        return [tensor3d(dxw, [batch, time, g3]), tensor2d(du, [units, g3]), ...(h0 ? initGrad(dStart) : [])];
      },
    };
  });
  return op(...inputs) as Tensor2D;
};

/** One GRU step as tfjs ops: the new hidden state from `h` ([batch, H]) and the step's input projection `x` ([batch, 3H]). */
function stepOps(x: Tensor2D, h: Tensor2D, uzr: Tensor2D, uh: Tensor2D): Tensor2D {
  const [batch, g3] = x.shape;
  const H = g3 / 3;
  const rec = matMul(h, uzr);
  const z = sigmoid(add(slice(x, [0, 0], [batch, H]), slice(rec, [0, 0], [batch, H])));
  const r = sigmoid(add(slice(x, [0, H], [batch, H]), slice(rec, [0, H], [batch, H])));
  const hh = tanh(add(slice(x, [0, 2 * H], [batch, H]), matMul(mul(r, h) as Tensor2D, uh)));
  return add(mul(z, h), mul(sub(1, z), hh)) as Tensor2D;
}

/**
 * The same recurrence as ordinary tfjs ops (GPU backends, and the reference in tests); `starts` ([batch, H])
 * as in {@link fusedRecurrence}.
 */
export function opsRecurrence(xw: Tensor3D, u: Tensor2D, mask: Tensor | undefined, init: readonly Tensor[] | undefined, starts?: Tensor2D): Tensor2D {
  const [batch, time, g3] = xw.shape;
  const H = g3 / 3;
  const [uzr, uh] = splitKernel(u);
  let h = starts ?? startingState(init?.[0], batch, H);
  for (let t = 0; t < time; t++) {
    const hNew = stepOps(reshape(slice(xw, [0, t, 0], [batch, 1, g3]), [batch, g3]) as Tensor2D, h, uzr, uh);
    h = mask ? (where(cast(slice(mask, [0, t], [batch, 1]), 'bool'), hNew, h) as Tensor2D) : hNew;
  }
  return h;
}

/**
 * Each row's padded start ([batch, H]), the hidden state after `counts[b]` steps of the pad token's input
 * projection `xPad` ([1, 3H]) from the zero state: on CPU-memory backends the shared pad trajectory
 * ({@link trajectoryStarts} of {@link GRU_PAD_CELL}), elsewhere as tfjs ops.
 */
function padStarts(xPad: Tensor2D, u: Tensor2D, counts: Int32Array, fused: boolean): Tensor2D {
  if (fused) return trajectoryStarts(GRU_PAD_CELL, xPad, u, counts);
  const [uzr, uh] = splitKernel(u);
  return opsPadStarts(zeros([1, xPad.shape[1] / 3]) as Tensor2D, (h) => stepOps(xPad, h, uzr, uh), counts);
}

/** Arguments of {@link GlossaGRU}. */
export type GlossaGRUArgs = RecurrentLayerArgs;

/**
 * GRU over a masked sequence, returning the last hidden state (`[batch, time, dim]` → `[batch, units]`, or
 * `[batch, 2 × units]` forward ‖ backward when `bidirectional`).
 */
export class GlossaGRU extends RecurrentLayer {
  static className = 'GlossaGRU';

  constructor(args: GlossaGRUArgs) {
    super(args, 3, 1, { fused: fusedRecurrence, ops: opsRecurrence, padStarts });
  }
}
