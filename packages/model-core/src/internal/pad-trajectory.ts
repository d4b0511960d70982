/**
 * The padded start of `initialState: 'padded'` ({@link GlossaLSTM}, {@link GlossaGRU}): the state a recurrent
 * layer that reads every text pre-padded with the pad token to `maxLength` steps and unmasked (Keras's
 * `pad_sequences` default, PyTorch without packed sequences) has reached when the text's first token arrives.
 *
 * A text of `len` tokens comes after P = maxLength − len pads. From the zero state s₀ (LSTM: h = 0, c = 0;
 * GRU: h = 0), s_{j+1} = cell(s_j, x_pad), where x_pad is the pad token's input projection (`pad_input · W +
 * b`). The trajectory s₀ … s_P is the same for every text, so one run of batch 1 over P_max = maxLength −
 * (shortest length) steps serves a whole batch: row b starts from s_{P_b}. Backward, each row's
 * initial-state gradient enters the trajectory at its step P_b, and one reverse pass accumulates the
 * gradients of x_pad and U.
 *
 * One trajectory for every cell ({@link runPadTrajectory}, {@link padTrajectoryBackward}); a {@link PadCell}
 * ({@link LSTM_PAD_CELL}, {@link GRU_PAD_CELL}) says what one step and its backward compute. Plain
 * JavaScript on typed arrays (P_max ≤ maxLength steps of H·(gates·H) multiply-adds; the backward pass's dU is
 * a matrix multiply per column block of U on the backend), the same forward function for training and
 * prediction, so a bundle starts its texts from the same states in every runtime. Sums run in double
 * precision in a fixed order; states and saved activations are stored as float32.
 */
import {
  type GradSaveFunc,
  type Tensor,
  type Tensor2D,
  concat,
  customGrad,
  gather,
  matMul,
  reshape,
  slice,
  stack,
  tensor1d,
  tensor2d,
} from '@tensorflow/tfjs-core';
// (recurrent.ts imports this module too: only functions cross, called after both have loaded.)
import { type StepMask, readTensor } from './recurrent.js';

/**
 * Pad steps before each row: `maxLength` − its real steps (mask ≠ 0; every step without a mask), at least 0
 * (a row longer than `maxLength` starts from the zero state, as one of exactly `maxLength` steps does).
 *
 * @param mask - [batch, time], non-zero = real token; undefined = every step real.
 * @param batch - Rows.
 * @param time - Steps per row.
 * @param maxLength - The length texts are pre-padded to.
 * @returns [batch] pad counts.
 */
export function padCounts(mask: StepMask, batch: number, time: number, maxLength: number): Int32Array {
  const counts = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    let len = time;
    if (mask) {
      len = 0;
      for (let t = 0; t < time; t++) if (mask[b * time + t] !== 0) len++;
    }
    counts[b] = Math.max(0, maxLength - len);
  }
  return counts;
}

/** A pad trajectory and what its backward pass needs. */
export interface PadTrajectory {
  /** The cell it ran. */
  readonly cell: PadCell;
  /** Steps run (P_max). */
  readonly steps: number;
  /** H. */
  readonly units: number;
  /** s₀ … s_steps: [(steps + 1), stateVectors × H] (an LSTM's h then c; a GRU's h; s₀ = 0). */
  readonly states: Float32Array;
  /** What each of steps 1 … steps keeps for the backward pass: [steps, saved × H] (see {@link PadCell.saved}). */
  readonly saved: Float32Array;
}

/**
 * One recurrent cell as the pad trajectory runs it: a batch-1 step on the constant input projection x_pad
 * (sums in double precision, in a fixed order) and its backward. The trajectory's loops, the rows' entry
 * points, x_pad's gradient and dU are the same for every cell ({@link runPadTrajectory},
 * {@link padTrajectoryBackward}).
 */
