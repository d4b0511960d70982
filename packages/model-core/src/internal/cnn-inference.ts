/**
 * Inference fast path for `cnn` models (Embedding → GlossaConv1D → GlossaGlobalMaxPool1D → [Dropout] →
 * Dense softmax) on backends whose tensors live in CPU memory.
 *
 * Through tfjs-layers a batch costs a dozen ops (the embedding gather, `kernelSize` slices and a concat to
 * unfold the windows, the matrix multiply, the window mask, reading the activations back for the pooling):
 * on SST-2 most of the time went to the unfolding, the reads and op dispatch, not to arithmetic. The
 * convolution is linear in each window's embeddings, so window `t` before the ReLU is
 * `b + Σᵢ T[id(t + i)][i]` with the projected table `T[id][i] = E[id] · Kᵢ` (`Kᵢ` the kernel rows of offset
 * `i`; [vocabulary, kernelSize, filters]), made with one matrix multiply per set of weights. A window is then
 * `kernelSize` row additions, the pooling a running maximum (ReLU ≥ 0, so the maximum of the pre-activations
 * clamped at 0 is the pooled ReLU), and the output layer a small product and softmax in JavaScript.
 *
 * The windows pooled are exactly those {@link GlossaConv1D}'s mask keeps, read from the id matrix (id 0 is
 * padding): window 0 always; with `leadingPadding` ('padded') window `t` when step `t + kernelSize − 1` is a
 * token; otherwise when step `t` is, and with `paddingWindow` ('learned') also when step `t − 1` is.
 * Results equal the layers path to float rounding (tested).
 *
 * The window sums and the pooling run in a WebAssembly SIMD kernel (assembly/cnn.ts; float32 sums) where
 * WebAssembly SIMD is available and the `GLOSSA_WASM_KERNELS` flag is on, in JavaScript otherwise.
 *
 * The table is rebuilt whenever any weight changes ({@link weightCache}). When it would exceed
 * {@link MAX_CNN_TABLE_BYTES}, each batch projects only its own distinct ids (a gather and one matrix
 * multiply) into a table of the batch.
 */
import { type Tensor, type Tensor2D, matMul, reshape, tensor2d, tidy, transpose } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { cnnModule } from './cnn-train.js';
import { CNN_WASM_BASE64 } from './cnn-wasm.generated.js';
import { WASM_KERNELS_FLAG, flagOn } from './flag-state.js';
import { denseSoftmax } from './inference-chain.js';
import { readTensor, usesCpuMemory } from './recurrent.js';
import { type WasmHeap, activeWasmHeap, heapDriverOf, withScratch } from './tensor-memory.js';
import { type KernelInstance, align, compileKernel, instantiateKernel } from './wasm-module.js';
import { weightCache } from './weight-cache.js';

/** Largest projected table kept in memory (bytes). */
export const MAX_CNN_TABLE_BYTES = 64 * 1024 * 1024;

/** A reusable predictor for one cnn model; `run` returns softmax probabilities. */
export interface CnnInference {
  /**
   * Probabilities ([rows, classes]) of a row-major `[rows, length]` id matrix padded with 0 as the
   * classifier's batching pads it, or `undefined` when the backend's tensors are not in CPU memory or the
   * matrix is shorter than the kernel (use the layers model).
   */
  run(ids: Int32Array, rows: number, length: number): Float32Array | undefined;
  /** Frees the cached table. */
  dispose(): void;
}

/** Options of {@link createCnnInference} (tests use them to reach every path). */
export interface CnnInferenceOptions {
  /** Largest table kept (bytes); default {@link MAX_CNN_TABLE_BYTES}. Beyond it, a table per batch. */
  maxTableBytes?: number;
  /** Use the WebAssembly SIMD kernel when available (default true); false = JavaScript. */
  wasm?: boolean;
}

/** Rows predicted by the cnn fast path since the process started (tests check it is used). */
let rowsPredicted = 0;

/** How many rows the cnn fast path has predicted (a counter for tests, never reset). */
export function cnnFastRows(): number {
  return rowsPredicted;
}

interface KernelExports {
  cnnPool(table: number, bias: number, ids: number, out: number, rows: number, length: number, k: number, width: number, mode: number): void;
}

