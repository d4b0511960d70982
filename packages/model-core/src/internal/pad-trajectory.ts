/**
 * The padded start of `initialState: 'padded'` ({@link GlossaLSTM}): the state an LSTM that reads every text
 * pre-padded with the pad token to `maxLength` steps and unmasked (Keras's `pad_sequences` default, PyTorch
 * without packed sequences) has reached when the text's first token arrives.
 *
 * A text of `len` tokens comes after P = maxLength − len pads. From the zero state s₀ = (h = 0, c = 0),
 * s_{j+1} = LSTMcell(s_j, x_pad), where x_pad is the pad token's input projection (`pad_input · W + b`). The
 * trajectory s₀ … s_P is the same for every text, so one run of batch 1 over P_max = maxLength − (shortest
 * length) steps serves a whole batch: row b starts from s_{P_b}. Backward, each row's initial-state gradient
 * enters the trajectory at its step P_b, and one reverse pass accumulates the gradients of x_pad and U.
 *
 * Plain JavaScript on typed arrays (P_max ≤ maxLength steps of H·4H multiply-adds; the backward pass's dU is
 * one matrix multiply on the backend), the same forward function for training and prediction, so a bundle
 * starts its texts from the same states in every runtime. Sums run in double precision in a fixed order;
 * states and gates are stored as float32.
 */
import { matMul, tensor2d } from '@tensorflow/tfjs-core';
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
  /** Steps run (P_max). */
  readonly steps: number;
  /** H. */
  readonly units: number;
  /** s₀ … s_steps: [(steps + 1), 2H], each h then c (s₀ = 0). */
  readonly states: Float32Array;
  /** Activated gates i, f, g, o of steps 1 … steps: [steps, 4H]. */
  readonly gates: Float32Array;
}

