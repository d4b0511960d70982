/** One Adam step with the batch's gradient computed in shards over {@link GradientWorkers} and this thread. */
import { type Variable, tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type GradientShard, type GradientWorkers, distinctIds, shardGradients, shardRanges, sumShards } from '../data-parallel.js';
import { ModelCoreError } from '../errors.js';
import { denseGradient } from './adam-kernel.js';
import { FusedAdam, type TrainingOptimizer } from './fused-adam.js';
import { getRows } from './table-rows.js';
import { peekValues } from './tensor-memory.js';
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
  const dim = embedding < 0 ? 0 : variables[embedding]!.shape[1]!;
  // The summed gradients, one whole array per weight but the embedding table, reused from step to step (the
  // optimizer consumes them). The table's sum is the rows the shards read (a few thousand of 20,000), which the
  // fused Adam takes as they are (the rest of the table's gradient is zero).
  let sums: Float32Array[] | undefined;
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
    const dropoutCalls = readDropoutCalls(model);
    // Every shard's embedding rows: the distinct ids it reads (a few hundred of 20,000), the only rows that
    // travel to a worker and back, and the only rows of a gradient that are read and summed.
    const rowsOf = ranges.map((range) => (embedding < 0 ? undefined : { index: embedding, rows: distinctIds(slice(range).ids) }));
    // The weights read in place (views of tfjs's memory on wasm: copied out before any tensor is made).
    const values = variables.map((v, i) => (i === embedding ? undefined : (peekValues(v) as Float32Array).slice()));
    const table = embedding < 0 ? undefined : (peekValues(variables[embedding]!) as Float32Array);
    const shards: GradientShard[] = ranges.slice(1).map((range, s) => {
      const part = slice(range);
      const rows = rowsOf[s + 1];
      return {
        weights: values.map((v) => v ?? getRows(table!, rows!.rows, dim)),
        ids: part.ids.slice(),
        length: part.length,
        ys: part.ys.slice(),
        ...(part.weights ? { rowWeights: part.weights.slice() } : {}),
        dropoutCalls,
        ...(rows ? { embedding: rows } : {}),
      };
    });
    const pending = workers.compute(shards);
    // This thread's shard runs while the workers compute theirs.
    let own: ReturnType<typeof shardGradients>;
    try {
      own = shardGradients(model, variables, slice(ranges[0]!), rowsOf[0]);
    } catch (error) {
      await pending.catch(() => undefined);
      throw error;
    }
    const others = await pending;
    if (others.length !== shards.length) {
      throw new ModelCoreError('INVALID_DATA', `fit: the gradient workers returned ${others.length} shards for ${shards.length}.`);
    }
    if (!sums) sums = variables.map((v, i) => new Float32Array(i === embedding ? 0 : v.size));
    else for (const g of sums) g.fill(0);
    const total = sumShards(
      [own, ...others],
      ranges.map(([a, b]) => b - a),
      rowsOf,
      sums,
      true,
    );
    const gradients = total.gradients.map((g, i) => (i === total.rows?.index ? { rows: total.rows.rows, packed: g, dim } : g));
    if (optimizer instanceof FusedAdam) {
      optimizer.applyGradientValues(variables, gradients);
    } else {
      const grads = variables.map((v, i) => {
        const g = gradients[i]!;
        return { name: v.name, tensor: tensor(g instanceof Float32Array ? g : denseGradient(g, v.size), v.shape) };
      });
      optimizer.applyGradients(grads);
      for (const g of grads) g.tensor.dispose();
    }
    return [total.loss, total.hits];
  };
}
