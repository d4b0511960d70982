import { architecturesWhere, listNames } from '../architectures/registry.js';
import { tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ModelCoreError } from '../errors.js';
import type { FitOptions, PretrainedCoverage } from '../types.js';

/** Ids below this (`<pad>` 0, `<unk>` 1) keep their initialisation. */
const FIRST_REAL_ID = 2;

/**
 * Calls `FitOptions.pretrainedEmbeddings` with the vocabulary and overwrites the embedding rows of the
 * tokens it returns vectors for (not `<pad>` / `<unk>`).
 *
 * @returns how many tokens were covered, out of how many
 * @throws {@link ModelCoreError} `INVALID_OPTIONS` when the model has no embedding layer, the callback
 *   returns no map, or a vector has the wrong length or a non-finite value
 */
export async function applyPretrainedEmbeddings(
  model: LayersModel,
  vocabulary: readonly string[],
  provide: NonNullable<FitOptions['pretrainedEmbeddings']>,
  signal: AbortSignal | undefined,
): Promise<PretrainedCoverage> {
  const where = 'fit';
  const layer = model.layers.find((l) => l.getClassName() === 'GlossaEmbedding');
  const weight = layer?.weights[0];
  if (weight === undefined) {
    throw new ModelCoreError(
      'INVALID_OPTIONS',
      `${where}: pretrainedEmbeddings needs a model with an embedding layer (architecture ${listNames(architecturesWhere((a) => a.usesEmbeddings))}); this model (${model.name}) has none. Drop pretrainedEmbeddings or pick one of those architectures.`,
    );
  }
  const [rows, dimension] = weight.shape as [number, number];
  const result = await provide(vocabulary, dimension, signal === undefined ? {} : { signal });
  const vectors = (result as { vectors?: unknown } | undefined)?.vectors;
  if (typeof (vectors as { get?: unknown } | undefined)?.get !== 'function') {
    throw new ModelCoreError(
      'INVALID_OPTIONS',
      `${where}: pretrainedEmbeddings must return { vectors: Map<string, Float32Array> } (got ${JSON.stringify(result)?.slice(0, 80) ?? String(result)}).`,
    );
  }
  const map = vectors as ReadonlyMap<string, unknown>;
  const values = (weight.read().dataSync() as Float32Array).slice();
  let covered = 0;
  for (let id = FIRST_REAL_ID; id < rows && id < vocabulary.length; id++) {
    const token = vocabulary[id]!;
    const vector = map.get(token);
    if (vector === undefined) continue;
    if (!(vector instanceof Float32Array)) {
      throw new ModelCoreError(
        'INVALID_OPTIONS',
        `${where}: pretrainedEmbeddings gave a ${Object.prototype.toString.call(vector).slice(8, -1)} for "${token}"; vectors must be Float32Arrays.`,
      );
    }
    if (vector.length !== dimension) {
      throw new ModelCoreError(
        'INVALID_OPTIONS',
        `${where}: pretrainedEmbeddings gave a vector of ${vector.length} values for "${token}", but the embedding dimension (embeddingDim) is ${dimension}. Set embeddingDim to ${vector.length}, or use vectors of ${dimension} values.`,
      );
    }
    const bad = vector.findIndex((v) => !Number.isFinite(v));
    if (bad !== -1) {
      throw new ModelCoreError(
        'INVALID_OPTIONS',
        `${where}: pretrainedEmbeddings gave "${token}" a vector whose value ${bad + 1} is ${vector[bad]}; every value must be a finite number.`,
      );
    }
    values.set(vector, id * dimension);
    covered++;
  }
  const updated = tensor(values, [rows, dimension], 'float32');
  weight.write(updated);
  updated.dispose();
  const vocabularySize = Math.max(0, Math.min(rows, vocabulary.length) - FIRST_REAL_ID);
  return result.source === undefined ? { covered, vocabularySize } : { covered, vocabularySize, source: result.source };
}
