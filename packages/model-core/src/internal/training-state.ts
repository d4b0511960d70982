import { type Variable, dispose, scalar, tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { CheckpointFitSettings, CheckpointOptimizerState, TrainingCheckpoint } from '../checkpoint.js';
import { ModelCoreError } from '../errors.js';
import type { ResolvedClassifierOptions } from '../options.js';
import { FusedAdam, type TrainingOptimizer } from './fused-adam.js';
import type { GlossaDropout } from './layers.js';

/**
 * The parts of tfjs-core 4.22's AdamOptimizer that its public getWeights/setWeights do not round-trip
 * exactly: setWeights recomputes β^t with `pow`, while training keeps it as a running float32 product, so
 * the last bits differ. Reading and writing the running products directly keeps a resumed run
 * bit-identical to an uninterrupted one (a test checks this).
 */
interface AdamInternals {
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: Array<{ variable: Variable }>;
  accumulatedSecondMoment: Array<{ variable: Variable }>;
}

/** The optimizer's complete state as plain arrays. */
export function readAdamState(optimizer: TrainingOptimizer): CheckpointOptimizerState {
  if (optimizer instanceof FusedAdam) return optimizer.readState();
  const o = optimizer as unknown as AdamInternals;
  const read = (v: Variable): Float32Array => (v.dataSync() as Float32Array).slice();
  return {
    name: 'adam',
    iterations: optimizer.iterations,
    beta1Power: o.accBeta1.dataSync()[0]!,
    beta2Power: o.accBeta2.dataSync()[0]!,
    firstMoments: o.accumulatedFirstMoment.map((m) => read(m.variable)),
    secondMoments: o.accumulatedSecondMoment.map((m) => read(m.variable)),
  };
}

/** Puts a saved state into a fresh optimizer that will train `variables`. */
export async function writeAdamState(optimizer: TrainingOptimizer, variables: readonly Variable[], state: CheckpointOptimizerState): Promise<void> {
  const n = state.firstMoments.length;
  const fits = (values: Float32Array[]): boolean => values.every((m, i) => variables[i] !== undefined && m.length === variables[i]!.size);
  if ((n !== 0 && n !== variables.length) || state.secondMoments.length !== n || !fits(state.firstMoments) || !fits(state.secondMoments)) {
    throw new ModelCoreError(
      'INVALID_OPTIONS',
      `fit: resumeFrom holds optimizer state for ${n} weights that do not match this model's ${variables.length} trainable weights. Resume with the same classifier options, or start afresh.`,
    );
  }
  if (optimizer instanceof FusedAdam) {
    optimizer.writeState(state);
    return;
  }
  const named = [
    { name: 'iter', tensor: scalar(state.iterations, 'int32') },
    ...state.firstMoments.map((m, i) => ({ name: `${variables[i]!.name}/m`, tensor: tensor(m, variables[i]!.shape, 'float32') })),
    ...state.secondMoments.map((m, i) => ({ name: `${variables[i]!.name}/v`, tensor: tensor(m, variables[i]!.shape, 'float32') })),
  ];
  await optimizer.setWeights(named);
  dispose(named.map((t) => t.tensor));
  const o = optimizer as unknown as AdamInternals;
  const b1 = scalar(state.beta1Power, 'float32');
  const b2 = scalar(state.beta2Power, 'float32');
  o.accBeta1.assign(b1);
  o.accBeta2.assign(b2);
  dispose([b1, b2]);
}

function dropoutLayers(model: LayersModel): GlossaDropout[] {
  return model.layers.filter((layer) => layer.getClassName() === 'GlossaDropout') as unknown as GlossaDropout[];
}

/** How many masks each dropout layer has drawn (its random stream position). */
export function readDropoutCalls(model: LayersModel): number[] {
  return dropoutLayers(model).map((layer) => layer.calls);
}

/** Restores {@link readDropoutCalls}. */
export function writeDropoutCalls(model: LayersModel, calls: readonly number[]): void {
  const layers = dropoutLayers(model);
  if (layers.length !== calls.length) {
    throw new ModelCoreError(
      'INVALID_OPTIONS',
      `fit: resumeFrom has ${calls.length} dropout layers, this model ${layers.length}. Resume with the same dropout option.`,
    );
  }
  layers.forEach((layer, i) => {
    layer.calls = calls[i]!;
  });
}

/** Copies of every weight's values, in `model.weights` order. */
export function snapshotWeights(model: LayersModel): Float32Array[] {
  return model.weights.map((w) => (w.read().dataSync() as Float32Array).slice());
}

/** Writes values (in `model.weights` order) into the model. */
export function restoreWeights(model: LayersModel, values: readonly Float32Array[]): void {
  if (values.length !== model.weights.length || values.some((v, i) => v.length !== model.weights[i]!.read().size)) {
    throw new ModelCoreError(
      'INVALID_OPTIONS',
      `fit: resumeFrom holds ${values.length} weights that do not match this model's ${model.weights.length} (different options or vocabulary). Resume with the same classifier options, or start afresh.`,
    );
  }
  model.weights.forEach((w, i) => {
    const t = tensor(values[i]!, w.shape as number[], 'float32');
    w.write(t);
    t.dispose();
  });
}

/** Index of the first non-finite value over all arrays, as `[array, index]`, or undefined. */
export function firstNonFinite(arrays: readonly Float32Array[]): [number, number] | undefined {
  for (let a = 0; a < arrays.length; a++) {
    const values = arrays[a]!;
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return [a, i];
  }
  return undefined;
}

const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );

