import type { RngState } from '@glossa/math';
import type { TextPipelineJSON } from '@glossa/text-preprocessing';
import { z } from 'zod';
import type { BundleFiles } from './bundle.js';
import { BundleError } from './errors.js';
import { classifierOptionsSchema, epochLogSchema } from './internal/options-schema.js';
import type { ResolvedClassifierOptions } from './options.js';
import type { EpochLog } from './types.js';
import { MODEL_CORE_VERSION } from './version.js';

/** The checkpoint format version this library writes and the newest it reads. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** File names inside a serialised checkpoint (see {@link serializeCheckpoint}). */
export const CHECKPOINT_FILE_NAMES = {
  state: 'checkpoint.json',
  preprocessing: 'preprocessing.json',
  tensors: 'tensors.bin',
} as const;

/** A float32 tensor of a checkpoint: its weight name, shape and values. */
export interface CheckpointTensor {
  /** The tfjs weight name (e.g. `embedding/embeddings`). */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Its values, row-major. */
  values: Float32Array;
}

/** The fit settings a checkpoint was made with; a resumed `fit` must use the same ones. */
export interface CheckpointFitSettings {
  /** `FitOptions.seed`. */
  seed: number;
  /** `FitOptions.batchSize`. */
  batchSize: number;
  /** How the validation set was formed: a seeded split of the data, or separate data (by fingerprint). */
  validation: { kind: 'split'; fraction: number } | { kind: 'data'; fingerprint: string };
  /** Resolved early-stopping settings, or false. */
  earlyStopping: false | { patience: number; minDelta: number; restoreBestWeights: boolean };
  /** `FitOptions.classWeight`, or null. */
  classWeight: 'balanced' | Record<string, number> | null;
  /** Fingerprint of the training examples (texts and labels, in order). */
  dataFingerprint: string;
}

/** Adam's state: step count, the running products β₁ᵗ and β₂ᵗ, and the two moment estimates per variable. */
export interface CheckpointOptimizerState {
  /** The optimizer (Glossa trains with Adam). */
  name: 'adam';
  /** Steps taken. */
  iterations: number;
  /** β₁ raised to the step count + 1, as the optimizer holds it (float32). */
  beta1Power: number;
  /** β₂ raised to the step count + 1, as the optimizer holds it (float32). */
  beta2Power: number;
  /** First-moment estimates, one per trainable weight in `model.trainableWeights` order ([] before the first step). */
  firstMoments: Float32Array[];
  /** Second-moment estimates, same order. */
  secondMoments: Float32Array[];
}

/**
 * Everything needed to continue a {@link TextClassifier.fit} run exactly where it stopped: weights, optimizer
 * state, random-generator state, early-stopping state, history, the fitted text pipeline, labels and options.
 * `fit` hands one to `FitOptions.onCheckpoint` at the end of every epoch (and, when aborted, after the last
 * finished batch); pass it back as `FitOptions.resumeFrom` to continue. {@link serializeCheckpoint} turns it
 * into files for storage.
 *
 * @example
 * ```ts
 * let last: TrainingCheckpoint | undefined;
 * await classifier.fit(data, { epochs: 5, onCheckpoint: (c) => { last = c; } });
 * console.log(last?.epoch); // 5
 * ```
 */
export interface TrainingCheckpoint {
  /** Always `glossa-checkpoint`. */
  format: 'glossa-checkpoint';
  /** {@link CHECKPOINT_FORMAT_VERSION} when written. */
  formatVersion: number;
  /** `epoch`: written at the end of an epoch; `interrupted`: written after an abort, possibly mid-epoch. */
  reason: 'epoch' | 'interrupted';
  /** Epochs completed. */
  epoch: number;
  /** Batches completed in the epoch after `epoch` (0 at an epoch boundary). */
  batch: number;
  /** Epochs the run that wrote it was asked for. */
  epochs: number;
  /** The classifier's resolved options. */
  options: ResolvedClassifierOptions;
  /** Class names in output order. */
  labels: string[];
  /** The fitted text pipeline (`TextPipeline.toJSON()`). */
  pipeline: TextPipelineJSON;
  /** The fit settings; a resumed fit must match them. */
  fit: CheckpointFitSettings;
  /** Every model weight, in `model.weights` order. */
  weights: CheckpointTensor[];
  /** The optimizer's state. */
  optimizer: CheckpointOptimizerState;
  /** The training generator's state at the start of the epoch after `epoch` (it plans that epoch's batches). */
  rng: RngState;
  /** Masks drawn so far by each dropout layer, in layer order. */
  dropoutCalls: number[];
  /** Early stopping: best monitored loss so far (null before the first epoch), its epoch, its weights when kept, and whether training already stopped. */
  earlyStopping: { bestLoss: number | null; bestEpoch: number; bestWeights: Float32Array[] | null; stoppedEarly: boolean };
  /** Metrics of the completed epochs. */
  history: EpochLog[];
  /** Running totals: seconds and samples of the whole run; loss sum, hits and seconds of the unfinished epoch. */
  progress: { trainSeconds: number; samples: number; epochLossSum: number; epochCorrect: number; epochSeconds: number };
  /** Library that wrote it. */
  createdBy: { name: string; version: string };
  /** ISO time it was made. */
  createdAt: string;
}