/**
 * The WebAssembly kernel holding one table: its memory is the table ([vocab, k, width] with `width` the filters
 * rounded up to 4, zero-filled), the bias, then each batch's ids and pooled features.
 */
interface CnnKernel {
  pool(ids: Int32Array, rows: number, length: number): Float64Array;
  /** A view of the kernel's table (rows of `k × width` floats; valid until the next `pool`). */
  table(): { table: Float32Array; width: number };
}

function createCnnKernel(w: CnnWeights, table: Float32Array): CnnKernel | undefined {
  const mod = compileKernel(CNN_WASM_BASE64);
  if (!mod) return undefined;
  const kernel: KernelInstance<KernelExports> = instantiateKernel<KernelExports>(mod);
  const { kernelSize: k, filters: F } = w;
  const width = (F + 3) & ~3;
  const entries = table.length / (k * F);
  const biasAt = align(entries * k * width * 4);
  const idsAt = align(biasAt + width * 4);
  kernel.ensure(idsAt);
  const packed = kernel.f32(0, entries * k * width);
  if (width === F) packed.set(table);
  else for (let row = 0; row < entries * k; row++) packed.set(table.subarray(row * F, row * F + F), row * width);
  kernel.f32(biasAt, F).set(w.bias);
  const mode = w.leadingPadding ? 2 : w.paddingWindow ? 1 : 0;
  return {
    pool(ids, rows, length) {
      const outAt = align(idsAt + ids.length * 4);
      kernel.ensure(outAt + rows * width * 4);
      const buffer = kernel.f32(0, 0).buffer;
      new Int32Array(buffer, idsAt, ids.length).set(ids);
      kernel.exports.cnnPool(0, biasAt, idsAt, outAt, rows, length, k, width, mode);
      const out = kernel.f32(outAt, rows * width);
      const pooled = new Float64Array(rows * F);
      for (let r = 0; r < rows; r++) for (let f = 0; f < F; f++) pooled[r * F + f] = out[r * width + f]!;
      return pooled;
    },
    table: () => ({ table: kernel.f32(0, entries * k * width), width }),
  };
}

/** The kernel's exports on tfjs-wasm's memory, where the module runs there. */
const cnnOnHeap = heapDriverOf<KernelExports, KernelExports>(cnnModule, (e) => e);

/**
 * The kernel on tfjs-wasm's memory, reading the table where its tensor lies (`table`, [vocab, k × filters] with
 * `filters` a multiple of 4): no copy of it out of that memory or into one of the kernel's own, which took as
 * much memory again twice over (51 MB each for IMDB's 20,000 × 5 × 128). A batch's ids, the bias and the pooled
 * features use scratch memory there.
 */
function createHeapCnnKernel(w: CnnWeights, table: Tensor, heap: WasmHeap, e: KernelExports): CnnKernel {
  const { kernelSize: k, filters: F } = w;
  const mode = w.leadingPadding ? 2 : w.paddingWindow ? 1 : 0;
  return {
    pool(ids, rows, length) {
      const idsAt = align(F * 4);
      const outAt = align(idsAt + ids.length * 4);
      return withScratch(heap, outAt + rows * F * 4, (at) => {
        new Float32Array(heap.memory.buffer, at, F).set(w.bias);
        new Int32Array(heap.memory.buffer, at + idsAt, ids.length).set(ids);
        e.cnnPool(heap.offsetOf(table), at, at + idsAt, at + outAt, rows, length, k, F, mode);
        return Float64Array.from(new Float32Array(heap.memory.buffer, at + outAt, rows * F));
      });
    },
    table: () => ({ table: new Float32Array(heap.memory.buffer, heap.offsetOf(table), table.size), width: F }),
  };
}

/** The weights of one cnn model, read from its variables. */
interface CnnWeights {
  kernelSize: number;
  filters: number;
  paddingWindow: boolean;
  leadingPadding: boolean;
  /** `E · Kᵢ` for every id and offset ([vocab, kernelSize, filters]), or undefined when too large. */
  table: Float32Array | undefined;
  /** Without a table: the embedding [vocab, dim] and the kernel as [dim, kernelSize × filters] (owned). */
  embedding: Float32Array | undefined;
  dim: number;
  offsets: Tensor2D | undefined;
  bias: Float32Array;
  outKernel: Float32Array;
  outBias: Float32Array;
  /** The WebAssembly kernel holding `table`, when available. */
  wasm: CnnKernel | undefined;
  /** Where the kernel reads the table in a tensor on tfjs-wasm's memory: that memory and the tensor (owned). */
  onHeap: { heap: WasmHeap; table: Tensor } | undefined;
}

