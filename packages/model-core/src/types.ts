import type { ClassificationReport } from '@glossa/math';
import type { TrainingCheckpoint } from './checkpoint.js';
import type { GradientWorkers } from './data-parallel.js';

/** One training or evaluation example. */
export interface LabeledText {
  /** The text to classify. */
  text: string;
  /** Its class name. */
  label: string;
}

/** Options of {@link TextClassifier.fit}. */
export interface FitOptions {
  /** Passes over the training data. Default 5. */
  epochs?: number;
  /** Examples per gradient step. Default 64. */
  batchSize?: number;
  /** Fraction held out for validation (stratified, seeded) when `validationData` is absent. Default 0.1; 0 for none. */
  validationSplit?: number;
  /** A separate validation set (overrides `validationSplit`). */
  validationData?: readonly LabeledText[];
  /** Seed for the split, shuffling, initialisation and dropout. Default 42. */
  seed?: number;
  /** Stop when validation loss has not improved for `patience` epochs, restoring the best weights. Default `{ patience: 2, restoreBestWeights: true }`; `false` to train every epoch. */
  earlyStopping?: false | { patience?: number; minDelta?: number; restoreBestWeights?: boolean };
  /** Per-class loss weights, or `balanced` (n / (classes × count)). */
  classWeight?: 'balanced' | Record<string, number>;
  /** Called on start, after every batch and epoch, and at the end. */
  onProgress?: (event: TrainingEvent) => void;
  /**
   * Aborting stops training after the current batch; `fit` then rejects with code `ABORTED` (after handing
   * a checkpoint of that point to `onCheckpoint`, when given).
   */
  signal?: AbortSignal;
  /**
   * Receives a {@link TrainingCheckpoint} at the end of every epoch, and after the last finished batch when
   * aborted. `fit` waits for a returned promise before it continues (so the checkpoint can be stored) and
   * fails with its error. A checkpoint is only made when this is set.
   */
  onCheckpoint?: (checkpoint: TrainingCheckpoint) => Promise<void> | void;
  /**
   * Continues the run that wrote this checkpoint: same examples, classifier options, seed, batch size,
   * validation, early stopping and class weights are required (a difference throws `INVALID_OPTIONS` naming
   * it); `epochs` may be raised and the learning rate changed (e.g. lowered after a diverged run). With
   * everything unchanged the result is bit-identical to that of an uninterrupted run.
   */
  resumeFrom?: TrainingCheckpoint;
  /**
   * Initialises the embedding layer from pretrained word vectors (fastText, GloVe…). Called once, after
   * the vocabulary is built and the weights are drawn, with the vocabulary's tokens in id order (index =
   * id: `<pad>` and `<unk>` first) and the embedding width; the rows of the tokens it returns a vector for
   * are overwritten (`<pad>` and `<unk>` are left alone), the others keep their random values, and all are
   * trained as usual. Coverage is reported in {@link FitResult.pretrained}. Ignored with `resumeFrom` (the
   * weights come from the checkpoint). Only for architectures with an embedding layer (those whose
   * registry entry has `usesEmbeddings`: every neural one). In Node.js, `readWordVectors` of `@glossa/node-runtime` reads `.vec` / GloVe files.
   *
   * @example
   * ```ts
   * pretrainedEmbeddings: async (vocabulary) => ({ vectors: (await readWordVectors('wiki.en.vec', { tokens: vocabulary })).vectors, source: 'wiki.en.vec' })
   * ```
   */
  pretrainedEmbeddings?: (
    vocabulary: readonly string[],
    embeddingDim: number,
    context: { signal?: AbortSignal },
  ) => Promise<PretrainedEmbeddings> | PretrainedEmbeddings;
  /**
   * Neural architectures: stop after the epoch at whose end another epoch of the same length would pass
   * this many seconds of training (the best weights are still restored; measured time, so a run can end
   * at a different epoch on a busier machine). Default: no limit. `auto`: the budget its portfolio is
   * planned within, by estimate only, so the same seed gives the same model anywhere (default 170).
   */
  timeLimitSeconds?: number;
  /**
   * Neural architectures: threads that compute part of every batch's gradient (data-parallel training),
   * from `createTrainingWorkers` of `@glossa/node-runtime` or the web runtime. Each batch is cut into
   * `size + 1` contiguous shards; this thread computes the first. The same seed and worker count give the
   * same model; another count gives a slightly different one (the sum runs in another order). `bow` ignores
   * them and trains on this thread (`ARCHITECTURE_REGISTRY.bow.oneThread` says why); `training.threads` tells
   * whether they were used. Default: none (this thread alone).
   */
  gradientWorkers?: GradientWorkers;
}

/**
 * Word vectors to initialise a classifier's embedding layer with, returned by
 * {@link FitOptions.pretrainedEmbeddings}.
 *
 * @example
 * ```ts
 * const embeddings: PretrainedEmbeddings = { vectors: new Map([['great', Float32Array.of(0.1, 0.2)]]), source: 'tiny.vec' };
 * ```
 */
export interface PretrainedEmbeddings {
  /** A vector of length `embeddingDim` per token; tokens missing from the map keep their random initialisation. */
  vectors: ReadonlyMap<string, Float32Array>;
  /** Where the vectors come from (e.g. a file name), kept in the training info. */
  source?: string;
}

