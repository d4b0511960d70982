/** Every neural architecture's module, by name (see {@link NeuralArchitecture}). */
import { BOW_ARCHITECTURE } from './bow.js';
import { CNN_ARCHITECTURE } from './cnn.js';
import { BIGRU_ARCHITECTURE, GRU_ARCHITECTURE } from './gru.js';
import { BILSTM_ARCHITECTURE, LSTM_ARCHITECTURE } from './lstm.js';
import type { NeuralArchitecture, NeuralArchitectureName } from './neural.js';
import type { Architecture } from './registry.js';
import { TRANSFORMER_ARCHITECTURE } from './transformer.js';

/**
 * The neural architectures' modules, by name: the model builder, bundle validation and the classifier's
 * padding and fast paths all read them from here.
 */
export const NEURAL_ARCHITECTURE_SPECS: Readonly<Record<NeuralArchitectureName, NeuralArchitecture>> = Object.freeze({
  lstm: LSTM_ARCHITECTURE,
  bilstm: BILSTM_ARCHITECTURE,
  gru: GRU_ARCHITECTURE,
  bigru: BIGRU_ARCHITECTURE,
  bow: BOW_ARCHITECTURE,
  cnn: CNN_ARCHITECTURE,
  transformer: TRANSFORMER_ARCHITECTURE,
});

/** The module of a neural architecture, or `undefined` for `auto` and `ngram`. */
export function neuralSpec(architecture: Architecture): NeuralArchitecture | undefined {
  return Object.hasOwn(NEURAL_ARCHITECTURE_SPECS, architecture) ? NEURAL_ARCHITECTURE_SPECS[architecture as NeuralArchitectureName] : undefined;
}
