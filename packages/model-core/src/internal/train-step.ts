/** One optimisation step of a neural model, and the optimizer it uses. */
import { type Tensor, type Variable, argMax, clipByValue, dispose, keep, log, mean, mul, neg, oneHot, sum, tensor1d, tensor2d, tidy, train } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { setTrainingPhase } from './phase.js';

/** Probabilities are clipped to [ε, 1 − ε] before the log, as Keras's categorical cross-entropy. */
export const LOG_EPSILON = 1e-7;

/** The Adam optimizer with Keras's defaults (beta1 0.9, beta2 0.999, epsilon 1e-7). */
export function createAdam(learningRate: number): ReturnType<typeof train.adam> {
  return train.adam(learningRate, 0.9, 0.999, 1e-7);
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
 * One Adam step on `batch` (weighted mean cross-entropy, layers in training mode).
 *
 * @returns The batch loss and how many rows the model got right before the step.
 */
export function trainStep(model: LayersModel, optimizer: ReturnType<typeof train.adam>, variables: Variable[], batch: TrainBatch): [number, number] {
  const { ids, length, ys, weights, classes } = batch;
  const rows = ys.length;
  let predicted: Tensor | undefined;
  setTrainingPhase(true);
  try {
    const cost = tidy(() => {
      const x = tensor2d(ids, [rows, length], 'int32');
      const y = oneHot(tensor1d(ys, 'int32'), classes);
      const w = weights ? tensor1d(weights) : undefined;
      return optimizer.minimize(
        () => {
          const p = model.apply(x, { training: true }) as Tensor;
          predicted = keep(argMax(p, -1));
          const ce = neg(sum(mul(y, log(clipByValue(p, LOG_EPSILON, 1 - LOG_EPSILON))), -1));
          return mean(w ? mul(ce, w) : ce);
        },
        true,
        variables,
      )!;
    });
    const loss = cost.dataSync()[0]!;
    const guesses = predicted!.dataSync();
    let hits = 0;
    for (let i = 0; i < rows; i++) if (guesses[i] === ys[i]) hits++;
    dispose([cost, predicted!]);
    return [loss, hits];
  } finally {
    setTrainingPhase(false);
  }
}
