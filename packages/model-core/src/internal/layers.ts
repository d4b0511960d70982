/**
 * Glossa's custom tfjs layers. They are ordinary, serialisable tfjs-layers classes (registered with
 * `serialization.registerClass`), so models that use them save, load and run on every backend.
 *
 * - `GlossaEmbedding`: a lookup table whose gradient is a scatter-add over the ids actually present
 *   (O(ids × dim)), instead of tfjs's `UnsortedSegmentSum` (about 16 minutes a step on the cpu backend for
 *   20,000 × 64, and missing on wasm). Produces the padding mask (id 0).
 * - `GlossaMaskedMean`: the average of the unmasked time steps (fastText-style bag of embeddings).
 * - `GlossaConv1D`: a 1-D convolution as one matrix multiply over unfolded windows (im2col), ReLU, with a
 *   mask of the windows that start on a real token. Its gradient uses only slice/concat/matmul, which every
 *   backend has (tfjs's Conv1D backward kernels are missing on wasm).
 * - `GlossaGlobalMaxPool1D`: max over the unmasked time steps of non-negative features.
 * - `GlossaDropout`: inverted dropout with a seed that advances every call, so runs are repeatable and
 *   masks differ between steps.
 */
import {
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  type Tensor3D,
  type GradSaveFunc,
  cast,
  concat,
  customGrad,
  gather,
  getBackend,
  greater,
  logicalOr,
  matMul,
  max,
  maximum,
  mul,
  notEqual,
  randomUniform,
  relu,
  reshape,
  scalar,
  type serialization,
  slice,
  sum,
  tensor2d,
  tidy,
  add,
  div,
  expandDims,
  range,
  equal,
  tile,
} from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import { GlossaGRU } from './fused-gru.js';
import { GlossaLSTM } from './fused-lstm.js';
import { GlossaTransformer } from './transformer.js';
import { type Kwargs, type Shape, maskOf, shapeOf, single } from './layer-io.js';
import { usesCpuMemory } from './recurrent.js';
import { cnnTrainKernel } from './cnn-train.js';
import { activeHeapKernel } from './gemm-wasm.js';
import { heapTensor, heapTensors, peekValues, writeTensors } from './tensor-memory.js';

type ConfigDict = serialization.ConfigDict;

interface BaseLayerArgs {
  name?: string;
  trainable?: boolean;
}

/**
 * Scatter-add of `dy` rows into a dense `[vocab, dim]` gradient, touching only the ids present: into a new
 * zeroed array, or added into `into`.
 */
export function scatterAddRows(ids: Int32Array | Float32Array | Uint8Array, dy: Float32Array, vocab: number, dim: number, into?: Float32Array): Float32Array {
  const out = into ?? new Float32Array(vocab * dim);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= vocab) continue;
    const dst = id * dim;
    const src = i * dim;
    for (let j = 0; j < dim; j++) out[dst + j]! += dy[src + j]!;
  }
  return out;
}

/**
 * Rows `ids` of `table` ([ids, dim]). On backends whose tensors live in CPU memory the rows are copied in
 * JavaScript, straight from tfjs-wasm's memory into the result's (tensor-memory.ts): tfjs-backend-wasm's
 * generic `Gather` computes an index per float and took 13.5 ms for 6,400 rows of a 20,000 × 64 table (one
 * training batch of 64 × 100 tokens) against 1 ms here. Elsewhere (GPU backends) tfjs's `gather`. Identical
 * values either way; an id outside the table reads zeros.
 */
export function gatherRows(table: Tensor2D, ids: Tensor): Tensor2D {
  if (!usesCpuMemory()) return gather(table, ids) as Tensor2D;
  const [vocab, dim] = table.shape;
  const on = activeHeapKernel();
  if (on && table.dtype === 'float32' && ids.dtype === 'int32') {
    // WebAssembly on tfjs-wasm's memory: the same rows, copied without a JavaScript loop.
    const { heap, kernel } = on;
    return heapTensor(heap, [ids.size, dim], (out) => kernel.gatherRows(heap.offsetOf(table), heap.offsetOf(ids), ids.size, dim, vocab, out)) as Tensor2D;
  }
  const [out] = writeTensors([[ids.size, dim]], [table, ids], ([rows], [values, idv]) => {
    for (let i = 0; i < idv!.length; i++) {
      const id = idv![i]!;
      if (id >= 0 && id < vocab) rows!.set(values!.subarray(id * dim, id * dim + dim), i * dim);
      else rows!.fill(0, i * dim, i * dim + dim);
    }
  });
  return out as Tensor2D;
}

