/** One optimisation step of a neural model, and the optimizer it uses. */
import {
  type Scalar,
  type Tensor,
  type Variable,
  argMax,
  clipByValue,
  keep,
  log,
  mean,
  mul,
  neg,
  oneHot,
  sum,
  tensor1d,
  tensor2d,
  tidy,
  train,
} from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { FusedAdam, type TrainingOptimizer, usesFusedAdam } from './fused-adam.js';

/** Probabilities are clipped to [ε, 1 − ε] before the log, as Keras's categorical cross-entropy. */
const LOG_EPSILON = 1e-7;

/**
 * The Adam optimizer with Keras's defaults (beta1 0.9, beta2 0.999, epsilon 1e-7): on the backends that keep
 * tensors in CPU memory the fused one (the same results, one pass per weight), elsewhere tfjs's.
 */
export function createAdam(learningRate: number): TrainingOptimizer {
  return usesFusedAdam() ? new FusedAdam(learningRate, 0.9, 0.999, 1e-7) : train.adam(learningRate, 0.9, 0.999, 1e-7);
}

/** A padded batch: row-major `[rows, length]` ids, the label index of each row and optional per-row weights. */
export interface TrainBatch {
  ids: Int32Array;
  length: number;
  ys: Int32Array;
  weights: Float32Array | undefined;
  classes: number;
}

/**
 * The weighted mean cross-entropy of `batch` (layers in training mode) as the function tfjs's gradient tape
 * differentiates; each call hands the model's argmax of the batch to `predicted` (kept: the caller disposes
 * it). Call inside `tidy`: the batch tensors are made here.
 */
export function batchObjective(model: LayersModel, batch: TrainBatch, predicted: (guesses: Tensor) => void): () => Scalar {
  const { ids, length, ys, weights, classes } = batch;
  const x = tensor2d(ids, [ys.length, length], 'int32');
  const y = oneHot(tensor1d(ys, 'int32'), classes);
  const w = weights ? tensor1d(weights) : undefined;
  return () => {
    const p = model.apply(x, { training: true }) as Tensor;
    predicted(keep(argMax(p, -1)));
    const ce = neg(sum(mul(y, log(clipByValue(p, LOG_EPSILON, 1 - LOG_EPSILON))), -1));
    return mean(w ? mul(ce, w) : ce) as Scalar;
  };
}

/** Rows of `ys` the kept argmax `guesses` got right; disposes `guesses`. */
export function countHits(guesses: Tensor, ys: Int32Array): number {
  const values = guesses.dataSync();
  guesses.dispose();
  let hits = 0;
  for (let i = 0; i < ys.length; i++) if (values[i] === ys[i]) hits++;
  return hits;
}

/**
 * One Adam step on `batch` (weighted mean cross-entropy, layers in training mode).
 *
 * @returns The batch loss and how many rows the model got right before the step.
 */
export function trainStep(model: LayersModel, optimizer: TrainingOptimizer, variables: Variable[], batch: TrainBatch): [number, number] {
  let predicted: Tensor | undefined;
  const cost = tidy(
    () =>
      optimizer.minimize(
        batchObjective(model, batch, (guesses) => {
          predicted = guesses;
        }),
        true,
        variables,
      )!,
  );
  const loss = cost.dataSync()[0]!;
  cost.dispose();
  return [loss, countHits(predicted!, batch.ys)];
}
