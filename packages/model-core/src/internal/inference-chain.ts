import { softmaxRows } from '@glossa/math';
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

/**
 * The output layer of the fast paths: softmax of `features · kernel + bias` per row, summed in double
 * precision from the bias, feature by feature in order (a zero feature, frequent after a ReLU, adds nothing
 * and is skipped).
 *
 * @param features - [rows, width], row-major.
 * @param rows - Rows.
 * @param width - Features per row.
 * @param kernel - The Dense kernel, [width, classes].
 * @param bias - The Dense bias, [classes].
 * @returns Probabilities, [rows, classes].
 */
export function denseSoftmax(features: ArrayLike<number>, rows: number, width: number, kernel: Float32Array, bias: Float32Array): Float32Array {
  const K = bias.length;
  const logits = new Float64Array(rows * K);
  for (let r = 0; r < rows; r++) {
    const o = r * K;
    for (let c = 0; c < K; c++) logits[o + c] = bias[c]!;
    for (let f = 0; f < width; f++) {
      const v = features[r * width + f]!;
      if (v === 0) continue;
      for (let c = 0; c < K; c++) logits[o + c] = logits[o + c]! + v * kernel[f * K + c]!;
    }
  }
  return new Float32Array(softmaxRows(logits, K));
}