/**
 * Looks up rows of `table` for `ids` (any shape) with a sparse scatter-add gradient.
 * Out-of-range ids read as `<unk>`-free zeros are impossible: ids are clipped by the caller's vocabulary.
 */
export function embeddingLookup(table: Tensor2D, ids: Tensor): Tensor {
  const [vocab, dim] = table.shape;
  const flat = reshape(cast(ids, 'int32'), [-1]);
  const lookup = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const t = args[0] as Tensor;
    const save = args[1] as GradSaveFunc;
    // The ids are saved with the op (the caller's tidy may dispose `flat` before backpropagation).
    save([flat]);
    const value = gatherRows(t as Tensor2D, flat);
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor => {
      const on = activeHeapKernel();
      if (on && dy.dtype === 'float32') {
        // WebAssembly SIMD on tfjs-wasm's memory: the same zeros and additions, in the same order.
        const { heap, kernel } = on;
        return heapTensor(heap, [vocab, dim], (grad) => kernel.scatterRows(heap.offsetOf(saved[0]!), heap.offsetOf(dy), saved[0]!.size, dim, vocab, grad));
      }
      return writeTensors([[vocab, dim]], [saved[0]!, dy], ([grad], [idv, dyv]) => {
        grad!.fill(0);
        scatterAddRows(idv!, dyv as Float32Array, vocab, dim, grad);
      })[0]!;
    };
    return { value, gradFunc };
  });
  return reshape(lookup(table), [...ids.shape, dim]);
}

/** Arguments of {@link GlossaEmbedding}. */
export interface GlossaEmbeddingArgs extends BaseLayerArgs {
  inputDim: number;
  outputDim: number;
}

/** Token-id → vector lookup with a sparse gradient and a padding mask (id 0). */
export class GlossaEmbedding extends layers.Layer {
  static className = 'GlossaEmbedding';
  readonly inputDim: number;
  readonly outputDim: number;
  private table: LayerVariable | null = null;

  constructor(args: GlossaEmbeddingArgs) {
    super(args);
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.supportsMasking = true;
  }

  override build(): void {
    this.table = this.addWeight('embeddings', [this.inputDim, this.outputDim], 'float32', initializers.zeros(), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...shapeOf(inputShape), this.outputDim];
  }

  override computeMask(inputs: Tensor | Tensor[]): Tensor {
    return tidy(() => notEqual(single(inputs), scalar(0, 'int32')));
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tidy(() => embeddingLookup(this.table!.read() as Tensor2D, single(inputs)));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), inputDim: this.inputDim, outputDim: this.outputDim };
  }
}

/** Base of the masked pooling layers: `[batch, time, dim]` (+ mask) → `[batch, dim]`, mask consumed. */
abstract class MaskedPooling1D extends layers.Layer {
  constructor(args: BaseLayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeOf(inputShape);
    return [s[0] ?? null, s[2] ?? null];
  }

  override computeMask(): Tensor {
    return null as unknown as Tensor;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return tidy(() => {
      const mask = maskOf(kwargs);
      return this.pool(single(inputs), mask ? expandDims(cast(mask, 'float32'), 2) : undefined);
    });
  }

  /** Pools `x` over time; `mask` is `[batch, time, 1]` of 0/1 when present. */
  protected abstract pool(x: Tensor, mask: Tensor | undefined): Tensor;
}

const MASKED_MEAN_BACKENDS = new Set(['cpu', 'wasm']);