function sig(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Runs the LSTM cell `steps` times on the constant input projection `xPad` ([4H], gates i, f, g, o) from the
 * zero state, with recurrent kernel `u` ([H, 4H], row-major).
 *
 * @param xPad - The pad token's input projection, x_pad = pad_input · W + b ([4H]).
 * @param u - Recurrent kernel [H, 4H].
 * @param units - H.
 * @param steps - How many pad steps (the largest pad count of the batch, or maxLength).
 * @returns The states s₀ … s_steps and the gates.
 */
export function runPadTrajectory(xPad: Float32Array, u: Float32Array, units: number, steps: number): PadTrajectory {
  const H = units;
  const G = 4 * H;
  const states = new Float32Array((steps + 1) * 2 * H);
  const gates = new Float32Array(steps * G);
  const z = new Float64Array(G);
  // Uᵀ ([4H, H]): each gate's column of U contiguous, for the dot products below.
  const ut = new Float32Array(G * H);
  for (let q = 0; q < H; q++) for (let k = 0; k < G; k++) ut[k * H + q] = u[q * G + k]!;
  for (let j = 1; j <= steps; j++) {
    const prev = (j - 1) * 2 * H;
    // z = x_pad + h_{j−1} · U (h₀ = 0 adds nothing), q in order.
    for (let k = 0; k < G; k++) {
      let sum = xPad[k]!;
      if (j > 1) {
        const col = k * H;
        for (let q = 0; q < H; q++) sum += states[prev + q]! * ut[col + q]!;
      }
      z[k] = sum;
    }
    const go = (j - 1) * G;
    const so = j * 2 * H;
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
  }
  return { steps, units, states, gates };
}

/**
 * Each row's starting state: s_{counts[b]} of the trajectory, as [batch, 2H] (row b: h₀ then c₀).
 *
 * @param states - [(steps + 1), 2H] from {@link runPadTrajectory}, steps ≥ every count.
 * @param counts - [batch] pad counts.
 * @param units - H.
 * @returns [batch, 2H].
 */
export function rowStarts(states: Float32Array, counts: Int32Array, units: number): Float32Array {
  const width = 2 * units;
  const out = new Float32Array(counts.length * width);
  counts.forEach((p, b) => {
    out.set(states.subarray(p * width, (p + 1) * width), b * width);
  });
  return out;
}

/**
 * Backward through the trajectory: the gradients of x_pad ([4H]) and U ([H, 4H]) from the gradient of each
 * row's starting state (`dStarts` [batch, 2H], row b's entering at step `counts[b]`). From the last step down
 * to the first: at step j the rows starting there are added (in row order), then the step is backpropagated.
 * A row with no pad step starts from the constant zero state: its gradient stops there.
 *
 * @param trajectory - The forward pass ({@link runPadTrajectory}) with at least max(counts) steps.
 * @param u - Recurrent kernel [H, 4H].
 * @param dStarts - [batch, 2H]: d h₀ then d c₀ of each row.
 * @param counts - [batch] pad counts.
 * @returns `dxPad` [4H] and `du` [H, 4H].
 */
export function padTrajectoryBackward(
  trajectory: PadTrajectory,
  u: Float32Array,
  dStarts: Float32Array,
  counts: Int32Array,
): { dxPad: Float32Array; du: Float32Array } {
  const { states, gates, units: H } = trajectory;
  const G = 4 * H;
  let steps = 0;
  for (const p of counts) steps = Math.max(steps, p);
  if (steps > trajectory.steps) throw new Error(`padTrajectoryBackward: a row starts after ${steps} pad steps, but the trajectory has ${trajectory.steps}.`);
  // Rows by the step they start at, each list in row order.
  const startingAt: number[][] = Array.from({ length: steps + 1 }, () => []);
  counts.forEach((p, b) => {
    startingAt[p]!.push(b);
  });
  const dh = new Float64Array(H);
  const dc = new Float64Array(H);
  const dz = new Float64Array(G);
  const dxPad = new Float64Array(G);
  // dz of steps 2 … steps and the h before each ([steps − 1] rows): dU = hPrevᵀ · dZ, one matrix multiply.
  const dzAll = new Float32Array(Math.max(0, steps - 1) * G);
  const hPrev = new Float32Array(Math.max(0, steps - 1) * H);
  for (let j = steps; j >= 1; j--) {
    for (const b of startingAt[j]!) {
      const o = b * 2 * H;
      for (let m = 0; m < H; m++) {
        dh[m]! += dStarts[o + m]!;
        dc[m]! += dStarts[o + H + m]!;
      }
    }
    const go = (j - 1) * G;
    const prev = (j - 1) * 2 * H;
    const so = j * 2 * H;
    for (let m = 0; m < H; m++) {
      const i = gates[go + m]!;
      const f = gates[go + H + m]!;
      const g = gates[go + 2 * H + m]!;
      const o = gates[go + 3 * H + m]!;
      const tc = Math.tanh(states[so + H + m]!);
      const dct = dc[m]! + dh[m]! * o * (1 - tc * tc);
      dz[m] = dct * g * i * (1 - i);
      dz[H + m] = dct * states[prev + H + m]! * f * (1 - f);
      dz[2 * H + m] = dct * i * (1 - g * g);
      dz[3 * H + m] = dh[m]! * tc * o * (1 - o);
      dc[m] = dct * f;
    }
    for (let k = 0; k < G; k++) dxPad[k]! += dz[k]!;
    if (j === 1) break; // h₀ = 0: no U term, and nothing before it
    dzAll.set(dz, (j - 2) * G);
    hPrev.set(states.subarray(prev, prev + H), (j - 2) * H);
    // dh_{j−1} = dz · Uᵀ.
    for (let q = 0; q < H; q++) {
      const row = q * G;
      let s = 0;
      for (let k = 0; k < G; k++) s += dz[k]! * u[row + k]!;
      dh[q] = s;
    }
  }
  const du = steps > 1 ? readTensor(() => matMul(tensor2d(hPrev, [steps - 1, H]), tensor2d(dzAll, [steps - 1, G]), true, false)) : new Float32Array(H * G);
  return { dxPad: Float32Array.from(dxPad), du };
}