export interface PadCell {
  /** Gate blocks of the input projection and of U's columns (LSTM 4: i f g o; GRU 3: z r h). */
  readonly gates: number;
  /** State vectors (LSTM 2: h then c; GRU 1: h). */
  readonly stateVectors: number;
  /** Vectors of H a step keeps for its backward pass. */
  readonly saved: number;
  /**
   * U's column blocks (in gate blocks, `[from, to)`) and the vector each block's recurrent product takes at a
   * step: `-1` the hidden state before the step, `k ≥ 0` the step's saved vector k. dU[:, block] = Σ_j leftᵀ ·
   * dz_j[block].
   */
  readonly blocks: readonly { readonly from: number; readonly to: number; readonly left: number }[];
  /**
   * Step j: the state at `next` from the state at `prev` (offsets into `states`; `first`: the zero state s₀),
   * with `ut` = Uᵀ ([gates × H, H]); writes the step's saved vectors at `savedAt`. `z` is scratch [gates × H].
   */
  forward(
    xPad: Float32Array,
    ut: Float32Array,
    states: Float32Array,
    prev: number,
    next: number,
    saved: Float32Array,
    savedAt: number,
    first: boolean,
    z: Float64Array,
    H: number,
  ): void;
  /**
   * Backward of step j up to its pre-activations: from `dState` (the gradient of the state after the step,
   * [stateVectors × H]) the pre-activation gradient `dz` ([gates × H]); `dState` becomes the part of the
   * previous state's gradient that does not go through the {@link PadCell.blocks} products (LSTM: dh 0 … dc
   * kept, h overwritten by {@link PadCell.stateBackward}; GRU: the paths through z ⊙ h and r ⊙ h).
   */
  gateBackward(
    dState: Float64Array,
    states: Float32Array,
    prev: number,
    next: number,
    saved: Float32Array,
    savedAt: number,
    u: Float32Array,
    dz: Float64Array,
    H: number,
  ): void;
  /** The recurrent products' share of the previous hidden state's gradient, into `dState`'s h (from `dz`, U [H, gates × H]). */
  stateBackward(dz: Float64Array, u: Float32Array, dState: Float64Array, H: number): void;
}

/**
 * The logistic sigmoid of the JavaScript recurrences (this file's cells, fused-lstm, fused-gru): `1 / (1 + e^−x)`,
 * tfjs-backend-cpu's formula for every x. Not `@glossa/math`'s `sigmoid`, which takes `eˣ / (1 + eˣ)` for x < 0:
 * that differs in the last float64 bit for about half of negative x, which can round to another float32 (rarely per
 * value, but a training run computes billions), so trained weights would no longer be guaranteed the same.
 */