/** Mean of the unmasked time steps: `[batch, time, dim]` → `[batch, dim]`. Empty rows give zeros. */
export class GlossaMaskedMean extends MaskedPooling1D {
  static className = 'GlossaMaskedMean';

  protected pool(x: Tensor, mask: Tensor | undefined): Tensor {
    if (!mask) return div(sum(x, 1), scalar(x.shape[1] ?? 1));
    // The fused pass on the backends whose sums it reproduces to the bit (tfjs-node's order is its own).
    if (MASKED_MEAN_BACKENDS.has(getBackend())) return maskedMean(x as Tensor3D, mask);
    return div(sum(mul(x, mask), 1), maximum(sum(mask, 1), scalar(1)));
  }
}

/**
 * The mean over the unmasked steps of `x` ([batch, time, dim], mask [batch, time, 1] of 0/1) in one pass each
 * way, read and written in place (tensor-memory.ts): the bits of `sum(x · mask, 1) / max(sum(mask, 1), 1)` as
 * tfjs computes it (each step added in order, rounded to float32; the gradient `dy / count` at every unmasked
 * step), without the ops' intermediates — tfjs's `Sum` gradient alone builds an array of ones the size of the
 * input every step.
 */
export function maskedMean(x: Tensor3D, mask: Tensor): Tensor2D {
  const [batch, time, dim] = x.shape;
  // tfjs-wasm's Sum adds in float32; the cpu backend's in a float64 accumulator rounded once at the end.
  const wide = getBackend() === 'cpu';
  const on = !wide && mask.dtype === 'float32' ? activeHeapKernel() : undefined;
  if (on) {
    // WebAssembly SIMD on tfjs-wasm's memory (gemm-wasm.ts): the same float32 operations in the same order.
    const { heap, kernel } = on;
    const heapOp = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
      (args[1] as GradSaveFunc)([mask]); // kept for the gradient (the caller's tidy may free it first)
      const value = heapTensor(heap, [batch, dim], (out) => kernel.maskedMean(heap.offsetOf(args[0] as Tensor), heap.offsetOf(mask), batch, time, dim, out));
      return {
        value: value as Tensor2D,
        gradFunc: (dy: Tensor, saved: Tensor[]) =>
          heapTensor(heap, [batch, time, dim], (dx) => kernel.maskedMeanGradient(heap.offsetOf(dy), heap.offsetOf(saved[0]!), batch, time, dim, dx)),
      };
    });
    return heapOp(x) as Tensor2D;
  }
  const m = mask.dataSync();
  const counts = new Float32Array(batch);
  for (let b = 0; b < batch; b++) {
    let c = 0;
    for (let t = 0; t < time; t++) c = Math.fround(c + m[b * time + t]!);
    counts[b] = Math.max(c, 1);
  }
  const op = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const [value] = writeTensors([[batch, dim]], [args[0] as Tensor], ([out], [v]) => {
      const o = out!;
      const acc = wide ? new Float64Array(dim) : o;
      for (let b = 0; b < batch; b++) {
        const sums = wide ? acc : acc.subarray(b * dim, (b + 1) * dim);
        sums.fill(0);
        for (let t = 0; t < time; t++) {
          const w = m[b * time + t]!;
          const row = (b * time + t) * dim;
          // Every step is added, as tfjs's sum of x · mask does (a masked step adds x · 0).
          for (let d = 0; d < dim; d++) sums[d] = sums[d]! + Math.fround(v![row + d]! * w);
        }
        for (let d = 0; d < dim; d++) o[b * dim + d] = Math.fround(sums[d]!) / counts[b]!;
      }
    });
    return {
      value: value as Tensor2D,
      gradFunc: (dy: Tensor) =>
        writeTensors([[batch, time, dim]], [dy], ([dx], [g]) => {
          const out = dx!;
          const scaled = new Float32Array(dim);
          for (let b = 0; b < batch; b++) {
            for (let d = 0; d < dim; d++) scaled[d] = g![b * dim + d]! / counts[b]!;
            for (let t = 0; t < time; t++) {
              const w = m[b * time + t]!;
              const row = (b * time + t) * dim;
              for (let d = 0; d < dim; d++) out[row + d] = scaled[d]! * w;
            }
          }
        })[0]!,
    };
  });
  return op(x) as Tensor2D;
}

