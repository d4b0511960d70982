/** One Adam step with the batch's gradient computed in shards over {@link GradientWorkers} and this thread. */
import { type Variable, tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type GradientShard, type GradientWorkers, distinctIds, getRows, shardGradients, shardRanges, sumShards } from '../data-parallel.js';
import { ModelCoreError } from '../errors.js';
import { FusedAdam, type TrainingOptimizer } from './fused-adam.js';
import { type TrainBatch, trainStep } from './train-step.js';
import { readDropoutCalls } from './training-state.js';

/**
 * A step function for the fit loop: shard 0 is computed here while the workers compute the others at the
 * same weights; the shard gradients are summed in shard order and applied with one Adam step.
 *
 * @returns The batch loss and the rows the model got right before the step.
 */
export function createParallelStep(
  workers: GradientWorkers,
  model: LayersModel,
  optimizer: TrainingOptimizer,
  variables: Variable[],
): (batch: TrainBatch) => Promise<[number, number]> {
  // The embedding table (2-D, one row per token id): sent and summed as rows.
  const embedding = model.trainableWeights.findIndex((w) => w.originalName === 'embedding/embeddings' && w.shape.length === 2);
  return async (batch) => {
    const ranges = shardRanges(batch.ys.length, workers.size + 1);
    // A batch too small to split (the last one, maybe) takes the single-thread step.
    if (ranges.length < 2) return trainStep(model, optimizer, variables, batch);
    const slice = ([start, end]: [number, number]): TrainBatch => ({
      ids: batch.ids.subarray(start * batch.length, end * batch.length),
      length: batch.length,
      ys: batch.ys.subarray(start, end),
      weights: batch.weights?.subarray(start, end),
      classes: batch.classes,
    });
    const values = variables.map((v, i) => (i === embedding ? undefined : (v.dataSync() as Float32Array).slice()));
    const table = embedding < 0 ? undefined : (variables[embedding]!.dataSync() as Float32Array);
    const dropoutCalls = readDropoutCalls(model);
    const shards: GradientShard[] = ranges.slice(1).map((range) => {
      const part = slice(range);
      const ids = part.ids.slice();
      // The embedding travels as the shard's rows only (a few hundred of 20,000).
      const rows = table ? distinctIds(ids) : undefined;
      const weights = values.map((v, i) => v ?? getRows(table!, rows!, variables[i]!.shape[1]!));
      return {
        weights,
        ids,
        length: part.length,
        ys: part.ys.slice(),
        ...(part.weights ? { rowWeights: part.weights.slice() } : {}),
        dropoutCalls,
        ...(rows ? { embedding: { index: embedding, rows } } : {}),
      };
    });
    const pending = workers.compute(shards);
    // This thread's shard runs while the workers compute theirs.
    let own: ReturnType<typeof shardGradients>;
    try {
      own = shardGradients(model, variables, slice(ranges[0]!));
    } catch (error) {
      await pending.catch(() => undefined);
      throw error;
    }
    const others = await pending;
    if (others.length !== shards.length) {
      throw new ModelCoreError('INVALID_DATA', `fit: the gradient workers returned ${others.length} shards for ${shards.length}.`);
    }
    const total = sumShards(
      [own, ...others],
      ranges.map(([a, b]) => b - a),
      [undefined, ...shards.map((shard) => shard.embedding)],
    );
    if (optimizer instanceof FusedAdam) {
      optimizer.applyGradientValues(variables, total.gradients);
    } else {
      const grads = variables.map((v, i) => ({ name: v.name, tensor: tensor(total.gradients[i]!, v.shape) }));
      optimizer.applyGradients(grads);
      for (const g of grads) g.tensor.dispose();
    }
    return [total.loss, total.hits];
  };
}
