import type { Rng } from '@glossa/math';
import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { type LayersModel, type SymbolicTensor, input, layers, model as functionalModel } from '@tensorflow/tfjs-layers';
import type { ResolvedClassifierOptions } from '../options.js';
import { neuralSpec } from '../architectures/neural-specs.js';
import { registerGlossaLayers } from '../layers.js';
import { GlossaDropout, GlossaEmbedding } from './layers.js';

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
  const spec = neuralSpec(options.architecture);
  if (!spec) throw new Error(`buildModel: ${options.architecture} is not a neural architecture.`);
  x = spec.build(x, options);
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

/** What a weight is, from its layer's class and its own name (the part after the layer's `/`). */
function initializerOf(
  layerClass: string,
  weightName: string,
  shape: readonly number[],
): 'embedding' | 'orthogonal' | 'glorot' | 'ones' | 'forget-bias' | 'zeros' {
  const own = weightName.slice(weightName.lastIndexOf('/') + 1);
  if (layerClass === 'GlossaEmbedding' || own === 'position_embeddings') return 'embedding';
  if (own.endsWith('recurrent_kernel')) return 'orthogonal';
  if (shape.length === 2) return 'glorot';
  if (own.endsWith('gamma')) return 'ones';
  if ((layerClass === 'LSTM' || layerClass === 'GlossaLSTM') && own.endsWith('bias')) return 'forget-bias';
  return 'zeros';
}

/**
 * Draws every weight from `rng`, as Keras would initialise it: embeddings (and positional embeddings)
 * uniform(±0.05), kernels Glorot-uniform, recurrent kernels orthogonal, layer-norm scales 1, biases zero
 * with the LSTM forget-gate bias at 1.
 */
export function initializeWeights(model: LayersModel, rng: Rng): void {
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    const fresh: Tensor[] = weights.map((w) => {
      const shape = w.shape as number[];
      const size = shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(size);
      switch (initializerOf(layer.getClassName(), w.originalName, shape)) {
        case 'embedding':
          for (let i = 0; i < size; i++) values[i] = (rng.next() * 2 - 1) * 0.05;
          break;
        case 'orthogonal':
          values.set(orthogonal(rng, shape[0]!, shape[1]!));
          break;
        case 'glorot':
          values.set(glorotUniform(rng, shape[0]!, shape[1]!, size));
          break;
        case 'ones':
          values.fill(1);
          break;
        case 'forget-bias':
          values.fill(1, size / 4, size / 2);
          break;
        case 'zeros':
          break;
      }
      return tensor(values, shape, 'float32');
    });
    layer.setWeights(fresh);
    for (const t of fresh) t.dispose();
  }
}
