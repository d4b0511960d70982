/**
 * What Glossa's recurrent layers ({@link GlossaLSTM}, {@link GlossaGRU}) share: the weights (Keras names and
 * shapes, and a second set prefixed `backward_` when bidirectional), the input projection of every step as
 * one matrix multiply, the backward direction as the forward recurrence over the time-reversed sequence
 * (padding then comes first, where masked steps leave the zero state unchanged, so each row reads exactly
 * its own tokens last-to-first), and the step helpers of the fused recurrences.
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
  getBackend,
  matMul,
  reshape,
  reverse,
  type serialization,
  slice,
  tensor3d,
  tidy,
  tile,
  zeros,
} from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable, layers } from '@tensorflow/tfjs-layers';
import { type Kwargs, type Shape, maskOf, shapeOf, single } from './layer-io.js';
import { FUSED_RECURRENCES_FLAG, flagOn } from './flag-state.js';
import { padCounts } from './pad-trajectory.js';
import { activeWasmHeap, heapTensor } from './tensor-memory.js';

/** Backends whose data lives in CPU memory, where the fused recurrences pay off. */
const FUSED_BACKENDS = new Set(['cpu', 'wasm', 'tensorflow']);

/** Whether the fused recurrences run: the `GLOSSA_FUSED_RECURRENCES` flag on and a CPU-memory backend. */
export function fusedRecurrences(): boolean {
  return flagOn(FUSED_RECURRENCES_FLAG) && usesCpuMemory();
}

/** Whether the active backend keeps tensors in CPU memory (`cpu`, `wasm`, `tensorflow`), where reading them is cheap. */
export function usesCpuMemory(): boolean {
  return FUSED_BACKENDS.has(getBackend());
}

/**
 * Runs `f` and reads its tensor result into a typed array, disposing every tensor made. (Returning the
 * array from `tidy` instead would make tfjs walk all its elements looking for tensors.)
 */
export function readTensor(f: () => Tensor): Float32Array {
  const out = tidy(f);
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}

/**
 * A recurrence over a projected sequence `xw` ([batch, time, gates × units]) → last state [batch, units],
 * from a zero state or the learned initial state `init` (h₀, and c₀ for an LSTM; [units] each).
 */
export type Recurrence = (xw: Tensor3D, u: Tensor2D, mask: Tensor | undefined, init: readonly Tensor[] | undefined) => Tensor2D;

/**
 * A recurrence's two implementations: fused (CPU-memory backends; `training` records the gradient) and tfjs
 * ops. Those that support a padded start (`padTo`) also take `starts` ([batch, stateVectors × units]: each
 * row's own initial state, h₀ then c₀) and build them with `padStarts`.
 */
export interface RecurrenceImplementations {
  fused(xw: Tensor3D, u: Tensor2D, mask: Tensor | undefined, training: boolean, init: readonly Tensor[] | undefined, starts?: Tensor2D): Tensor2D;
  ops(xw: Tensor3D, u: Tensor2D, mask: Tensor | undefined, init: readonly Tensor[] | undefined, starts?: Tensor2D): Tensor2D;
  /**
   * Each row's padded start ([batch, stateVectors × units]): the state after `counts[b]` steps of the pad
   * token's input projection `xPad` ([1, gates × units]) from the zero state, differentiable in `xPad` and `u`.
   */
  padStarts?(xPad: Tensor2D, u: Tensor2D, counts: Int32Array, fused: boolean): Tensor2D;
}

/** A step mask ([batch, time], non-zero = real token), or none (every step real). */
export type StepMask = Uint8Array | Int32Array | Float32Array | undefined;

/**
 * Rows live at step `t` (mask ≠ 0), written into `live`; returns their count. Without a mask every row is
 * live. Only live rows take part in the step's matrix multiply (as PyTorch's packed sequences do), so a
 * batch costs its real tokens, not rows × longest row.
 */
export function liveRows(mask: StepMask, t: number, batch: number, time: number, live: Int32Array): number {
  let n = 0;
  for (let b = 0; b < batch; b++) if (mask === undefined || mask[b * time + t] !== 0) live[n++] = b;
  return n;
}

/** The `n` live rows of `src` ([batch, width]), packed into `scratch` when not every row is live. */
export function packRows(src: Float32Array, live: Int32Array, n: number, batch: number, width: number, scratch: Float32Array): Float32Array {
  if (n === batch) return src;
  for (let k = 0; k < n; k++) {
    const o = live[k]! * width;
    scratch.set(src.subarray(o, o + width), k * width);
  }
  return scratch.subarray(0, n * width);
}

/**
 * The gradient of a learned initial state shared by every row: per-row gradients `dh`, `dc` ([B, H]) summed
 * over the rows, in row order, as [2H] (h₀ then c₀).
 */