/**
 * Checks that `checkpoint` was written by a run with the same classifier options (the learning rate may
 * differ), data and fit settings, listing every difference.
 */
export function assertResumable(
  checkpoint: TrainingCheckpoint,
  options: ResolvedClassifierOptions,
  labels: readonly string[],
  settings: CheckpointFitSettings,
  epochs: number,
): void {
  if (checkpoint?.format !== 'glossa-checkpoint') {
    throw new ModelCoreError(
      'INVALID_OPTIONS',
      'fit: resumeFrom is not a training checkpoint. Pass one received by onCheckpoint or read with deserializeCheckpoint.',
    );
  }
  const differences: string[] = [];
  for (const key of Object.keys(options) as Array<keyof ResolvedClassifierOptions>) {
    // A different learning rate is allowed: lowering it is the fix for a diverged run.
    if (key !== 'learningRate' && checkpoint.options[key] !== options[key])
      differences.push(`option ${key}: ${String(checkpoint.options[key])} in the checkpoint, ${String(options[key])} now`);
  }
  if (settings.dataFingerprint !== checkpoint.fit.dataFingerprint) differences.push('the training examples differ (texts, labels or their order)');
  if (settings.seed !== checkpoint.fit.seed) differences.push(`seed: ${checkpoint.fit.seed} in the checkpoint, ${settings.seed} now`);
  if (settings.batchSize !== checkpoint.fit.batchSize) differences.push(`batchSize: ${checkpoint.fit.batchSize} in the checkpoint, ${settings.batchSize} now`);
  for (const key of ['validation', 'earlyStopping', 'classWeight'] as const) {
    if (stable(settings[key]) !== stable(checkpoint.fit[key]))
      differences.push(`${key}: ${stable(checkpoint.fit[key])} in the checkpoint, ${stable(settings[key])} now`);
  }
  if (stable(labels) !== stable(checkpoint.labels)) differences.push(`labels: ${checkpoint.labels.join(', ')} in the checkpoint, ${labels.join(', ')} now`);
  if (differences.length > 0) {
    throw new ModelCoreError(
      'INVALID_OPTIONS',
      `fit: resumeFrom was written by a different training run (${differences.slice(0, 4).join('; ')}${differences.length > 4 ? `; and ${differences.length - 4} more` : ''}). Resume with the same data and options, or start afresh without resumeFrom.`,
    );
  }
  if (checkpoint.epoch > epochs) {
    throw new ModelCoreError(
      'INVALID_OPTIONS',
      `fit: resumeFrom has already completed ${checkpoint.epoch} epochs, more than epochs (${epochs}). Pass epochs ≥ ${checkpoint.epoch}.`,
    );
  }
}