const MAX_TENSOR_BYTES = 4 * 1024 * 1024 * 1024;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const word = z.number().int().min(0).max(0xffffffff);
const shape = z.array(z.number().int().min(0).max(100_000_000)).max(8);

const stateSchema = z.object({
  format: z.literal('glossa-checkpoint'),
  formatVersion: z.number().int().min(1),
  reason: z.enum(['epoch', 'interrupted']),
  epoch: count,
  batch: count,
  epochs: count,
  // A checkpoint accepts any positive learning rate (a manifest keeps to OPTION_RANGES).
  options: classifierOptionsSchema.extend({ learningRate: z.number().positive() }),
  labels: z.array(z.string().max(1000)).min(2).max(100_000),
  fit: z.object({
    seed: count,
    batchSize: z.number().int().min(1),
    validation: z.union([
      z.object({ kind: z.literal('split'), fraction: z.number().min(0).max(1) }),
      z.object({ kind: z.literal('data'), fingerprint: z.string().max(64) }),
    ]),
    earlyStopping: z.union([z.literal(false), z.object({ patience: count, minDelta: z.number().min(0), restoreBestWeights: z.boolean() })]),
    classWeight: z.union([z.literal('balanced'), z.record(z.string(), z.number()), z.null()]),
    dataFingerprint: z.string().max(64),
  }),
  tensors: z.object({
    weights: z.array(z.object({ name: z.string().max(500), shape })).max(10_000),
    firstMoments: z.array(shape).max(10_000),
    secondMoments: z.array(shape).max(10_000),
    bestWeights: z.array(shape).max(10_000).nullable(),
  }),
  optimizer: z.object({ name: z.literal('adam'), iterations: count, beta1Power: finite, beta2Power: finite }),
  rng: z.object({ seed: z.number().int(), words: z.tuple([word, word, word, word]), spareNormal: finite.nullable() }),
  dropoutCalls: z.array(count).max(1000),
  earlyStopping: z.object({ bestLoss: finite.nullable(), bestEpoch: count, stoppedEarly: z.boolean() }),
  history: z.array(epochLogSchema).max(100_000),
  progress: z.object({ trainSeconds: z.number().min(0), samples: count, epochLossSum: finite, epochCorrect: count, epochSeconds: z.number().min(0) }),
  createdBy: z.object({ name: z.string(), version: z.string() }),
  createdAt: z.string(),
});

type CheckpointStateJSON = z.infer<typeof stateSchema>;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const sizeOf = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

function problem(message: string, problems: string[], code: 'BUNDLE_INVALID' | 'BUNDLE_CORRUPT' = 'BUNDLE_INVALID'): BundleError {
  return new BundleError(code, `Checkpoint: ${message}`, problems);
}

/**
 * Turns a checkpoint into files (`checkpoint.json`, `preprocessing.json`, `tensors.bin`) that a runtime can
 * store like a bundle, e.g. with node-runtime's `saveCheckpoint` (atomic).
 *
 * @param checkpoint - A checkpoint from `FitOptions.onCheckpoint`.
 * @returns File name → bytes.
 * @throws {@link BundleError} `BUNDLE_INVALID` when an optimizer moment or the best weights do not match the weights' shapes.
 * @example
 * ```ts
 * await classifier.fit(data, { onCheckpoint: async (c) => store(serializeCheckpoint(c)) });
 * ```
 */
