import type { LayersModel } from '@tensorflow/tfjs-layers';

/** The layers of a Glossa model `InputLayer → GlossaEmbedding → <middle> → [GlossaDropout] → Dense softmax`. */
export interface InferenceChain {
  embedding: LayersModel['layers'][number];
  middle: LayersModel['layers'][number];
  dense: LayersModel['layers'][number];
}

/**
 * The embedding, middle and output layers of `model` when it is Glossa's chain with `middleClass` in the
 * middle (dropout, an identity at inference, may follow it); `undefined` for any other model.
 */
export function matchInferenceChain(model: LayersModel, middleClass: string): InferenceChain | undefined {
  const names = model.layers.map((l) => l.getClassName());
  const ok =
    (names.length === 4 || names.length === 5) &&
    names[0] === 'InputLayer' &&
    names[1] === 'GlossaEmbedding' &&
    names[2] === middleClass &&
    (names.length === 4 || names[3] === 'GlossaDropout') &&
    names[names.length - 1] === 'Dense';
  if (!ok) return undefined;
  // The fast paths are one-directional.
  if ((model.layers[2]!.getConfig() as { bidirectional?: unknown }).bidirectional === true) return undefined;
  const dense = model.layers[names.length - 1]!;
  if ((dense.getConfig() as { activation?: unknown }).activation !== 'softmax' || dense.weights.length !== 2) return undefined;
  return { embedding: model.layers[1]!, middle: model.layers[2]!, dense };
}
