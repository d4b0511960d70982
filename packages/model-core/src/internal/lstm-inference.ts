/**
 * Inference fast path for `lstm` models (Embedding → GlossaLSTM → [Dropout] → Dense softmax) on backends
 * whose tensors live in CPU memory.
 *
 * Prediction through tfjs-layers spends a sixth of its time in the wasm backend's generic `Gather` (one
 * strided index computation per float) and another large share in the input projection. Since the
 * embedding is followed by a linear map, `embed(id) · W + b` is the same for every occurrence of a token:
 * this path computes the table `E · W + b` ([vocabulary, 4 × units]) once per set of weights, with one
 * large matrix multiply, and then a batch's input projection is a row copy per token. The recurrence is
 * the fused one of {@link GlossaLSTM} (packed to the live rows of each step; with `initialState: 'padded'`
 * each row starts from its step of the pad trajectory, computed once per set of weights); the output layer is a small
 * matrix product and softmax in JavaScript. Results equal the layers path to float rounding (tested).
 *
 * The table is rebuilt whenever any weight changes ({@link weightCache}: training invalidates it by
 * itself). When the
 * table would exceed {@link MAX_TABLE_BYTES} (huge vocabularies), embeddings are copied row by row instead
 * and projected with one matrix multiply per batch.
 */
import type { FastInference } from '../architectures/neural.js';
import { type Tensor, type Tensor2D, add, matMul, slice, tensor2d } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { forwardRecurrence, readTensor } from './fused-lstm.js';
import { padCounts, rowStarts, runPadTrajectory } from './pad-trajectory.js';
import { weightCache } from './weight-cache.js';
import { fusedRecurrences } from './recurrent.js';
import { denseSoftmax, matchInferenceChain } from './inference-chain.js';
import { type LstmKernel, createLstmKernel, wasmKernelsCompile } from './lstm-wasm.js';
import { WASM_KERNELS_FLAG, flagOn } from './flag-state.js';

/** Largest projected-embedding table kept in memory (bytes). */
export const MAX_TABLE_BYTES = 64 * 1024 * 1024;

/** Weights of one lstm model, read from its variables. */
interface LstmWeights {
  vocab: number;
  dim: number;
  units: number;
  classes: number;
  /** `E · W + b` ([vocab, 4H]) when small enough, else undefined. */
  table: Float32Array | undefined;
  /** Embedding matrix [vocab, dim] (when there is no table). */
  embedding: Float32Array | undefined;
  /** Input kernel and bias as tensors (when there is no table). */
  kernel: Tensor2D | undefined;
  bias: Tensor | undefined;
  /** Recurrent kernel [H, 4H] (a variable of the model: not owned). */
  recurrent: Tensor2D;
  /** Learned initial state [2H] (h₀ then c₀), or undefined for a zero state. */
  init: Float32Array | undefined;
  /**
   * `initialState: 'padded'`: the layer's `padTo` and the pad trajectory s₀ … s_padTo ([(padTo + 1), 2H]) every
   * row starts from (row b at s_{padTo − its length}); undefined otherwise.
   */
  padded: { padTo: number; states: Float32Array } | undefined;
  /** Output layer kernel [H, K] and bias [K]. */
  outKernel: Float32Array;
  outBias: Float32Array;
  /** The WebAssembly SIMD recurrence (holding `table` and U), when available. */
  wasm: LstmKernel | undefined;
}

/** Options of {@link createLstmInference} (tests use them to reach every path). */
export interface LstmInferenceOptions {
  /** Largest table kept (bytes); default {@link MAX_TABLE_BYTES}. */
  maxTableBytes?: number;
  /** Use the WebAssembly SIMD kernel when available (default true); false = JavaScript recurrence. */
  wasm?: boolean;
}