export function serializeCheckpoint(checkpoint: TrainingCheckpoint): BundleFiles {
  const trainableShapes = (moments: Float32Array[], label: string): number[][] =>
    moments.map((m, i) => {
      const match = checkpoint.weights.find((w) => sizeOf(w.shape) === m.length);
      if (!match) throw problem(`${label} ${i} has ${m.length} values, which matches no weight of the model.`, [`${label}[${i}]: no matching weight`]);
      return match.shape;
    });
  const best = checkpoint.earlyStopping.bestWeights;
  if (best && best.length !== checkpoint.weights.length) {
    throw problem(`${best.length} best weights for ${checkpoint.weights.length} weights.`, ['bestWeights: count']);
  }
  const arrays: Float32Array[] = [
    ...checkpoint.weights.map((w) => w.values),
    ...checkpoint.optimizer.firstMoments,
    ...checkpoint.optimizer.secondMoments,
    ...(best ?? []),
  ];
  const state: CheckpointStateJSON = {
    format: 'glossa-checkpoint',
    formatVersion: checkpoint.formatVersion,
    reason: checkpoint.reason,
    epoch: checkpoint.epoch,
    batch: checkpoint.batch,
    epochs: checkpoint.epochs,
    options: { ...checkpoint.options },
    labels: [...checkpoint.labels],
    fit: checkpoint.fit,
    tensors: {
      weights: checkpoint.weights.map((w) => ({ name: w.name, shape: [...w.shape] })),
      firstMoments: trainableShapes(checkpoint.optimizer.firstMoments, 'firstMoment'),
      secondMoments: trainableShapes(checkpoint.optimizer.secondMoments, 'secondMoment'),
      bestWeights: best ? checkpoint.weights.map((w) => [...w.shape]) : null,
    },
    optimizer: {
      name: 'adam',
      iterations: checkpoint.optimizer.iterations,
      beta1Power: checkpoint.optimizer.beta1Power,
      beta2Power: checkpoint.optimizer.beta2Power,
    },
    rng: checkpoint.rng,
    dropoutCalls: [...checkpoint.dropoutCalls],
    earlyStopping: {
      bestLoss: checkpoint.earlyStopping.bestLoss,
      bestEpoch: checkpoint.earlyStopping.bestEpoch,
      stoppedEarly: checkpoint.earlyStopping.stoppedEarly,
    },
    history: checkpoint.history,
    progress: checkpoint.progress,
    createdBy: checkpoint.createdBy,
    createdAt: checkpoint.createdAt,
  };
  const total = arrays.reduce((n, a) => n + a.byteLength, 0);
  const tensors = new Uint8Array(total);
  let offset = 0;
  for (const a of arrays) {
    tensors.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  return {
    [CHECKPOINT_FILE_NAMES.state]: encoder.encode(`${JSON.stringify(state, null, 1)}\n`),
    [CHECKPOINT_FILE_NAMES.preprocessing]: encoder.encode(`${JSON.stringify(checkpoint.pipeline)}\n`),
    [CHECKPOINT_FILE_NAMES.tensors]: tensors,
  };
}

function parseJson(files: BundleFiles, name: string): unknown {
  const bytes = files[name];
  if (!bytes) {
    throw new BundleError(
      'BUNDLE_MISSING_FILE',
      `Checkpoint: ${name} is missing (files present: ${Object.keys(files).join(', ') || 'none'}). The checkpoint is incomplete; start training afresh.`,
      [`${name}: missing`],
    );
  }
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw new BundleError(
      'BUNDLE_CORRUPT',
      `Checkpoint: ${name} is not valid UTF-8 JSON (${(cause as Error).message}). The file is damaged; start training afresh.`,
      [`${name}: not JSON`],
      {
        cause,
      },
    );
  }
}

/**
 * Reads checkpoint files written by {@link serializeCheckpoint}, validating every field and the tensor bytes.
 * Never evaluates code. The text pipeline is validated when the checkpoint is used by `fit`.
 *
 * @param files - File name → bytes (from a directory, IndexedDB…).
 * @returns The checkpoint, ready for `FitOptions.resumeFrom`.
 * @throws {@link BundleError} `BUNDLE_MISSING_FILE`, `BUNDLE_UNSUPPORTED_VERSION`, `BUNDLE_INVALID` (listing every problem) or `BUNDLE_CORRUPT` (wrong byte count, non-finite values).
 * @example
 * ```ts
 * const checkpoint = deserializeCheckpoint(files);
 * await classifier.fit(data, { resumeFrom: checkpoint });
 * ```
 */