/** The embedding, convolution and output layers of a Glossa cnn model; undefined for any other model. */
function cnnLayers(model: LayersModel): LayersModel['layers'] | undefined {
  const names = model.layers.map((l) => l.getClassName());
  const n = names.length;
  const ok =
    (n === 5 || (n === 6 && names[4] === 'GlossaDropout')) &&
    names[0] === 'InputLayer' &&
    names[1] === 'GlossaEmbedding' &&
    names[2] === 'GlossaConv1D' &&
    names[3] === 'GlossaGlobalMaxPool1D' &&
    names[n - 1] === 'Dense';
  const dense = model.layers[n - 1];
  if (!ok || !dense || (dense.getConfig() as { activation?: unknown }).activation !== 'softmax' || dense.weights.length !== 2) return undefined;
  return [model.layers[1]!, model.layers[2]!, dense];
}

function readWeights(model: LayersModel, options: CnnInferenceOptions): CnnWeights | undefined {
  const found = cnnLayers(model);
  if (!found) return undefined;
  const [embeddingLayer, conv, dense] = found as [LayersModel['layers'][number], LayersModel['layers'][number], LayersModel['layers'][number]];
  const embedding = embeddingLayer.weights[0]?.read() as Tensor2D | undefined;
  const [kernel, bias] = conv.weights.map((w) => w.read() as Tensor);
  const [outKernel, outBias] = dense.weights.map((w) => w.read() as Tensor);
  if (!embedding || !kernel || !bias || !outKernel || !outBias) return undefined;
  const config = conv.getConfig() as { kernelSize?: unknown; paddingWindow?: unknown; leadingPadding?: unknown };
  const kernelSize = config.kernelSize;
  const [vocab, dim] = embedding.shape;
  const filters = kernel.shape[1]!;
  if (typeof kernelSize !== 'number' || kernel.shape[0] !== kernelSize * dim) return undefined;
  // [kernelSize × dim, filters] → [dim, kernelSize × filters]: column block i is offset i's kernel rows.
  const project = () => reshape(transpose(reshape(kernel, [kernelSize, dim, filters]), [1, 0, 2]), [dim, kernelSize * filters]) as Tensor2D;
  const useTable = vocab * kernelSize * filters * 4 <= (options.maxTableBytes ?? MAX_CNN_TABLE_BYTES);
  // On tfjs-wasm's memory the kernel reads the table in the tensor the product makes (filters a multiple of 4:
  // its rows need no padding).
  const heap = useTable && options.wasm !== false && filters % 4 === 0 ? activeWasmHeap() : undefined;
  const heapKernel = heap && cnnOnHeap(heap);
  const weights: CnnWeights = {
    kernelSize,
    filters,
    paddingWindow: config.paddingWindow === true,
    leadingPadding: config.leadingPadding === true,
    table: useTable && !heapKernel ? readTensor(() => matMul(embedding, project())) : undefined,
    embedding: useTable ? undefined : (embedding.dataSync() as Float32Array).slice(),
    dim,
    offsets: useTable ? undefined : tidy(project),
    bias: (bias.dataSync() as Float32Array).slice(),
    outKernel: (outKernel.dataSync() as Float32Array).slice(),
    outBias: (outBias.dataSync() as Float32Array).slice(),
    wasm: undefined,
    onHeap: undefined,
  };
  if (heap && heapKernel) {
    const table = tidy(() => matMul(embedding, project()));
    weights.onHeap = { heap, table };
    weights.wasm = createHeapCnnKernel(weights, table, heap, heapKernel);
  } else if (weights.table && options.wasm !== false) {
    // The kernel keeps the only copy of the table (the JavaScript path reads it there when the flag is off).
    weights.wasm = createCnnKernel(weights, weights.table);
    if (weights.wasm) weights.table = undefined;
  }
  return weights;
}

