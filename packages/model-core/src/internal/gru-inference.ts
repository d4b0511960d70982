/**
 * Inference fast path for `gru` models (Embedding → GlossaGRU → [Dropout] → Dense softmax) on backends whose
 * tensors live in CPU memory, as lstm-inference.ts is for `lstm`: the embedding is followed by a linear map, so
 * `embed(id) · W + b` is the same for every occurrence of a token. The table `E · W + b` ([vocabulary, 3 ×
 * units]) is made once per set of weights with one matrix multiply and kept, with the packed recurrent kernel,
 * in a WebAssembly SIMD kernel instance ({@link createGruPredictor}), whose `gruForward` reads each step's
 * projection straight from it by token id. With `initialState: 'padded'` each row starts from its step of the
 * pad trajectory ({@link GRU_PAD_CELL}), run to `padTo` once per set of weights. The output layer is a small
 * matrix product and softmax in JavaScript. Results equal the layers path to float rounding (tested).
 *
 * Without the kernel (no WebAssembly SIMD, the `GLOSSA_WASM_KERNELS` flag off, units not a multiple of 4) or
 * without a table (beyond {@link MAX_TABLE_BYTES}: embeddings projected per batch), the batch's projection
 * goes through {@link fusedRecurrence} (the per-call kernel or the JavaScript recurrence).
 */
import { type Tensor, type Tensor2D, type Tensor3D, add, cast, gather, matMul, reshape, slice, tensor2d, tensor3d } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { FastInference } from '../architectures/neural.js';
import { WASM_KERNELS_FLAG, flagOn } from './flag-state.js';
import { fusedRecurrence } from './fused-gru.js';
import { type GruPredictor, createGruPredictor } from './gru-wasm.js';
import { denseSoftmax, matchInferenceChain } from './inference-chain.js';
import { MAX_TABLE_BYTES } from './lstm-inference.js';
import { GRU_PAD_CELL, padCounts, rowStarts, runPadTrajectory } from './pad-trajectory.js';
import { fusedRecurrences, readTensor } from './recurrent.js';
import { weightCache } from './weight-cache.js';

/** What the fast path keeps of one set of weights (tensors: the model's variables, not owned). */
interface GruWeights {
  units: number;
  /** `E · W + b` ([vocab, 3H]), or undefined beyond the size limit. */
  table: Float32Array | undefined;
  embedding: Tensor2D;
  kernel: Tensor2D;
  bias: Tensor;
  recurrent: Tensor2D;
  /** The learned initial state h₀ ([H] variable), or undefined. */
  initial: Tensor | undefined;
  /** `initialState: 'padded'`: `padTo` and the trajectory's hidden states s₀ … s_padTo ([(padTo + 1), H]). */
  padded: { padTo: number; states: Float32Array } | undefined;
  /** Output layer kernel [H, K] and bias [K]. */
  outKernel: Float32Array;
  outBias: Float32Array;
}

/** Options of {@link createGruInference} (tests use them to reach every path). */
export interface GruInferenceOptions {
  /** Largest table kept (bytes); default {@link MAX_TABLE_BYTES}. */
  maxTableBytes?: number;
}

function readWeights(model: LayersModel, options: GruInferenceOptions, predictor: GruPredictor | undefined): GruWeights | undefined {
  const found = matchInferenceChain(model, 'GlossaGRU');
  if (!found) return undefined;
  const [embedding] = found.embedding.weights.map((w) => w.read() as Tensor2D);
  const [kernel, recurrent, bias, initial] = found.middle.weights.map((w) => w.read() as Tensor);
  const [outKernel, outBias] = found.dense.weights.map((w) => w.read() as Tensor);
  if (!embedding || !kernel || !recurrent || !bias || !outKernel || !outBias) return undefined;
  const [vocab, dim] = embedding.shape;
  const g3 = recurrent.shape[1]!;
  const units = g3 / 3;
  const table = vocab * g3 * 4 <= (options.maxTableBytes ?? MAX_TABLE_BYTES) ? readTensor(() => add(matMul(embedding, kernel as Tensor2D), bias)) : undefined;
  const u = recurrent.dataSync() as Float32Array;
  const padTo = (found.middle.getConfig() as { padTo?: unknown }).padTo;
  let padded: GruWeights['padded'];
  if (typeof padTo === 'number' && padTo > 0) {
    // The pad token's (id 0) input projection: row 0 of the table, or E[0] · W + b.
    const xPad = table ? table.slice(0, g3) : readTensor(() => add(matMul(slice(embedding, [0, 0], [1, dim]), kernel as Tensor2D), bias));
    padded = { padTo, states: runPadTrajectory(xPad, u, units, padTo, GRU_PAD_CELL).states };
  }
  if (predictor && table) predictor.setWeights(table, u, units, initial?.dataSync() as Float32Array | undefined);
  return {
    units,
    table,
    embedding,
    kernel: kernel as Tensor2D,
    bias,
    recurrent: recurrent as Tensor2D,
    initial,
    padded,
    outKernel: (outKernel.dataSync() as Float32Array).slice(),
    outBias: (outBias.dataSync() as Float32Array).slice(),
  };
}

/** Last hidden states through {@link fusedRecurrence}, the batch projected by table rows or by one matrix multiply. */
function viaRecurrence(w: GruWeights, ids: Int32Array, rows: number, length: number, starts: Float32Array | undefined): Float32Array {
  const G = 3 * w.units;
  return readTensor(() => {
    const idTensor = tensor2d(ids, [rows, length], 'int32');
    let xw: Tensor3D;
    if (w.table) {
      const values = new Float32Array(rows * length * G);
      ids.forEach((id, p) => {
        if (id !== 0) values.set(w.table!.subarray(id * G, id * G + G), p * G);
      });
      xw = tensor3d(values, [rows, length, G]);
    } else {
      const embedded = gather(w.embedding, reshape(idTensor, [rows * length])) as Tensor2D;
      xw = reshape(add(matMul(embedded, w.kernel), w.bias), [rows, length, G]);
    }
    const startTensor = starts ? tensor2d(starts, [rows, w.units]) : undefined;
    return fusedRecurrence(xw, w.recurrent, cast(idTensor, 'bool'), false, w.initial ? [w.initial] : undefined, startTensor);
  });
}

/**
 * A fast predictor for `model` when it is a gru model (one direction) and the fused recurrence runs on the
 * active backend; `undefined` for other models (the caller then uses the layers model).
 */
export function createGruInference(model: LayersModel, options: GruInferenceOptions = {}): FastInference | undefined {
  const found = matchInferenceChain(model, 'GlossaGRU');
  if (!found) return undefined;
  const predictor = createGruPredictor((found.middle.getConfig() as { units: number }).units);
  const cache = weightCache(model, () => readWeights(model, options, predictor));
  return {
    run(ids, rows, length) {
      const w = fusedRecurrences() ? cache.get() : undefined;
      if (!w) return undefined;
      const starts = w.padded ? rowStarts(w.padded.states, padCounts(ids, rows, length, w.padded.padTo), w.units, 1) : undefined;
      const h = predictor && w.table && flagOn(WASM_KERNELS_FLAG) ? predictor.forward(ids, rows, length, starts) : viaRecurrence(w, ids, rows, length, starts);
      return denseSoftmax(h, rows, w.units, w.outKernel, w.outBias);
    },
    dispose() {
      cache.clear();
    },
  };
}
