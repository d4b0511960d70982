/** `cnn`: Embedding → Conv1D (ReLU, im2col matrix multiply) → global max pooling over real windows → Dense softmax. */
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GlossaConv1D, GlossaGlobalMaxPool1D } from '../internal/layers.js';
import type { ResolvedClassifierOptions } from '../options.js';
import { type NeuralArchitecture, expectSetting } from './neural.js';

/** `cnn`: Embedding → Conv1D → global max pooling → Dense softmax. */
export const CNN_ARCHITECTURE: NeuralArchitecture = {
  name: 'cnn',
  layerClasses: ['GlossaConv1D', 'GlossaGlobalMaxPool1D'],
  build(x: SymbolicTensor, options: ResolvedClassifierOptions): SymbolicTensor {
    const conv = new GlossaConv1D({ filters: options.units, kernelSize: options.kernelSize, name: 'conv' }).apply(x) as SymbolicTensor;
    return new GlossaGlobalMaxPool1D({ name: 'max_pool' }).apply(conv) as SymbolicTensor;
  },
  featureWidth: (options) => options.units,
  weightShapes: ({ kernelSize: k, embeddingDim: e, units: u }) => [[k * e, u], [u]],
  weightNames(layer) {
    if (layer.className === 'GlossaConv1D') return ['kernel', 'bias'];
    return layer.className === 'GlossaGlobalMaxPool1D' ? [] : undefined;
  },
  checkLayer(layer, options) {
    if (layer.className !== 'GlossaConv1D') return [];
    return [
      ...expectSetting(layer, 'filters', 'filters', options.units, 'options.units'),
      ...expectSetting(layer, 'kernelSize', 'kernel_size', options.kernelSize, 'options.kernelSize'),
    ];
  },
  // A text shorter than the kernel still gets one full window.
  extraPadding: (options) => options.kernelSize - 1,
  minLength: 1,
};