/** Arguments of {@link GlossaConv1D}. */
export interface GlossaConv1DArgs extends BaseLayerArgs {
  filters: number;
  kernelSize: number;
  /**
   * Whether each text's output also keeps the window just past its end, made only of padding (the
   * embedding of id 0): a learned floor under each filter's max pooling, as every short text of an
   * unmasked, pre-padded Keras or PyTorch CNN has. Needs `kernelSize` padding steps after the longest text.
   * Default false (bundles saved before it).
   */
  paddingWindow?: boolean;
  /**
   * Whether every text comes after `kernelSize` steps of padding (the classifier's batching puts them there)
   * and each text's output keeps the windows over them: the all-padding window (window 0) and the
   * `kernelSize − 1` windows straddling the text's start, as in an unmasked, pre-padded Keras or PyTorch
   * CNN; windows past the text's end are masked. Default false.
   */
  leadingPadding?: boolean;
}

/**
 * Valid 1-D convolution + ReLU as one matrix multiply over unfolded windows. Inputs must be padded with
 * at least `kernelSize - 1` steps after the longest text (`kernelSize` with `paddingWindow`) so that every
 * window starting on a real token exists (the classifier's batching does this); the output mask marks
 * those windows (window 0 always), and with `paddingWindow` the all-padding window after each text too.
 */
export class GlossaConv1D extends layers.Layer {
  static className = 'GlossaConv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly paddingWindow: boolean;
  readonly leadingPadding: boolean;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;

