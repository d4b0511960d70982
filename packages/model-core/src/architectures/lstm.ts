/**
 * `lstm` and `bilstm`: Embedding → LSTM (one direction, or both with the final states concatenated) → Dense
 * softmax. The recurrence is {@link GlossaLSTM} (fused, with a WebAssembly SIMD kernel for training and a
 * projected-embedding-table fast path for one-directional inference). `lstm` with `initialState: 'padded'`
 * starts each text from the state an unmasked LSTM reading it pre-padded to `maxLength` has reached
 * (the layer's `padTo`); `bilstm` has no such start (its backward direction would read the
 * padding after the text, so its final state depends on the text and is no starting state).
 */
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GlossaLSTM } from '../internal/fused-lstm.js';
import { createLstmInference } from '../internal/lstm-inference.js';
import type { ResolvedClassifierOptions } from '../options.js';
import { type LayerConfig, type NeuralArchitecture, expectSetting } from './neural.js';

/** Whether a saved recurrent layer has a learned initial state (config key in either spelling). */
function learnsInitialState(layer: LayerConfig): boolean {
  return (layer.config.learnedInitialState ?? layer.config.learned_initial_state) === true;
}

/** Weight suffixes of one recurrent layer whose cell state has `stateVectors` vectors (× 2 directions when bidirectional). */
export function recurrentWeightNames(layer: LayerConfig, stateVectors: number): string[] {
  const initial = learnsInitialState(layer) ? ['initial_h', 'initial_c'].slice(0, stateVectors) : [];
  const own = ['kernel', 'recurrent_kernel', 'bias', ...initial];
  return layer.config.bidirectional === true ? [...own, ...own.map((n) => `backward_${n}`)] : own;
}

/** Weight shapes of a recurrent layer. */
export function recurrentWeightShapes(options: ResolvedClassifierOptions, gates: number, stateVectors: number, directions: number): number[][] {
  const { embeddingDim: e, units: u } = options;
  const initial = options.initialState === 'learned' ? Array.from({ length: stateVectors }, () => [u]) : [];
  const one = [[e, gates * u], [u, gates * u], [gates * u], ...initial];
  return directions === 2 ? [...one, ...one] : one;
}

/** Checks of a recurrent layer's saved config (units, direction, initial state). */
export function checkRecurrentLayer(layer: LayerConfig, options: ResolvedClassifierOptions, bidirectional: boolean): string[] {
  const problems = expectSetting(layer, 'units', 'units', options.units, 'options.units');
  if ((layer.config.bidirectional === true) !== bidirectional) {
    problems.push(
      `model.json ${layer.className}: bidirectional is ${String(layer.config.bidirectional ?? false)}, but the architecture is ${bidirectional ? '' : 'not '}bidirectional`,
    );
  }
  if (learnsInitialState(layer) !== (options.initialState === 'learned')) {
    problems.push(
      `model.json ${layer.className}: learned_initial_state is ${String(learnsInitialState(layer))}, but options.initialState is "${options.initialState}"`,
    );
  }
  const padTo = layer.config.padTo ?? layer.config.pad_to;
  const expected = options.initialState === 'padded' ? options.maxLength : undefined;
  if (padTo !== expected) {
    problems.push(
      `model.json ${layer.className}: pad_to is ${String(padTo)}, but options.initialState is "${options.initialState}"${expected === undefined ? '' : ` and options.maxLength ${expected}`}`,
    );
  }
  return problems;
}

/** Arguments of a recurrent layer from the options. */
export function recurrentArgs(
  options: ResolvedClassifierOptions,
  bidirectional: boolean,
  name: string,
): { units: number; bidirectional: boolean; learnedInitialState: boolean; padTo?: number; name: string } {
  return {
    units: options.units,
    bidirectional,
    learnedInitialState: options.initialState === 'learned',
    ...(options.initialState === 'padded' ? { padTo: options.maxLength } : {}),
    name,
  };
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
      return new GlossaLSTM(recurrentArgs(options, bidirectional, 'lstm')).apply(x) as SymbolicTensor;
    },
    featureWidth: (options) => directions * options.units,
    weightShapes: (options) => recurrentWeightShapes(options, 4, 2, directions),
    weightNames(layer) {
      if (layer.className === 'LSTM') return ['*', '*', '*'];
      return layer.className === 'GlossaLSTM' ? recurrentWeightNames(layer, 2) : undefined;
    },
    checkLayer: (layer, options) => checkRecurrentLayer(layer, options, bidirectional),
    extraPadding: () => 0,
    // initialState 'padded': one pad step before each text, whose input projection is the pad token's.
    leadingPadding: (options) => (options.initialState === 'padded' ? 1 : 0),
    minLength: 2,
    ...(bidirectional ? {} : { fastInference: (model: LayersModel) => createLstmInference(model) }),
  };
}

/** `lstm`: Embedding → LSTM → Dense softmax. */
export const LSTM_ARCHITECTURE: NeuralArchitecture = lstmSpec(false);

/** `bilstm`: Embedding → bidirectional LSTM (forward ‖ backward final states) → Dense softmax. */
export const BILSTM_ARCHITECTURE: NeuralArchitecture = lstmSpec(true);