/** How many vocabulary tokens started from pretrained vectors, see {@link FitOptions.pretrainedEmbeddings}. */
export interface PretrainedCoverage {
  /** Vocabulary tokens whose embedding row was set from a pretrained vector. */
  covered: number;
  /** Tokens that could be covered: the vocabulary's size without `<pad>` and `<unk>`. */
  vocabularySize: number;
  /** {@link PretrainedEmbeddings.source}, when given. */
  source?: string;
}

/** Progress of {@link TextClassifier.fit}. */
export type TrainingEvent =
  | {
      type: 'start';
      epochs: number;
      batchesPerEpoch: number;
      trainSize: number;
      validationSize: number;
      labels: string[];
      vocabularySize: number;
      /** With `architecture: 'auto'`: which candidate of the portfolio starts training (e.g. `ngram`, `lstm`). */
      candidate?: string;
    }
  | { type: 'batch'; epoch: number; batch: number; batchesPerEpoch: number; loss: number; accuracy: number }
  | ({ type: 'epoch'; epochs: number } & EpochLog)
  | { type: 'end'; epochsRun: number; bestEpoch: number; stoppedEarly: boolean; trainSeconds: number };

/** Metrics of one epoch. */
export interface EpochLog {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Training accuracy over the epoch. */
  accuracy: number;
  /** Validation loss, when there is a validation set. */
  valLoss?: number;
  /** Validation accuracy, when there is a validation set. */
  valAccuracy?: number;
  /** Wall time of the epoch's training loop. */
  seconds: number;
  /** Training samples per second of the epoch's loop. */
  samplesPerSecond: number;
}

/** Evaluation metrics: {@link ClassificationReport} plus labels unseen in training. */
export interface EvaluationReport extends ClassificationReport {
  /** Labels in the evaluated data the model was never trained on; their rows are excluded from the metrics. */
  unknownLabels?: Array<{ label: string; count: number }>;
}

/** What {@link TextClassifier.fit} returns. */
export interface FitResult {
  /** Epochs actually run. */
  epochsRun: number;
  /** The epoch whose weights the model keeps (best validation loss, or the last). */
  bestEpoch: number;
  /** Whether early stopping ended training. */
  stoppedEarly: boolean;
  /** Per-epoch metrics. */
  history: EpochLog[];
  /** Wall time of the epoch loops in seconds. */
  trainSeconds: number;
  /** Training samples processed per second of the epoch loops. */
  trainSamplesPerSecond: number;
  /** Metrics of the kept model on the validation set. */
  validation?: EvaluationReport;
  /** Training-set size after the validation split. */
  trainSize: number;
  /** Validation-set size. */
  validationSize: number;
  /** Coverage of the pretrained embeddings, when {@link FitOptions.pretrainedEmbeddings} was used. */
  pretrained?: PretrainedCoverage;
  /** With `architecture: 'auto'`: the candidates, their validation figures and why the kept model won. */
  portfolio?: PortfolioReport;
}

/** One model the `auto` architecture trained, and how it did on the validation examples. */
export interface PortfolioCandidate {
  /** Member name (`ngram`, `lstm`). */
  name: string;
  /** Its architecture. */
  architecture: string;
  /** Validation accuracy of the candidate alone (undefined when it was not trained). */
  valAccuracy?: number;
  /** Validation log loss of the candidate alone. */
  valLoss?: number;
  /** Wall time of its training. */
  trainSeconds: number;
  /** Its weight in the kept model (0: not used). */
  weight: number;
  /** Why it was skipped or how it was configured, when worth saying. */
  note?: string;
}

/** What `architecture: 'auto'` tried and why the kept model won; in `FitResult`, bundles and `glossa info`. */
export interface PortfolioReport {
  /** Every candidate, trained or skipped. */
  candidates: PortfolioCandidate[];
  /** The kept model: a candidate's name, or `ensemble` (the weighted average of the members' probabilities). */
  chosen: string;
  /** Validation accuracy of the kept model (before any refit on all examples). */
  valAccuracy?: number;
  /** Validation log loss of the kept model. */
  valLoss?: number;
  /** One sentence on why it won. */
  reason: string;
  /** The training-time budget the portfolio was planned within, in seconds. */
  budgetSeconds: number;
}

/** A prediction for one text. */
export interface Prediction {
  /** The most probable label. */
  label: string;
  /** Probability of every label (they sum to 1). */
  scores: Record<string, number>;
}

/** How much one token drives a prediction. */
export interface TokenAttribution {
  /** The token, as the model's pipeline sees it (normalised). */
  token: string;
  /** Drop in the explained label's probability when the token is removed: positive supports the label, negative opposes it. */
  score: number;
}

/** Why the model predicts what it does for one text. */
export interface Explanation {
  /** The explained label (the predicted one unless another was asked for). */
  label: string;
  /** Probability of every label for the whole text. */
  scores: Record<string, number>;
  /** Every token the model reads (at most `maxLength`), in order, with its attribution. */
  tokens: TokenAttribution[];
  /** How attributions are computed: `occlusion` removes each token in turn (one batched forward pass). */
  method: 'occlusion';
}