  constructor(args: GlossaConv1DArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.paddingWindow = args.paddingWindow === true;
    this.leadingPadding = args.leadingPadding === true;
    if (this.paddingWindow && this.leadingPadding) throw new Error('GlossaConv1D: paddingWindow and leadingPadding exclude each other.');
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const dim = shapeOf(inputShape)[2];
    if (typeof dim !== 'number') throw new Error('GlossaConv1D: the last input dimension must be known.');
    this.kernel = this.addWeight('kernel', [this.kernelSize * dim, this.filters], 'float32', initializers.zeros(), undefined, true);
    this.bias = this.addWeight('bias', [this.filters], 'float32', initializers.zeros(), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = shapeOf(inputShape);
    const t = s[1];
    return [s[0] ?? null, typeof t === 'number' ? Math.max(t - this.kernelSize + 1, 0) : null, this.filters];
  }

  override computeMask(inputs: Tensor | Tensor[], mask?: Tensor | Tensor[]): Tensor {
    return tidy(() => {
      const x = single(inputs);
      const [batch, time] = x.shape as [number, number, number];
      const out = Math.max(time - this.kernelSize + 1, 1);
      const m = Array.isArray(mask) ? mask[0] : mask;
      if (usesCpuMemory()) {
        // The same mask from the few bytes of the input's (tfjs-wasm's broadcasting LogicalOr and the other small
        // ops took 1–1.5 ms of a full-length training step).
        return tensor2d(this.windowMask(m?.dataSync(), batch, time, out), [batch, out], 'bool');
      }
      const first = equal(range(0, out, 1, 'int32'), scalar(0, 'int32'));
      if (!m) return tile(reshape(equal(first, first), [1, out]), [batch, 1]);
      if (this.leadingPadding) {
        // Text at steps [k, k + len): window t ≥ 1 holds text iff its last step t + k − 1 does; window 0 is all padding.
        return logicalOr(slice(m, [0, this.kernelSize - 1], [batch, out]), expandDims(first, 0));
      }
      const real = logicalOr(slice(m, [0, 0], [batch, out]), expandDims(first, 0));
      if (!this.paddingWindow || out < 2) return real;
      // Padding follows each text (a prefix mask): window t is its first all-padding window when step t - 1 is real and t is not.
      // (A column of false from `first` rather than zerosLike: no kernel prediction does not already use.)
      const none = tile(reshape(slice(first, [1], [1]), [1, 1]), [batch, 1]);
      const afterReal = concat([none, slice(m, [0, 0], [batch, out - 1])], 1);
      return logicalOr(real, afterReal);
    });
  }

  /**
   * {@link GlossaConv1D.computeMask}'s values: window t is kept when it is the first, when it starts on a token
   * (with leading padding: ends on one), or with the padding window when the step before it is a token.
   */
  private windowMask(m: ArrayLike<number> | undefined, batch: number, time: number, out: number): Uint8Array {
    const keep = new Uint8Array(batch * out);
    for (let b = 0; b < batch; b++) {
      const at = (step: number): boolean => step >= 0 && step < time && m![b * time + step] !== 0;
      for (let t = 0; t < out; t++) {
        keep[b * out + t] = Number(
          !m || t === 0 || (this.leadingPadding ? at(t + this.kernelSize - 1) : at(t) || (this.paddingWindow && out >= 2 && at(t - 1))),
        );
      }
    }
    return keep;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tidy(() => {
      const x = single(inputs);
      const time = x.shape[1] as number;
      const k = this.kernelSize;
      const out = time - k + 1;
      if (out < 1) throw new Error(`GlossaConv1D: sequences of ${time} steps are shorter than the kernel (${k}).`);
      return reluConvolution(x as Tensor3D, this.kernel!.read() as Tensor2D, this.bias!.read() as Tensor1D, k);
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      ...(this.paddingWindow ? { paddingWindow: true } : {}),
      ...(this.leadingPadding ? { leadingPadding: true } : {}),
    };
  }
}

/**
 * A 1-D convolution with ReLU: `relu(windowsOf(x, k) · kernel + bias)`, `[batch, time, dim]` →
 * `[batch, time − k + 1, filters]`. On tfjs-wasm's memory (dim a multiple of 4) both passes are Glossa's
 * (gemm-wasm.ts), with the bits of the ops they replace: forward, the matrix product reads each window where it
 * lies in `x` (no 5×-larger window matrix) and adds the bias and the ReLU on the way out; backward, one pass
 * over the nonzero entries of `dy`. Under the global max pool one window per text and filter has a gradient,
 * and the two backward products (windowsᵀ · dy and dy · kernelᵀ, two thirds of a full-length cnn step)
 * computed every window's zeros. A dense `dy` gives the same result, more slowly than the products would;
 * elsewhere tfjs differentiates the ops.
 *
 * @param x - `[batch, time, dim]`, time ≥ k.
 * @param kernel - `[k × dim, filters]`.
 * @param bias - `[filters]`.
 * @param k - The kernel size.
 * @returns `[batch, time − k + 1, filters]`.
 */
export function reluConvolution(x: Tensor3D, kernel: Tensor2D, bias: Tensor1D, k: number): Tensor3D {
  const [batch, time, dim] = x.shape;
  const filters = kernel.shape[1];
  const out = time - k + 1;
  const forward = (input: Tensor3D, w: Tensor2D, b: Tensor1D): Tensor3D => {
    const windows = reshape(k === 1 ? input : windowsOf(input, k), [batch * out, k * dim]);
    return reshape(relu(add(matMul(windows, w), b)), [batch, out, filters]);
  };
  const on = dim % 4 === 0 ? activeHeapKernel() : undefined;
  if (!on) return forward(x, kernel, bias);
  const { heap, kernel: gemm } = on;
  const op = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const [input, w, b] = args as [Tensor3D, Tensor2D, Tensor1D];
    const value = heapTensor(heap, [batch, out, filters], (y) =>
      gemm.convolve({ x: heap.offsetOf(input), w: heap.offsetOf(w), bias: heap.offsetOf(b), y }, batch, time, dim, k, filters),
    ) as Tensor3D;
    (args[3] as GradSaveFunc)([input, w, value]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sw, sy] = saved as [Tensor, Tensor, Tensor];
        return heapTensors(heap, [[batch, time, dim], [k * dim, filters], [filters]], ([dx, dw, dbias]) =>
          gemm.convGradient(
            { x: heap.offsetOf(sx), y: heap.offsetOf(sy), dy: heap.offsetOf(dy), w: heap.offsetOf(sw), dx: dx!, dw: dw!, dbias: dbias! },
            batch,
            time,
            dim,
            k,
            filters,
          ),
        );
      },
    };
  });
  return op(x, kernel, bias) as Tensor3D;
}

