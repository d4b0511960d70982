/**
 * `gru` and `bigru`: Embedding → GRU (tfjs-layers' `GRU` semantics, `reset_after = false`, sigmoid gates; one
 * direction or both) → Dense softmax. The recurrence is {@link GlossaGRU} (fused on CPU-memory backends, with a
 * projected-embedding-table fast path for one-directional inference, gru-inference.ts).
 * `gru` with `initialState: 'padded'` starts each text from the state an unmasked GRU reading it pre-padded to
 * `maxLength` has reached (the layer's `padTo`), as `lstm` does; `bigru` has no such start (as `bilstm`).
 */
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { GlossaGRU } from '../internal/fused-gru.js';
import { createGruInference } from '../internal/gru-inference.js';
import type { ResolvedClassifierOptions } from '../options.js';
import { checkRecurrentLayer, recurrentArgs, recurrentWeightNames, recurrentWeightShapes } from './lstm.js';
import type { NeuralArchitecture } from './neural.js';

function gruSpec(bidirectional: boolean): NeuralArchitecture {
  const directions = bidirectional ? 2 : 1;
  return {
    name: bidirectional ? 'bigru' : 'gru',
    layerClasses: ['GlossaGRU'],
    build: (x: SymbolicTensor, options: ResolvedClassifierOptions): SymbolicTensor =>
      new GlossaGRU(recurrentArgs(options, bidirectional, 'gru')).apply(x) as SymbolicTensor,
    featureWidth: (options) => directions * options.units,
    weightShapes: (options) => recurrentWeightShapes(options, 3, 1, directions),
    weightNames: (layer) => (layer.className === 'GlossaGRU' ? recurrentWeightNames(layer, 1) : undefined),
    checkLayer: (layer, options) => checkRecurrentLayer(layer, options, bidirectional),
    extraPadding: () => 0,
    // initialState 'padded': one pad step before each text, whose input projection is the pad token's.
    leadingPadding: (options) => (options.initialState === 'padded' ? 1 : 0),
    minLength: 2,
    ...(bidirectional ? {} : { fastInference: (model: LayersModel) => createGruInference(model) }),
  };
}

/** `gru`: Embedding → GRU → Dense softmax. */
export const GRU_ARCHITECTURE: NeuralArchitecture = gruSpec(false);

/** `bigru`: Embedding → bidirectional GRU (forward ‖ backward final states) → Dense softmax. */
export const BIGRU_ARCHITECTURE: NeuralArchitecture = gruSpec(true);
