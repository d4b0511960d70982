/**
 * `lstm` and `bilstm`: Embedding → LSTM (one direction, or both with the final states concatenated) → Dense
 * softmax. The recurrence is {@link GlossaLSTM} (fused, with a WebAssembly SIMD kernel for training and a
 * projected-embedding-table fast path for one-directional inference).
 */
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GlossaLSTM } from '../internal/fused-lstm.js';
import { createLstmInference, type LstmInference } from '../internal/lstm-inference.js';
import type { ResolvedClassifierOptions } from '../options.js';
import { type LayerConfig, type NeuralArchitecture, expectSetting } from './neural.js';

/** Weight suffixes of one recurrent layer with `gates` gates (× 2 directions when bidirectional). */
export function recurrentWeightNames(layer: LayerConfig): string[] {
  const own = ['kernel', 'recurrent_kernel', 'bias'];
  return layer.config.bidirectional === true ? [...own, ...own.map((n) => `backward_${n}`)] : own;
}

/** Weight shapes of a recurrent layer. */
export function recurrentWeightShapes(options: ResolvedClassifierOptions, gates: number, directions: number): number[][] {
  const { embeddingDim: e, units: u } = options;
  const one = [[e, gates * u], [u, gates * u], [gates * u]];
  return directions === 2 ? [...one, ...one] : one;
}

/** Checks of a recurrent layer's saved config (units, direction). */
export function checkRecurrentLayer(layer: LayerConfig, options: ResolvedClassifierOptions, bidirectional: boolean): string[] {
  const problems = expectSetting(layer, 'units', 'units', options.units, 'options.units');
  if ((layer.config.bidirectional === true) !== bidirectional) {
    problems.push(`model.json ${layer.className}: bidirectional is ${String(layer.config.bidirectional ?? false)}, but the architecture is ${bidirectional ? '' : 'not '}bidirectional`);
  }
  return problems;
}

function lstmSpec(bidirectional: boolean): NeuralArchitecture {
  const directions = bidirectional ? 2 : 1;
  return {
    name: bidirectional ? 'bilstm' : 'lstm',
    // `LSTM`: tfjs-layers' own, which bundles of early versions hold.
    layerClasses: bidirectional ? ['GlossaLSTM'] : ['GlossaLSTM', 'LSTM'],
    build(x: SymbolicTensor, options: ResolvedClassifierOptions): SymbolicTensor {
      // Keras semantics (sigmoid recurrent activation, tanh, gate order i f g o); weights interchangeable
      // with tfjs-layers' LSTM.
      return new GlossaLSTM({ units: options.units, bidirectional, name: 'lstm' }).apply(x) as SymbolicTensor;
    },
    featureWidth: (options) => directions * options.units,
    weightShapes: (options) => recurrentWeightShapes(options, 4, directions),
    weightNames(layer) {
      if (layer.className === 'LSTM') return ['*', '*', '*'];
      return layer.className === 'GlossaLSTM' ? recurrentWeightNames(layer) : undefined;
    },
    checkLayer: (layer, options) => checkRecurrentLayer(layer, options, bidirectional),
    extraPadding: () => 0,
    minLength: 2,
    ...(bidirectional ? {} : { fastInference: (model: LayersModel): LstmInference | undefined => createLstmInference(model) }),
  };
}

/** `lstm`: Embedding → LSTM → Dense softmax. */
export const LSTM_ARCHITECTURE: NeuralArchitecture = lstmSpec(false);

/** `bilstm`: Embedding → bidirectional LSTM (forward ‖ backward final states) → Dense softmax. */
export const BILSTM_ARCHITECTURE: NeuralArchitecture = lstmSpec(true);
