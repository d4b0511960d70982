/** One Adam step with the batch's gradient computed in shards over {@link GradientWorkers} and this thread. */
import { type Variable, tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type GradientShard, type GradientWorkers, type ShardGradients, createShardSum, distinctIds, shardGradients, shardRanges } from '../data-parallel.js';
import { ModelCoreError } from '../errors.js';
import { type RowGradient, denseGradient } from './adam-kernel.js';
import { FusedAdam, type TrainingOptimizer } from './fused-adam.js';
import { getRows } from './table-rows.js';
import { peekValues } from './tensor-memory.js';
import { type TrainBatch, trainStep } from './train-step.js';
import { readDropoutCalls } from './training-state.js';

/**
 * A data-parallel step: `batch` is the batch to train on; `next`, when given, makes the batch the fit loop
 * will pass to the next call (which must then be that very object), so its shards can be sent to the
 * workers ahead of time.
 */
export type ParallelStep = (batch: TrainBatch, next?: () => TrainBatch) => Promise<[number, number]>;

/** A batch cut into shards: the ranges of its rows and each shard's embedding rows. */
interface ShardPlan {
  batch: TrainBatch;
  ranges: Array<[number, number]>;
  rowsOf: Array<{ index: number; rows: Int32Array } | undefined>;
}

/**
 * A step function for the fit loop: shard 0 is computed here while the workers compute the others at the
 * same weights; the shard gradients are summed in shard order and applied with one Adam step.
 *
 * Given the next batch, the step also sends the workers their shards of it before its own Adam step: the
 * fused Adam tells the new weights (the rows of the embedding those shards read and the other weights)
 * ahead of the step with the same bits, so the workers compute while this thread runs the step over the
 * whole embedding table, and the next call finds their gradients under way. What each thread computes, and
 * at which weights, is what it would be without this, so the model is the same.
 *
 * @returns The batch loss and the rows the model got right before the step.
 */