export function sig(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The LSTM cell (gates i, f, g, o; state h then c; saves the activated gates). */
export const LSTM_PAD_CELL: PadCell = {
  gates: 4,
  stateVectors: 2,
  saved: 4,
  blocks: [{ from: 0, to: 4, left: -1 }],
  forward(xPad, ut, states, prev, so, gates, go, first, z, H) {
    const G = 4 * H;
    // z = x_pad + h_{j−1} · U (h₀ = 0 adds nothing), q in order.
    for (let k = 0; k < G; k++) {
      let sum = xPad[k]!;
      if (!first) {
        const col = k * H;
        for (let q = 0; q < H; q++) sum += states[prev + q]! * ut[col + q]!;
      }
      z[k] = sum;
    }
    for (let m = 0; m < H; m++) {
      const i = sig(z[m]!);
      const f = sig(z[H + m]!);
      const g = Math.tanh(z[2 * H + m]!);
      const o = sig(z[3 * H + m]!);
      gates[go + m] = i;
      gates[go + H + m] = f;
      gates[go + 2 * H + m] = g;
      gates[go + 3 * H + m] = o;
      const c = f * states[prev + H + m]! + i * g;
      states[so + H + m] = c;
      states[so + m] = o * Math.tanh(Math.fround(c));
    }
  },
  gateBackward(d, states, prev, so, gates, go, _u, dz, H) {
    for (let m = 0; m < H; m++) {
      const i = gates[go + m]!;
      const f = gates[go + H + m]!;
      const g = gates[go + 2 * H + m]!;
      const o = gates[go + 3 * H + m]!;
      const tc = Math.tanh(states[so + H + m]!);
      const dct = d[H + m]! + d[m]! * o * (1 - tc * tc);
      dz[m] = dct * g * i * (1 - i);
      dz[H + m] = dct * states[prev + H + m]! * f * (1 - f);
      dz[2 * H + m] = dct * i * (1 - g * g);
      dz[3 * H + m] = d[m]! * tc * o * (1 - o);
      d[H + m] = dct * f;
    }
  },
  stateBackward(dz, u, d, H) {
    // dh_{j−1} = dz · Uᵀ.
    const G = 4 * H;
    for (let q = 0; q < H; q++) {
      const row = q * G;
      let s = 0;
      for (let k = 0; k < G; k++) s += dz[k]! * u[row + k]!;
      d[q] = s;
    }
  },
};

/**
 * The GRU cell of tfjs-layers' `GRU` (Keras `reset_after = false`: gates z, r, h): z = σ(x_z + h·Uz),
 * r = σ(x_r + h·Ur), ĥ = tanh(x_h + (r ⊙ h)·Uh), h' = z ⊙ h + (1 − z) ⊙ ĥ. Saves z, r, ĥ and r ⊙ h.
 */
export const GRU_PAD_CELL: PadCell = {
  gates: 3,
  stateVectors: 1,
  saved: 4,
  blocks: [
    { from: 0, to: 2, left: -1 },
    { from: 2, to: 3, left: 3 },
  ],
  forward(xPad, ut, states, prev, next, saved, at, first, a, H) {
    for (let k = 0; k < 2 * H; k++) {
      let sum = xPad[k]!;
      if (!first) {
        const col = k * H;
        for (let q = 0; q < H; q++) sum += states[prev + q]! * ut[col + q]!;
      }
      a[k] = sum;
    }
    for (let m = 0; m < H; m++) {
      const z = sig(a[m]!);
      const r = sig(a[H + m]!);
      saved[at + m] = z;
      saved[at + H + m] = r;
      saved[at + 3 * H + m] = r * states[prev + m]!;
    }
    for (let m = 0; m < H; m++) {
      let sum = xPad[2 * H + m]!;
      if (!first) {
        const col = (2 * H + m) * H;
        for (let q = 0; q < H; q++) sum += saved[at + 3 * H + q]! * ut[col + q]!;
      }
      const hh = Math.tanh(sum);
      const z = saved[at + m]!;
      saved[at + 2 * H + m] = hh;
      states[next + m] = z * states[prev + m]! + (1 - z) * hh;
    }
  },
  gateBackward(d, states, prev, _next, saved, at, u, dz, H) {
    const G = 3 * H;
    for (let m = 0; m < H; m++) {
      const z = saved[at + m]!;
      const hh = saved[at + 2 * H + m]!;
      dz[2 * H + m] = d[m]! * (1 - z) * (1 - hh * hh);
    }
    for (let m = 0; m < H; m++) {
      // d(r ⊙ h) = dâh · Uhᵀ.
      const row = m * G + 2 * H;
      let drh = 0;
      for (let k = 0; k < H; k++) drh += dz[2 * H + k]! * u[row + k]!;
      const z = saved[at + m]!;
      const r = saved[at + H + m]!;
      const hp = states[prev + m]!;
      dz[m] = d[m]! * (hp - saved[at + 2 * H + m]!) * z * (1 - z);
      dz[H + m] = drh * hp * r * (1 - r);
      // The direct paths into h_{j−1}: through z ⊙ h and through r ⊙ h.
      d[m] = d[m]! * z + drh * r;
    }
  },
  stateBackward(dz, u, d, H) {
    // dh_{j−1} += [dz dr] · [Uz Ur]ᵀ.
    const G = 3 * H;
    for (let q = 0; q < H; q++) {
      const row = q * G;
      let s = 0;
      for (let k = 0; k < 2 * H; k++) s += dz[k]! * u[row + k]!;
      d[q]! += s;
    }
  },
};

/**
 * Runs `cell` `steps` times on the constant input projection `xPad` ([gates × H]) from the zero state, with
 * recurrent kernel `u` ([H, gates × H], row-major).
 *
 * @param xPad - The pad token's input projection, x_pad = pad_input · W + b ([gates × H]).
 * @param u - Recurrent kernel [H, gates × H].
 * @param units - H.
 * @param steps - How many pad steps (the largest pad count of the batch, or maxLength).
 * @param cell - The cell ({@link LSTM_PAD_CELL} when not given, {@link GRU_PAD_CELL}).
 * @returns The states s₀ … s_steps and what the backward pass needs.
 */
export function runPadTrajectory(xPad: Float32Array, u: Float32Array, units: number, steps: number, cell: PadCell = LSTM_PAD_CELL): PadTrajectory {
  const H = units;
  const G = cell.gates * H;
  const width = cell.stateVectors * H;
  const states = new Float32Array((steps + 1) * width);
  const saved = new Float32Array(steps * cell.saved * H);
  const z = new Float64Array(G);
  // Uᵀ ([G, H]): each gate's column of U contiguous, for the dot products.
  const ut = new Float32Array(G * H);
  for (let q = 0; q < H; q++) for (let k = 0; k < G; k++) ut[k * H + q] = u[q * G + k]!;
  for (let j = 1; j <= steps; j++) {
    cell.forward(xPad, ut, states, (j - 1) * width, j * width, saved, (j - 1) * cell.saved * H, j === 1, z, H);
  }
  return { cell, steps, units, states, saved };
}

/**
 * Each row's starting state: s_{counts[b]} of the trajectory, as [batch, stateVectors × H].
 *
 * @param states - [(steps + 1), stateVectors × H] from {@link runPadTrajectory}, steps ≥ every count.
 * @param counts - [batch] pad counts.
 * @param units - H.
 * @param stateVectors - 2 (LSTM: h₀ then c₀, when not given) or 1 (GRU).
 * @returns [batch, stateVectors × H].
 */
export function rowStarts(states: Float32Array, counts: Int32Array, units: number, stateVectors = 2): Float32Array {
  const width = stateVectors * units;
  const out = new Float32Array(counts.length * width);
  counts.forEach((p, b) => {
    out.set(states.subarray(p * width, (p + 1) * width), b * width);
  });
  return out;
}

/**
 * Backward through the trajectory: the gradients of x_pad ([gates × H]) and U ([H, gates × H]) from the
 * gradient of each row's starting state (`dStarts` [batch, stateVectors × H], row b's entering at step
 * `counts[b]`). From the last step down to the first: at step j the rows starting there are added (in row
 * order), then the step is backpropagated. A row with no pad step starts from the constant zero state: its
 * gradient stops there.
 *
 * @param trajectory - The forward pass ({@link runPadTrajectory}) with at least max(counts) steps.
 * @param u - Recurrent kernel [H, gates × H].
 * @param dStarts - [batch, stateVectors × H]: the gradient of each row's start.
 * @param counts - [batch] pad counts.
 * @returns `dxPad` [gates × H] and `du` [H, gates × H].
 */
export function padTrajectoryBackward(
  trajectory: PadTrajectory,
  u: Float32Array,
  dStarts: Float32Array,
  counts: Int32Array,
): { dxPad: Float32Array; du: Float32Array } {
  const { cell, states, saved, units: H } = trajectory;
  const G = cell.gates * H;
  const width = cell.stateVectors * H;
  const savedWidth = cell.saved * H;
  let steps = 0;
  for (const p of counts) steps = Math.max(steps, p);
  if (steps > trajectory.steps) throw new Error(`padTrajectoryBackward: a row starts after ${steps} pad steps, but the trajectory has ${trajectory.steps}.`);
  // Rows by the step they start at, each list in row order.
  const startingAt: number[][] = Array.from({ length: steps + 1 }, () => []);
  counts.forEach((p, b) => {
    startingAt[p]!.push(b);
  });
  const dState = new Float64Array(width);
  const dz = new Float64Array(G);
  const dxPad = new Float64Array(G);
  // dz of steps 2 … steps and each block's left operand ([steps − 1] rows): dU per block as one matrix multiply.
  const dzAll = new Float32Array(Math.max(0, steps - 1) * G);
  const lefts = cell.blocks.map(() => new Float32Array(Math.max(0, steps - 1) * H));
  for (let j = steps; j >= 1; j--) {
    for (const b of startingAt[j]!) {
      const o = b * width;
      for (let m = 0; m < width; m++) dState[m]! += dStarts[o + m]!;
    }
    const prev = (j - 1) * width;
    const at = (j - 1) * savedWidth;
    cell.gateBackward(dState, states, prev, j * width, saved, at, u, dz, H);
    for (let k = 0; k < G; k++) dxPad[k]! += dz[k]!;
    if (j === 1) break; // h₀ = 0: no U term, and nothing before it
    dzAll.set(dz, (j - 2) * G);
    cell.blocks.forEach(({ left }, i) => {
      const from = left < 0 ? states.subarray(prev, prev + H) : saved.subarray(at + left * H, at + (left + 1) * H);
      lefts[i]!.set(from, (j - 2) * H);
    });
    cell.stateBackward(dz, u, dState, H);
  }
  const rows = steps - 1;
  const du =
    steps > 1
      ? readTensor(() => {
          const d = tensor2d(dzAll, [rows, G]);
          const parts = cell.blocks.map(({ from, to }, i) => {
            const dBlock = from === 0 && to === cell.gates ? d : slice(d, [0, from * H], [rows, (to - from) * H]);
            return matMul(tensor2d(lefts[i]!, [rows, H]), dBlock, true, false);
          });
          return parts.length === 1 ? parts[0]! : concat(parts, 1);
        })
      : new Float32Array(H * G);
  return { dxPad: Float32Array.from(dxPad), du };
}

/**
 * Each row's padded start as a differentiable op on CPU-memory backends: {@link runPadTrajectory} of `cell`
 * once over max(counts) steps (batch 1), row b's start s_{counts[b]} ([batch, stateVectors × H]), and the
 * gradients of `xPad` ([1, gates × H]) and `u` from {@link padTrajectoryBackward}.
 */
export function trajectoryStarts(cell: PadCell, xPad: Tensor2D, u: Tensor2D, counts: Int32Array): Tensor2D {
  const g = xPad.shape[1];
  const units = g / cell.gates;
  const steps = maxPadCount(counts);
  const op = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const [x, uu] = args as [Tensor2D, Tensor2D];
    const uValues = uu.dataSync() as Float32Array;
    const trajectory = runPadTrajectory(x.dataSync() as Float32Array, uValues, units, steps, cell);
    return {
      value: tensor2d(rowStarts(trajectory.states, counts, units, cell.stateVectors), [counts.length, cell.stateVectors * units]),
      gradFunc: (dy: Tensor) => {
        const { dxPad, du } = padTrajectoryBackward(trajectory, uValues, dy.dataSync() as Float32Array, counts);
        return [tensor2d(dxPad, [1, g]), tensor2d(du, [units, g])];
      },
    };
  });
  return op(xPad, u) as Tensor2D;
}

