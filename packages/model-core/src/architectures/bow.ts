/** `bow`: fastText-style average of the token embeddings → Dense softmax, with a table-lookup fast path. */
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { createBowInference } from '../internal/bow-inference.js';
import { GlossaMaskedMean } from '../internal/layers.js';
import type { NeuralArchitecture } from './neural.js';

/** `bow`: Embedding → masked mean → Dense softmax. */
export const BOW_ARCHITECTURE: NeuralArchitecture = {
  name: 'bow',
  layerClasses: ['GlossaMaskedMean'],
  build: (x: SymbolicTensor): SymbolicTensor => new GlossaMaskedMean({ name: 'mean' }).apply(x) as SymbolicTensor,
  featureWidth: (options) => options.embeddingDim,
  weightShapes: () => [],
  weightNames: (layer) => (layer.className === 'GlossaMaskedMean' ? [] : undefined),
  checkLayer: () => [],
  extraPadding: () => 0,
  minLength: 1,
  fastInference: createBowInference,
};