export function createParallelStep(workers: GradientWorkers, model: LayersModel, optimizer: TrainingOptimizer, variables: Variable[]): ParallelStep {
  // The embedding table (2-D, one row per token id): sent and summed as rows.
  const embedding = model.trainableWeights.findIndex((w) => w.originalName === 'embedding/embeddings' && w.shape.length === 2);
  const dim = embedding < 0 ? 0 : variables[embedding]!.shape[1]!;
  // The summed gradients, one whole array per weight but the embedding table, reused from step to step (the
  // optimizer consumes them). The table's sum is the rows the shards read (a few thousand of 20,000), which the
  // fused Adam takes as they are (the rest of the table's gradient is zero).
  let sums: Float32Array[] | undefined;
  // The workers' shards of the batch the next call is for, sent at the end of this one.
  let ahead: { plan: ShardPlan; pending: Promise<ShardGradients[]> } | undefined;

  const slice = (batch: TrainBatch, [start, end]: [number, number]): TrainBatch => ({
    ids: batch.ids.subarray(start * batch.length, end * batch.length),
    length: batch.length,
    ys: batch.ys.subarray(start, end),
    weights: batch.weights?.subarray(start, end),
    classes: batch.classes,
  });
  const planOf = (batch: TrainBatch): ShardPlan => {
    const ranges = shardRanges(batch.ys.length, workers.size + 1);
    // Every shard's embedding rows: the distinct ids it reads (a few hundred of 20,000), the only rows that
    // travel to a worker and back, and the only rows of a gradient that are read and summed.
    const rowsOf = ranges.map((range) => (embedding < 0 ? undefined : { index: embedding, rows: distinctIds(slice(batch, range).ids) }));
    return { batch, ranges, rowsOf };
  };
  /**
   * Sends the workers their shards of `plan`, at the weights `weightOf` gives (the table as worker s's rows,
   * packed). The arrays are transferred to the workers (one several shards share is copied for the others).
   */
  const send = (
    plan: ShardPlan,
    weightOf: (i: number) => Float32Array,
    tableRows: (rows: Int32Array, s: number) => Float32Array,
  ): Promise<ShardGradients[]> => {
    const dropoutCalls = readDropoutCalls(model);
    const shards: GradientShard[] = plan.ranges.slice(1).map((range, s) => {
      const part = slice(plan.batch, range);
      const rows = plan.rowsOf[s + 1];
      return {
        weights: variables.map((_, i) => (i === embedding ? tableRows(rows!.rows, s) : weightOf(i))),
        ids: part.ids.slice(),
        length: part.length,
        ys: part.ys.slice(),
        ...(part.weights ? { rowWeights: part.weights.slice() } : {}),
        dropoutCalls,
        ...(rows ? { embedding: rows } : {}),
      };
    });
    return workers.compute(shards);
  };
  /** The next batch's shards sent at the weights the step about to run will make, or undefined where Adam cannot tell them. */
  const sendAhead = (plan: ShardPlan, gradients: Array<Float32Array | RowGradient>): Promise<ShardGradients[]> | undefined => {
    if (!(optimizer instanceof FusedAdam)) return undefined;
    const peek = (i: number, rows?: Int32Array) => optimizer.peekGradientValues(variables[i]!, i, gradients[i]!, rows);
    const weights: Array<Float32Array | undefined> = variables.map((_, i) => (i === embedding ? undefined : peek(i)));
    if (weights.some((w, i) => w === undefined && i !== embedding)) return undefined;
    const tables = plan.rowsOf.slice(1).map((r) => (r ? peek(embedding, r.rows) : undefined));
    if (embedding >= 0 && tables.some((t) => t === undefined)) return undefined;
    const pending = send(
      plan,
      (i) => weights[i]!,
      (_, s) => tables[s]!,
    );
    // Awaited by the next call; a fit that ends before it (cancelled, failed) leaves it unread.
    pending.catch(() => undefined);
    return pending;
  };

  return async (batch, next) => {
    const ranges = shardRanges(batch.ys.length, workers.size + 1);
    const sent = ahead?.plan.batch === batch ? ahead : undefined;
    ahead = undefined;
    // A batch too small to split (the last one, maybe) takes the single-thread step.
    if (ranges.length < 2) return trainStep(model, optimizer, variables, batch);
    const plan = sent?.plan ?? planOf(batch);
    let pending = sent?.pending;
    if (!pending) {
      // The weights read in place (views of tfjs's memory on wasm: copied out before any tensor is made).
      const table = embedding < 0 ? undefined : (peekValues(variables[embedding]!) as Float32Array);
      pending = send(
        plan,
        (i) => (peekValues(variables[i]!) as Float32Array).slice(),
        (rows) => getRows(table!, rows, dim),
      );
    }
    // This thread's shard runs while the workers compute theirs.
    let own: ShardGradients;
    try {
      own = shardGradients(model, variables, slice(batch, plan.ranges[0]!), plan.rowsOf[0]);
    } catch (error) {
      await pending.catch(() => undefined);
      throw error;
    }
    // While the workers finish: this shard's share of the sum, and the next batch's shards.
    if (!sums) sums = variables.map((v, i) => new Float32Array(i === embedding ? 0 : v.size));
    else for (const g of sums) g.fill(0);
    const sum = createShardSum(
      plan.ranges.map(([a, b]) => b - a),
      plan.rowsOf,
      sums,
      true,
    );
    sum.add(own);
    const nextBatch = next?.();
    const nextPlan = nextBatch ? planOf(nextBatch) : undefined;
    const others = await pending;
    if (others.length !== plan.ranges.length - 1) {
      throw new ModelCoreError('INVALID_DATA', `fit: the gradient workers returned ${others.length} shards for ${plan.ranges.length - 1}.`);
    }
    for (const r of others) sum.add(r);
    const total = sum.result();
    const gradients = total.gradients.map((g, i) => (i === total.rows?.index ? { rows: total.rows.rows, packed: g, dim } : g));
    if (nextPlan && nextPlan.ranges.length >= 2) {
      const sentAhead = sendAhead(nextPlan, gradients);
      if (sentAhead) ahead = { plan: nextPlan, pending: sentAhead };
    }
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