/**
 * The largest pad count of a batch: the trajectory steps it needs.
 *
 * @param counts - Each row's pad steps ({@link padCounts}).
 * @returns max(counts), 0 for no rows.
 */
export function maxPadCount(counts: Int32Array): number {
  let steps = 0;
  for (const p of counts) steps = Math.max(steps, p);
  return steps;
}

/**
 * Each row's padded start as tfjs ops (the GPU backends' path, and the reference in tests): `step` applied
 * max(counts) times from `zero` ([1, width]: the cell's state vectors side by side), row b taking the state
 * after counts[b] steps ([batch, width]). Differentiable through tfjs's own gradients.
 *
 * @param zero - The zero state, [1, width].
 * @param step - One cell step over the pad token's input projection: state → next state, [1, width] each.
 * @param counts - Each row's pad steps.
 * @returns [batch, width].
 */
export function opsPadStarts(zero: Tensor2D, step: (state: Tensor2D) => Tensor2D, counts: Int32Array): Tensor2D {
  const steps = maxPadCount(counts);
  const width = zero.shape[1];
  const states: Tensor2D[] = [zero];
  for (let j = 1; j <= steps; j++) states.push(step(states[j - 1]!));
  return gather(reshape(stack(states), [steps + 1, width]), tensor1d(counts, 'int32')) as Tensor2D;
}