export function sumInitialGradients(dh: Float32Array, dc: Float32Array | undefined, batch: number, H: number): Float32Array {
  const out = new Float32Array(dc ? 2 * H : H);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < H; j++) {
      out[j]! += dh[b * H + j]!;
      if (dc) out[H + j]! += dc[b * H + j]!;
    }
  }
  return out;
}

/** Every row's starting state: zeros, or the learned `initial` vector ([H]) repeated. */
export function startingState(initial: Tensor | undefined, batch: number, units: number): Tensor2D {
  return initial ? (tile(reshape(initial, [1, units]), [batch, 1]) as Tensor2D) : zeros([batch, units]);
}

/** `x` ([batch, time, width]) with its time steps in reverse order, row by row. */
function flipSteps(x: ArrayLike<number>, batch: number, time: number, width: number): Float32Array {
  const out = new Float32Array(batch * time * width);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) {
      const from = (b * time + t) * width;
      out.set((x as Float32Array).subarray(from, from + width), (b * time + (time - 1 - t)) * width);
    }
  }
  return out;
}

/**
 * `x` ([batch, time, width]) with its steps reversed: on tfjs-wasm's memory each step's row is moved from tensor to
 * tensor there (no copy of either tensor out of that memory or in again), elsewhere through arrays.
 */
function flipTensor(x: Tensor, batch: number, time: number, width: number): Tensor3D {
  const heap = activeWasmHeap();
  if (!heap?.backend.dataIdMap.has(x.dataId)) return tensor3d(flipSteps(x.dataSync() as Float32Array, batch, time, width), [batch, time, width]);
  return heapTensor(heap, [batch, time, width], (out) => {
    const floats = new Float32Array(heap.memory.buffer);
    const src = heap.offsetOf(x) >> 2;
    const dst = out >> 2;
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < time; t++) {
        const from = src + (b * time + t) * width;
        floats.copyWithin(dst + (b * time + (time - 1 - t)) * width, from, from + width);
      }
    }
  }) as Tensor3D;
}

/**
 * tfjs's `reverse(x, 1)` (its gradient is the same reversal). On CPU-memory backends the copy runs here:
 * tfjs-backend-wasm's `Reverse` took 31% of a bidirectional LSTM training step (64 × 100 × 256), and reading the
 * tensor out of tfjs-wasm's memory, reversing it through arrays and copying it in again still took a third.
 */
export function reverseSteps(x: Tensor3D): Tensor3D {
  if (!usesCpuMemory()) return reverse(x, 1);
  const [batch, time, width] = x.shape;
  const op = customGrad((...args: Array<Tensor | GradSaveFunc>) => ({
    value: flipTensor(args[0] as Tensor, batch, time, width),
    gradFunc: (dy: Tensor) => flipTensor(dy, batch, time, width),
  }));
  return op(x) as Tensor3D;
}

/** Arguments of a recurrent layer. */
export interface RecurrentLayerArgs {
  units: number;
  /** Also run the sequence last-to-first with its own weights and concatenate both final states. */
  bidirectional?: boolean;
  /**
   * Start every text from a trained state (`initial_h`, and `initial_c` for an LSTM) instead of zeros — what
   * an unmasked, pre-padded Keras/PyTorch model learns implicitly from the padding it reads first.
   */
  learnedInitialState?: boolean;
  /**
   * `initialState: 'padded'`: every text starts from the state a model reading it pre-padded with the pad
   * token to `padTo` steps, unmasked, has reached at its first token (`padTo` − its length pad steps). The
   * input's first step must be the pad token, masked, in every row (the classifier puts one there): its
   * input projection is the pad's. One direction only, and not with `learnedInitialState`.
   */
  padTo?: number;
  name?: string;
  trainable?: boolean;
}

interface Direction {
  kernel: LayerVariable;
  recurrentKernel: LayerVariable;
  bias: LayerVariable;
  initial: LayerVariable[];
}

/** Base of Glossa's recurrent layers: `[batch, time, dim]` → last hidden state `[batch, units × directions]`. */
export class RecurrentLayer extends layers.Layer {
  readonly units: number;
  readonly bidirectional: boolean;
  readonly learnedInitialState: boolean;
  /** See {@link RecurrentLayerArgs.padTo}; 0 when absent. */
  readonly padTo: number;
  private readonly gates: number;
  /** State vectors of the cell: 2 (h, c) for an LSTM, 1 (h) otherwise. */
  private readonly stateVectors: number;
  private readonly implementations: RecurrenceImplementations;
  private directions: Direction[] = [];