/**
 * The projected table of one batch's distinct ids when the whole vocabulary's is too large: `ids` rewritten
 * to rows of it.
 */
function batchTable(w: CnnWeights, ids: Int32Array): { table: Float32Array; local: Int32Array } {
  const index = new Map<number, number>();
  const local = new Int32Array(ids.length);
  for (let p = 0; p < ids.length; p++) {
    const id = ids[p]!;
    let at = index.get(id);
    if (at === undefined) {
      at = index.size;
      index.set(id, at);
    }
    local[p] = at;
  }
  const distinct = Int32Array.from(index.keys());
  const dim = w.dim;
  const e = w.embedding!;
  const rows = new Float32Array(distinct.length * dim);
  distinct.forEach((id, i) => {
    rows.set(e.subarray(id * dim, id * dim + dim), i * dim);
  });
  return { table: readTensor(() => matMul(tensor2d(rows, [distinct.length, dim]), w.offsets!)), local };
}

/**
 * Pooled features ([rows, filters]) of the windows the layer's mask keeps: the mask read from `ids`, the table
 * rows (of `kernelSize × width` floats) from `at` (`ids` itself, or the batch table's rows).
 */
function pool(w: CnnWeights, table: Float32Array, width: number, ids: Int32Array, at: Int32Array, rows: number, length: number): Float64Array {
  const k = w.kernelSize;
  const F = w.filters;
  const KW = k * width;
  const out = length - k + 1;
  const pooled = new Float64Array(rows * F);
  const acc = new Float64Array(F);
  const bias = w.bias;
  for (let r = 0; r < rows; r++) {
    const base = r * length;
    const p0 = r * F;
    for (let t = 0; t < out; t++) {
      const keep = t === 0 || (w.leadingPadding ? ids[base + t + k - 1] !== 0 : ids[base + t] !== 0 || (w.paddingWindow && ids[base + t - 1] !== 0));
      if (!keep) continue;
      for (let f = 0; f < F; f++) acc[f] = bias[f]!;
      for (let i = 0; i < k; i++) {
        const row = at[base + t + i]! * KW + i * width;
        for (let f = 0; f < F; f++) acc[f] = acc[f]! + table[row + f]!;
      }
      // ReLU then max = max of the pre-activations clamped at 0 (pooled starts at 0).
      for (let f = 0; f < F; f++) if (acc[f]! > pooled[p0 + f]!) pooled[p0 + f] = acc[f]!;
    }
  }
  return pooled;
}

/**
 * A fast predictor for `model` when it is a cnn model; `undefined` otherwise. Its `run` returns
 * `undefined` on GPU backends (the caller then uses the layers model).
 */
export function createCnnInference(model: LayersModel, options: CnnInferenceOptions = {}): CnnInference | undefined {
  if (!cnnLayers(model)) return undefined;
  const weights = weightCache(
    model,
    () => readWeights(model, options),
    (w) => {
      w.offsets?.dispose();
      w.onHeap?.table.dispose();
    },
  );
  return {
    run(ids, rows, length) {
      if (!usesCpuMemory()) return undefined;
      // A table kept in another backend's memory (the backend changed since it was made) is made again.
      const kept = weights.get();
      if (kept?.onHeap && kept.onHeap.heap.backend !== activeWasmHeap()?.backend) weights.clear();
      const w = weights.get();
      if (!w || length < w.kernelSize) return undefined;
      let pooled: Float64Array;
      if (w.wasm && flagOn(WASM_KERNELS_FLAG)) {
        pooled = w.wasm.pool(ids, rows, length);
      } else if (w.wasm) {
        const { table, width } = w.wasm.table();
        pooled = pool(w, table, width, ids, ids, rows, length);
      } else if (w.table) {
        pooled = pool(w, w.table, w.filters, ids, ids, rows, length);
      } else {
        const { table, local } = batchTable(w, ids);
        pooled = pool(w, table, w.filters, ids, local, rows, length);
      }
      rowsPredicted += rows;
      return denseSoftmax(pooled, rows, w.filters, w.outKernel, w.outBias);
    },
    dispose: weights.clear,
  };
}