/**
 * The convolution's windows (im2col): `[batch, time, dim]` → `[batch, time − k + 1, k × dim]`, window t holding
 * steps t … t + k − 1 side by side. As tfjs ops it is k slices and a concat, whose gradient (tfjs-wasm's
 * `SplitV` and the slices' `Pad`s) took about a fifth of a cnn training step at full length; on CPU-memory
 * backends it is one copy forward and one accumulation backward in JavaScript, with the gradient summed in
 * tfjs's order (the last window offset first, each addition rounded to float32), so both paths give the same
 * bits (tested).
 *
 * @param x - `[batch, time, dim]`, time ≥ k.
 * @param k - The kernel size.
 * @returns `[batch, time − k + 1, k × dim]`.
 */
export function windowsOf(x: Tensor3D, k: number): Tensor3D {
  const [batch, time, dim] = x.shape;
  const out = time - k + 1;
  if (!usesCpuMemory()) {
    return concat(
      Array.from({ length: k }, (_, i) => slice(x, [0, i, 0], [batch, out, dim])),
      2,
    ) as Tensor3D;
  }
  const op = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const [value] = writeTensors([[batch, out, k * dim]], [args[0] as Tensor], ([windows], [src]) => {
      for (let b = 0; b < batch; b++) {
        for (let t = 0; t < out; t++) {
          const from = (b * time + t) * dim;
          windows!.set(src!.subarray(from, from + k * dim), (b * out + t) * k * dim);
        }
      }
    });
    return {
      value: value as Tensor3D,
      gradFunc: (dy: Tensor) =>
        cnnTrainKernel()?.windowsGradient(dy, [batch, time, dim], k) ??
        writeTensors([[batch, time, dim]], [dy], ([dx], [g]) => {
          dx!.fill(0);
          // tfjs accumulates the slices' gradients last slice first: ((g_{k−1} + g_{k−2}) + …) + g_0 in float32.
          for (let b = 0; b < batch; b++) {
            for (let i = k - 1; i >= 0; i--) {
              for (let t = 0; t < out; t++) {
                const to = (b * time + t + i) * dim;
                const from = ((b * out + t) * k + i) * dim;
                for (let d = 0; d < dim; d++) dx![to + d] = dx![to + d]! + g![from + d]!; // stored as float32: rounded as tfjs rounds
              }
            }
          }
        })[0]!,
    };
  });
  return op(x) as Tensor3D;
}

/** Max over unmasked time steps of non-negative features: `[batch, time, dim]` → `[batch, dim]`. */
export class GlossaGlobalMaxPool1D extends MaskedPooling1D {
  static className = 'GlossaGlobalMaxPool1D';

  protected pool(x: Tensor, mask: Tensor | undefined): Tensor {
    // Features are ReLU outputs (≥ 0), so zeroing masked steps never raises the maximum.
    if (!usesCpuMemory()) return max(mask ? mul(x, mask) : x, 1);
    return maskedMaxPool(x as Tensor3D, mask);
  }
}

/**
 * Max over the unmasked steps of non-negative `x` ([batch, time, dim], mask [batch, time, 1]; 0 where every
 * step is masked) in JavaScript, with a gradient that routes each output's gradient to the step that held the
 * maximum. tfjs's `max` gradient compares the whole input with the broadcast maximum (`Equal`), which took 39%
 * of a CNN training step on wasm (64 × 96 windows × 128 filters). Same values; the gradient differs from
 * tfjs's only where two steps tie at a positive maximum (tfjs gives each the whole gradient, this the first).
 */