  protected constructor(args: RecurrentLayerArgs, gates: number, stateVectors: number, implementations: RecurrenceImplementations) {
    super(args);
    this.units = args.units;
    this.bidirectional = args.bidirectional === true;
    this.learnedInitialState = args.learnedInitialState === true;
    this.padTo = args.padTo ?? 0;
    if (this.padTo !== 0) {
      if (!Number.isInteger(this.padTo) || this.padTo < 1)
        throw new Error(`${this.getClassName()}: padTo must be a positive integer (got ${String(args.padTo)}).`);
      if (this.bidirectional || this.learnedInitialState)
        throw new Error(`${this.getClassName()}: padTo is for one direction without a learned initial state.`);
      if (!implementations.padStarts) throw new Error(`${this.getClassName()}: padTo is not available for this layer.`);
    }
    this.gates = gates;
    this.stateVectors = stateVectors;
    this.implementations = implementations;
    this.supportsMasking = true;
  }

  private recurrence(xw: Tensor3D, u: Tensor2D, mask: Tensor | undefined, init: readonly Tensor[] | undefined, training: boolean): Tensor2D {
    const fused = fusedRecurrences();
    const starts = this.padTo !== 0 ? this.paddedStarts(xw, u, mask, fused) : undefined;
    if (fused) return this.implementations.fused(xw, u, mask, training, init, starts);
    return this.implementations.ops(xw, u, mask, init, starts);
  }

  /** Each row's padded start from the pad projection at step 0 of row 0 (see {@link RecurrentLayerArgs.padTo}). */
  private paddedStarts(xw: Tensor3D, u: Tensor2D, mask: Tensor | undefined, fused: boolean): Tensor2D {
    const [batch, time, width] = xw.shape;
    if (!mask) throw new Error(`${this.getClassName()}: padTo needs the input's mask (the pad token's steps).`);
    const m = cast(mask, 'int32').dataSync() as Int32Array;
    for (let b = 0; b < batch; b++) {
      if (m[b * time] !== 0) throw new Error(`${this.getClassName()}: with padTo every row must start with a pad step.`);
    }
    const xPad = reshape(slice(xw, [0, 0, 0], [1, 1, width]), [1, width]) as Tensor2D;
    return this.implementations.padStarts!(xPad, u, padCounts(m, batch, time, this.padTo), fused);
  }

  override build(inputShape: Shape | Shape[]): void {
    const dim = shapeOf(inputShape)[2];
    if (typeof dim !== 'number') throw new Error(`${this.getClassName()}: the last input dimension must be known.`);
    const zeros0 = initializers.zeros();
    const width = this.gates * this.units;
    this.directions = (this.bidirectional ? ['', 'backward_'] : ['']).map((prefix) => ({
      kernel: this.addWeight(`${prefix}kernel`, [dim, width], 'float32', zeros0, undefined, true),
      recurrentKernel: this.addWeight(`${prefix}recurrent_kernel`, [this.units, width], 'float32', zeros0, undefined, true),
      bias: this.addWeight(`${prefix}bias`, [width], 'float32', zeros0, undefined, true),
      initial: this.learnedInitialState
        ? ['h', 'c'].slice(0, this.stateVectors).map((v) => this.addWeight(`${prefix}initial_${v}`, [this.units], 'float32', zeros0, undefined, true))
        : [],
    }));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [shapeOf(inputShape)[0] ?? null, this.units * (this.bidirectional ? 2 : 1)];
  }

  override computeMask(): Tensor {
    return null as unknown as Tensor;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return tidy(() => {
      const x = single(inputs) as Tensor3D;
      const mask = maskOf(kwargs);
      const [batch, time, dim] = x.shape;
      const width = this.gates * this.units;
      const flat = reshape(x, [batch * time, dim]);
      const states = this.directions.map((d, i) => {
        let xw = reshape(add(matMul(flat, d.kernel.read() as Tensor2D), d.bias.read()), [batch, time, width]) as Tensor3D;
        let m = mask;
        if (i === 1) {
          xw = reverseSteps(xw);
          m = mask ? reverse(cast(mask, 'int32'), 1) : undefined;
        }
        const init = d.initial.length > 0 ? d.initial.map((v) => v.read()) : undefined;
        return this.recurrence(xw, d.recurrentKernel.read() as Tensor2D, m, init, kwargs.training === true);
      });
      return states.length === 1 ? states[0]! : concat(states, 1);
    });
  }

  override getConfig(): serialization.ConfigDict {
    // `bidirectional` and `learnedInitialState` only when set, so other topologies stay as earlier versions wrote them.
    return {
      ...super.getConfig(),
      units: this.units,
      ...(this.bidirectional ? { bidirectional: true } : {}),
      ...(this.learnedInitialState ? { learnedInitialState: true } : {}),
      ...(this.padTo !== 0 ? { padTo: this.padTo } : {}),
    };
  }
}