export function deserializeCheckpoint(files: BundleFiles): TrainingCheckpoint {
  const json = parseJson(files, CHECKPOINT_FILE_NAMES.state);
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > CHECKPOINT_FORMAT_VERSION) {
    throw new BundleError(
      'BUNDLE_UNSUPPORTED_VERSION',
      `Checkpoint: checkpoint.json has format version ${version}, but this @glossa/model-core (${MODEL_CORE_VERSION}) reads up to version ${CHECKPOINT_FORMAT_VERSION}. Resume with the Glossa release that wrote it.`,
      [`formatVersion: ${version} > ${CHECKPOINT_FORMAT_VERSION}`],
    );
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `checkpoint.json ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw problem(`checkpoint.json is invalid (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.slice(0, 5).join('; ')}`, problems);
  }
  const state = parsed.data;
  const pipeline = parseJson(files, CHECKPOINT_FILE_NAMES.preprocessing) as TextPipelineJSON;
  const shapes = [
    ...state.tensors.weights.map((w) => w.shape),
    ...state.tensors.firstMoments,
    ...state.tensors.secondMoments,
    ...(state.tensors.bestWeights ?? []),
  ];
  const expected = shapes.reduce((n, s) => n + sizeOf(s) * 4, 0);
  if (expected > MAX_TENSOR_BYTES) throw problem(`the tensors would take ${expected} bytes, over the limit of ${MAX_TENSOR_BYTES}.`, ['tensors: too large']);
  if (state.tensors.firstMoments.length !== state.tensors.secondMoments.length) {
    throw problem('the optimizer has different numbers of first and second moments.', ['tensors.secondMoments: count']);
  }
  if (state.tensors.bestWeights && state.tensors.bestWeights.length !== state.tensors.weights.length) {
    throw problem('the best weights do not match the weights.', ['tensors.bestWeights: count']);
  }
  const bytes = files[CHECKPOINT_FILE_NAMES.tensors];
  if (!bytes) {
    throw new BundleError(
      'BUNDLE_MISSING_FILE',
      `Checkpoint: ${CHECKPOINT_FILE_NAMES.tensors} is missing. The checkpoint is incomplete; start training afresh.`,
      [`${CHECKPOINT_FILE_NAMES.tensors}: missing`],
    );
  }
  if (bytes.byteLength !== expected) {
    throw problem(
      `${CHECKPOINT_FILE_NAMES.tensors} has ${bytes.byteLength} bytes but checkpoint.json describes ${expected} (truncated or from another checkpoint). Start training afresh.`,
      [`${CHECKPOINT_FILE_NAMES.tensors}: ${bytes.byteLength} bytes, expected ${expected}`],
      'BUNDLE_CORRUPT',
    );
  }
  // Copy into an aligned buffer, then cut views.
  const all = new Float32Array(expected / 4);
  new Uint8Array(all.buffer).set(bytes);
  for (let i = 0; i < all.length; i++) {
    if (!Number.isFinite(all[i]!)) {
      throw problem(
        `${CHECKPOINT_FILE_NAMES.tensors} holds a non-finite value at index ${i}. The checkpoint is damaged; start training afresh.`,
        ['tensors.bin: non-finite value'],
        'BUNDLE_CORRUPT',
      );
    }
  }
  let offset = 0;
  const take = (s: readonly number[]): Float32Array => {
    const n = sizeOf(s);
    const view = all.subarray(offset, offset + n);
    offset += n;
    return view;
  };
  const weights = state.tensors.weights.map((w) => ({ name: w.name, shape: [...w.shape], values: take(w.shape) }));
  const firstMoments = state.tensors.firstMoments.map(take);
  const secondMoments = state.tensors.secondMoments.map(take);
  const bestWeights = state.tensors.bestWeights ? state.tensors.bestWeights.map(take) : null;
  const history = state.history.map((h) => {
    const log: EpochLog = { epoch: h.epoch, loss: h.loss, accuracy: h.accuracy, seconds: h.seconds, samplesPerSecond: h.samplesPerSecond };
    if (h.valLoss !== undefined) log.valLoss = h.valLoss;
    if (h.valAccuracy !== undefined) log.valAccuracy = h.valAccuracy;
    return log;
  });
  return {
    format: 'glossa-checkpoint',
    formatVersion: state.formatVersion,
    reason: state.reason,
    epoch: state.epoch,
    batch: state.batch,
    epochs: state.epochs,
    options: state.options,
    labels: state.labels,
    pipeline,
    fit: state.fit,
    weights,
    optimizer: {
      name: 'adam',
      iterations: state.optimizer.iterations,
      beta1Power: state.optimizer.beta1Power,
      beta2Power: state.optimizer.beta2Power,
      firstMoments,
      secondMoments,
    },
    rng: state.rng,
    dropoutCalls: state.dropoutCalls,
    earlyStopping: {
      bestLoss: state.earlyStopping.bestLoss,
      bestEpoch: state.earlyStopping.bestEpoch,
      bestWeights,
      stoppedEarly: state.earlyStopping.stoppedEarly,
    },
    history,
    progress: state.progress,
    createdBy: state.createdBy,
    createdAt: state.createdAt,
  };
}