function readWeights(model: LayersModel, options: LstmInferenceOptions): LstmWeights | undefined {
  const found = matchInferenceChain(model, 'GlossaLSTM');
  if (!found) return undefined;
  const [embedding] = found.embedding.weights.map((w) => w.read() as Tensor2D);
  const [kernel, recurrent, bias, initialH, initialC] = found.middle.weights.map((w) => w.read() as Tensor);
  const [outKernel, outBias] = found.dense.weights.map((w) => w.read() as Tensor);
  if (!embedding || !kernel || !recurrent || !bias || !outKernel || !outBias) return undefined;
  const [vocab, dim] = embedding.shape;
  const g4 = recurrent.shape[1]!;
  const units = g4 / 4;
  const classes = outKernel.shape[1]!;
  const useTable = vocab * g4 * 4 <= (options.maxTableBytes ?? MAX_TABLE_BYTES);
  const table = useTable ? readTensor(() => add(matMul(embedding, kernel as Tensor2D), bias)) : undefined;
  let init: Float32Array | undefined;
  if (initialH && initialC) {
    init = new Float32Array(2 * units);
    init.set(initialH.dataSync() as Float32Array);
    init.set(initialC.dataSync() as Float32Array, units);
  }
  const padTo = (found.middle.getConfig() as { padTo?: unknown }).padTo;
  let padded: LstmWeights['padded'];
  if (typeof padTo === 'number' && padTo > 0) {
    // The pad token's (id 0) input projection: row 0 of the table, or E[0] · W + b.
    const xPad = table ? table.slice(0, g4) : readTensor(() => add(matMul(slice(embedding, [0, 0], [1, dim]), kernel as Tensor2D), bias));
    padded = { padTo, states: runPadTrajectory(xPad, recurrent.dataSync() as Float32Array, units, padTo).states };
  }
  const wasm = options.wasm === false ? undefined : createLstmKernel(units);
  if (wasm && table) wasm.setWeights(table, recurrent.dataSync() as Float32Array, units, init);
  return {
    vocab,
    dim,
    units,
    classes,
    table,
    wasm,
    embedding: useTable ? undefined : (embedding.dataSync() as Float32Array).slice(),
    kernel: useTable ? undefined : (kernel as Tensor2D),
    bias: useTable ? undefined : bias,
    recurrent: recurrent as Tensor2D,
    init,
    padded,
    outKernel: (outKernel.dataSync() as Float32Array).slice(),
    outBias: (outBias.dataSync() as Float32Array).slice(),
  };
}

/** Input projection of a padded id matrix: [rows, length, 4H]. Padding (id 0) rows are left as they are. */
function project(w: LstmWeights, ids: Int32Array, rows: number, length: number): Float32Array {
  const G = 4 * w.units;
  const n = rows * length;
  if (w.table) {
    const xw = new Float32Array(n * G);
    const table = w.table;
    for (let p = 0; p < n; p++) {
      const id = ids[p]!;
      if (id !== 0) xw.set(table.subarray(id * G, id * G + G), p * G);
    }
    return xw;
  }
  const x = new Float32Array(n * w.dim);
  const e = w.embedding!;
  for (let p = 0; p < n; p++) {
    const id = ids[p]!;
    if (id !== 0) x.set(e.subarray(id * w.dim, id * w.dim + w.dim), p * w.dim);
  }
  return readTensor(() => add(matMul(tensor2d(x, [n, w.dim]), w.kernel!), w.bias!));
}

/**
 * A fast predictor for `model` when it is an lstm model and the fused recurrence runs on the active
 * backend; `undefined` otherwise (the caller then uses the layers model).
 */
export function createLstmInference(model: LayersModel, options: LstmInferenceOptions = {}): FastInference | undefined {
  if (!matchInferenceChain(model, 'GlossaLSTM')) return undefined;
  const cache = weightCache(model, () => readWeights(model, options));
  return {
    run(ids, rows, length) {
      const w = fusedRecurrences() ? cache.get() : undefined;
      if (!w) return undefined;
      let h: Float32Array;
      const wasm = flagOn(WASM_KERNELS_FLAG) && wasmKernelsCompile() ? w.wasm : undefined;
      const starts = w.padded ? rowStarts(w.padded.states, padCounts(ids, rows, length, w.padded.padTo), w.units) : undefined;
      if (wasm && w.table) {
        h = wasm.forward(ids, rows, length, starts);
      } else {
        const xw = project(w, ids, rows, length);
        if (wasm) {
          // No table (huge vocabulary): the batch's projection becomes the table, indexed by position + 1.
          const G = 4 * w.units;
          const table = new Float32Array((rows * length + 1) * G);
          table.set(xw, G);
          const positions = new Int32Array(rows * length);
          for (let p = 0; p < positions.length; p++) positions[p] = ids[p] !== 0 ? p + 1 : 0;
          wasm.setWeights(table, w.recurrent.dataSync() as Float32Array, w.units, w.init);
          h = wasm.forward(positions, rows, length, starts);
        } else {
          const mask = new Uint8Array(rows * length);
          for (let p = 0; p < mask.length; p++) mask[p] = ids[p] !== 0 ? 1 : 0;
          h = starts
            ? forwardRecurrence(xw, w.recurrent, mask, rows, length, w.units, starts, true)
            : forwardRecurrence(xw, w.recurrent, mask, rows, length, w.units, w.init);
        }
      }
      return denseSoftmax(h, rows, w.units, w.outKernel, w.outBias);
    },
    dispose() {
      cache.clear();
    },
  };
}