export function maskedMaxPool(x: Tensor3D, mask: Tensor | undefined): Tensor2D {
  const [batch, time, dim] = x.shape;
  const kernel = dim % 4 === 0 && (!mask || mask.dtype === 'float32') ? cnnTrainKernel() : undefined;
  const maskValues = mask && !kernel ? mask.dataSync() : undefined;
  const op = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    if (kernel) {
      // WebAssembly SIMD on tfjs-wasm's memory (cnn-train.ts): the same maxima and steps.
      const { pooled, at } = kernel.maskedMaxPool(args[0] as Tensor3D, mask);
      const maxima = pooled.dataSync() as Float32Array; // a copy, kept for the gradient
      return { value: pooled, gradFunc: (dy: Tensor) => maxPoolGradient(dy, at, maxima) };
    }
    const values = peekValues(args[0] as Tensor);
    const out = new Float32Array(batch * dim);
    const at = new Int32Array(batch * dim).fill(-1);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < time; t++) {
        if (maskValues && maskValues[b * time + t] === 0) continue;
        const row = (b * time + t) * dim;
        for (let j = 0; j < dim; j++) {
          const o = b * dim + j;
          const v = values[row + j]!;
          if (at[o]! < 0 || v > out[o]!) {
            out[o] = v;
            at[o] = t;
          }
        }
      }
    }
    for (let o = 0; o < out.length; o++) if (out[o]! < 0) out[o] = 0;
    return { value: tensor2d(out, [batch, dim]), gradFunc: (dy: Tensor) => maxPoolGradient(dy, at, out) };
  });
  /** Each output's gradient to the step that held its maximum (none where the maximum is 0). */
  const maxPoolGradient = (dy: Tensor, at: Int32Array, out: Float32Array): Tensor =>
    writeTensors([[batch, time, dim]], [dy], ([dx], [d]) => {
      dx!.fill(0);
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < dim; j++) {
          const o = b * dim + j;
          const t = at[o]!;
          if (t >= 0 && out[o]! > 0) dx![(b * time + t) * dim + j] = d![o]!;
        }
      }
    })[0]!;
  return op(x) as Tensor2D;
}

/** Arguments of {@link GlossaDropout}. */
export interface GlossaDropoutArgs extends BaseLayerArgs {
  rate: number;
  seed: number;
}

/** Inverted dropout, active only in training, with a seed that advances on every call (repeatable runs). */
export class GlossaDropout extends layers.Layer {
  static className = 'GlossaDropout';
  readonly rate: number;
  readonly seed: number;
  /** How many training calls have drawn a mask; part of the training state. */
  calls = 0;

  constructor(args: GlossaDropoutArgs) {
    super(args);
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return shapeOf(inputShape);
  }

  override computeMask(_inputs: Tensor | Tensor[], mask?: Tensor | Tensor[]): Tensor {
    return (Array.isArray(mask) ? mask[0] : mask) as Tensor;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = single(inputs);
    if (kwargs.training !== true || this.rate <= 0) return x;
    const seed = (this.seed + 7919 * ++this.calls) % 2147483647;
    return tidy(() => {
      const keep = greater(randomUniform(x.shape, 0, 1, 'float32', seed), scalar(this.rate));
      return div(mul(x, cast(keep, 'float32')), scalar(1 - this.rate));
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

/** Glossa's layer classes, in the order tfjs serialization registers them (`registerGlossaLayers`). */
export const GLOSSA_LAYER_CLASSES = [
  GlossaEmbedding,
  GlossaMaskedMean,
  GlossaConv1D,
  GlossaGlobalMaxPool1D,
  GlossaDropout,
  GlossaLSTM,
  GlossaGRU,
  GlossaTransformer,
] as const;

/** Class names a bundle's topology may contain (anything else is refused on load). */
export const ALLOWED_LAYER_CLASSES: ReadonlySet<string> = new Set([
  'InputLayer',
  'GlossaEmbedding',
  'GlossaMaskedMean',
  'GlossaConv1D',
  'GlossaGlobalMaxPool1D',
  'GlossaDropout',
  'GlossaLSTM',
  'LSTM',
  'GlossaGRU',
  'GlossaTransformer',
  'Dense',
]);
