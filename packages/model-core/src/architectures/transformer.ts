/**
 * `transformer`: Embedding + learned positions → one pre-norm self-attention encoder block (`heads` heads,
 * feed-forward width `units`, padding masked out of the keys) → mean over the real tokens → Dense softmax.
 */
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GlossaTransformer, transformerWeightShapes } from '../internal/transformer.js';
import type { ResolvedClassifierOptions } from '../options.js';
import { type NeuralArchitecture, expectSetting } from './neural.js';

/** `transformer`: Embedding → GlossaTransformer → Dense softmax. */
export const TRANSFORMER_ARCHITECTURE: NeuralArchitecture = {
  name: 'transformer',
  layerClasses: ['GlossaTransformer'],
  build: (x: SymbolicTensor, options: ResolvedClassifierOptions): SymbolicTensor =>
    new GlossaTransformer({ heads: options.heads, ffUnits: options.units, maxPositions: options.maxLength, name: 'transformer' }).apply(x) as SymbolicTensor,
  featureWidth: (options) => options.embeddingDim,
  weightShapes: (options) => transformerWeightShapes(options.embeddingDim, options.units, options.maxLength).map(([, shape]) => shape),
  weightNames: (layer) => (layer.className === 'GlossaTransformer' ? transformerWeightShapes(1, 1, 1).map(([name]) => name) : undefined),
  checkLayer(layer, options) {
    if (layer.className !== 'GlossaTransformer') return [];
    return [
      ...expectSetting(layer, 'heads', 'heads', options.heads, 'options.heads'),
      ...expectSetting(layer, 'ffUnits', 'ff_units', options.units, 'options.units'),
      ...expectSetting(layer, 'maxPositions', 'max_positions', options.maxLength, 'options.maxLength'),
    ];
  },
  extraPadding: () => 0,
  minLength: 1,
};
