import type { Rng } from '@glossa/math';
import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { type LayersModel, type SymbolicTensor, input, layers, model as functionalModel } from '@tensorflow/tfjs-layers';
import type { ResolvedClassifierOptions } from '../options.js';
import {
  GlossaConv1D,
  GlossaDropout,
  GlossaEmbedding,
  GlossaGlobalMaxPool1D,
  GlossaMaskedMean,
  registerGlossaLayers,
} from './layers.js';
import { GlossaLSTM } from './fused-lstm.js';

/**
 * Builds the network for `options` (weights zero; {@link initializeWeights} draws them from a seed).
 * Initializers in the topology are all `zeros`: Glossa always sets weights explicitly, from its own seeded
 * generator, so the same seed gives the same model on every backend (tfjs's `orthogonal` initializer also
 * fails on wasm).
 */
export function buildModel(options: ResolvedClassifierOptions, vocabularySize: number, numClasses: number, seed: number): LayersModel {
  registerGlossaLayers();
  const ids = input({ shape: [null], dtype: 'int32', name: 'token_ids' });
  let x = new GlossaEmbedding({ inputDim: vocabularySize, outputDim: options.embeddingDim, name: 'embedding' }).apply(ids) as SymbolicTensor;
  switch (options.architecture) {
    case 'lstm':
      // Keras semantics (sigmoid recurrent activation, tanh, gate order i f g o), the recurrence fused into
      // one op on CPU-memory backends; weights interchangeable with tfjs-layers' LSTM.
      x = new GlossaLSTM({ units: options.units, name: 'lstm' }).apply(x) as SymbolicTensor;
      break;
    case 'bow':
      x = new GlossaMaskedMean({ name: 'mean' }).apply(x) as SymbolicTensor;
      break;
    case 'cnn':
      x = new GlossaConv1D({ filters: options.units, kernelSize: options.kernelSize, name: 'conv' }).apply(x) as SymbolicTensor;
      x = new GlossaGlobalMaxPool1D({ name: 'max_pool' }).apply(x) as SymbolicTensor;
      break;
  }
  if (options.dropout > 0) {
    x = new GlossaDropout({ rate: options.dropout, seed: seed % 2147483647, name: 'dropout' }).apply(x) as SymbolicTensor;
  }
  const out = layers
    .dense({ units: numClasses, activation: 'softmax', kernelInitializer: 'zeros', biasInitializer: 'zeros', name: 'output' })
    .apply(x) as SymbolicTensor;
  return functionalModel({ inputs: ids, outputs: out, name: `glossa_${options.architecture}` });
}

function glorotUniform(rng: Rng, fanIn: number, fanOut: number, size: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (rng.next() * 2 - 1) * limit;
  return out;
}

/** A `rows × cols` matrix with orthonormal rows (rows ≤ cols) or columns, as Keras's `Orthogonal`. */
export function orthogonal(rng: Rng, rows: number, cols: number): Float32Array {
  const tall = Math.max(rows, cols);
  const wide = Math.min(rows, cols);
  // `wide` orthonormal vectors of length `tall`, by modified Gram–Schmidt on Gaussian vectors.
  const q: Float64Array[] = [];
  for (let v = 0; v < wide; v++) {
    const vec = new Float64Array(tall);
    for (let i = 0; i < tall; i++) vec[i] = rng.normal();
    for (const prev of q) {
      let dot = 0;
      for (let i = 0; i < tall; i++) dot += vec[i]! * prev[i]!;
      for (let i = 0; i < tall; i++) vec[i]! -= dot * prev[i]!;
    }
    let norm = 0;
    for (let i = 0; i < tall; i++) norm += vec[i]! * vec[i]!;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < tall; i++) vec[i]! /= norm;
    q.push(vec);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = rows <= cols ? q[r]![c]! : q[c]![r]!;
    }
  }
  return out;
}

/**
 * Draws every weight from `rng`, as Keras would initialise it: embeddings uniform(±0.05), kernels
 * Glorot-uniform, LSTM recurrent kernels orthogonal, biases zero with the LSTM forget-gate bias at 1.
 */
export function initializeWeights(model: LayersModel, rng: Rng): void {
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    const fresh: Tensor[] = weights.map((w, index) => {
      const shape = w.shape as number[];
      const size = shape.reduce((a, b) => a * b, 1);
      const name = layer.getClassName();
      let values: Float32Array;
      if (name === 'GlossaEmbedding') {
        values = new Float32Array(size);
        for (let i = 0; i < size; i++) values[i] = (rng.next() * 2 - 1) * 0.05;
      } else if (shape.length === 2) {
        const [rows, cols] = shape as [number, number];
        const isRecurrent = (name === 'LSTM' || name === 'GlossaLSTM') && index === 1;
        values = isRecurrent ? orthogonal(rng, rows, cols) : glorotUniform(rng, rows, cols, size);
      } else {
        values = new Float32Array(size);
        if (name === 'LSTM' || name === 'GlossaLSTM') {
          const units = size / 4;
          values.fill(1, units, 2 * units);
        }
      }
      return tensor(values, shape, 'float32');
    });
    layer.setWeights(fresh);
    for (const t of fresh) t.dispose();
  }
}
