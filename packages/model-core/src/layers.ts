import { serialization } from '@tensorflow/tfjs-core';
import { GLOSSA_LAYER_CLASSES } from './internal/layers.js';

let registered = false;

/**
 * Registers Glossa's layer classes (`GlossaEmbedding`, `GlossaLSTM`, …) with tfjs serialization, so a
 * tfjs-layers model that uses them can be rebuilt from its topology. Idempotent; `deserializeBundle` calls
 * it, so only code that loads such a topology by other means needs it.
 *
 * @example
 * ```ts
 * registerGlossaLayers();
 * const model = await tf.models.modelFromJSON(topology); // Glossa layers resolve by class name
 * ```
 */
export function registerGlossaLayers(): void {
  if (registered) return;
  registered = true;
  for (const cls of GLOSSA_LAYER_CLASSES) {
    serialization.registerClass(cls as unknown as serialization.SerializableConstructor<serialization.Serializable>);
  }
}
