/**
 * `cnn`: Embedding → Conv1D (ReLU, im2col matrix multiply) → global max pooling over real windows → Dense
 * softmax. With `initialState: 'learned'` the pooling also sees one window of padding after each text (the
 * embedding of id 0, trained): a learned floor under each filter. With `initialState: 'padded'` each text
 * is preceded by `kernelSize` steps of padding and the pooling covers the all-padding window and the
 * windows straddling the text's start: exactly what an unmasked, pre-padded Keras or PyTorch CNN sees.
 * Prediction on CPU-memory backends takes the table-lookup fast path of `cnn-inference.ts`.
 */
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { createCnnInference } from '../internal/cnn-inference.js';
import { GlossaConv1D, GlossaGlobalMaxPool1D } from '../internal/layers.js';
import type { ResolvedClassifierOptions } from '../options.js';
import { type NeuralArchitecture, expectSetting } from './neural.js';

/** `cnn`: Embedding → Conv1D → global max pooling → Dense softmax. */
export const CNN_ARCHITECTURE: NeuralArchitecture = {
  name: 'cnn',
  layerClasses: ['GlossaConv1D', 'GlossaGlobalMaxPool1D'],
  build(x: SymbolicTensor, options: ResolvedClassifierOptions): SymbolicTensor {
    const conv = new GlossaConv1D({
      filters: options.units,
      kernelSize: options.kernelSize,
      paddingWindow: options.initialState === 'learned',
      leadingPadding: options.initialState === 'padded',
      name: 'conv',
    }).apply(x) as SymbolicTensor;
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
    const paddingWindow = (layer.config.paddingWindow ?? layer.config.padding_window) === true;
    const leadingPadding = (layer.config.leadingPadding ?? layer.config.leading_padding) === true;
    return [
      ...expectSetting(layer, 'filters', 'filters', options.units, 'options.units'),
      ...expectSetting(layer, 'kernelSize', 'kernel_size', options.kernelSize, 'options.kernelSize'),
      ...(paddingWindow === (options.initialState === 'learned')
        ? []
        : [`model.json GlossaConv1D: padding_window is ${String(paddingWindow)}, but options.initialState is "${options.initialState}"`]),
      ...(leadingPadding === (options.initialState === 'padded')
        ? []
        : [`model.json GlossaConv1D: leading_padding is ${String(leadingPadding)}, but options.initialState is "${options.initialState}"`]),
    ];
  },
  // A text shorter than the kernel still gets one full window; the padding window needs one step more.
  // Leading padding: the windows past a text's end are masked, so none is needed after it.
  extraPadding: (options) => (options.initialState === 'padded' ? 0 : options.kernelSize - (options.initialState === 'learned' ? 0 : 1)),
  leadingPadding: (options) => (options.initialState === 'padded' ? options.kernelSize : 0),
  minLength: 1,
  fastInference: (model) => createCnnInference(model),
};
