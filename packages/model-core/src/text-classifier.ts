import type { TextPipeline } from '@glossa/text-preprocessing';
import { type Tensor, tensor2d } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { TrainingCheckpoint } from './checkpoint.js';
import { ModelCoreError } from './errors.js';
import { padBatch, planBatches } from './internal/batching.js';
import { createAutoClassifier } from './architectures/auto/auto-classifier.js';
import { createNgramClassifier } from './architectures/ngram/ngram-classifier.js';
import { checkExamples, evaluationReport } from './internal/examples.js';
import { toPredictions } from './predictions.js';
import { readTensor } from './internal/fused-lstm.js';
import type { FastInference, NeuralArchitecture } from './architectures/neural.js';
import { NEURAL_ARCHITECTURE_SPECS, neuralSpec } from './architectures/neural-specs.js';
import { fitNeural } from './internal/fit-loop.js';
import {
  DEFAULT_FIT_OPTIONS,
  FIT_OPTION_RANGES,
  type ResolvedClassifierOptions,
  type TextClassifierOptions,
  checkNumber,
  resolveClassifierOptions,
} from './options.js';
import type { EpochLog, EvaluationReport, Explanation, FitOptions, FitResult, LabeledText, PortfolioReport, Prediction, PretrainedCoverage } from './types.js';

/** Facts about how a model was trained, kept in its bundle's manifest. */
export interface TrainingInfo {
  /** Seed of the run. */
  seed: number;
  /** Epochs run. */
  epochsRun: number;
  /** Epoch whose weights were kept. */
  bestEpoch: number;
  /** Training examples (after the validation split). */
  trainSize: number;
  /** Validation examples. */
  validationSize: number;
  /** Hash of the training texts and labels, to recognise the same data. */
  dataFingerprint: string;
  /** Wall time of the epoch loops. */
  trainSeconds: number;
  /** Per-epoch metrics. */
  history: EpochLog[];
  /** Coverage of the pretrained embeddings the run started from, when it used `pretrainedEmbeddings`. */
  pretrained?: PretrainedCoverage;
  /** Threads that computed each batch's gradient (`gradientWorkers.size + 1`), when more than one: the same seed and thread count give the same model. */
  threads?: number;
}

/**
 * A neural text classifier: preprocessing + network + labels, trained with {@link TextClassifier.fit}.
 *
 * @example
 * ```ts
 * const clf = createTextClassifier({ architecture: 'bow' });
 * await clf.fit([{ text: 'great', label: 'pos' }, { text: 'awful', label: 'neg' }], { epochs: 3, validationSplit: 0 });
 * const [p] = await clf.predict(['great stuff']);
 * clf.dispose();
 * ```
 */
export interface TextClassifier {
  /** Resolved options. */
  readonly options: Readonly<ResolvedClassifierOptions>;
  /** Class names in output order ([] before training). */
  readonly labels: readonly string[];
  /** Whether the classifier has weights (trained or loaded). */
  readonly isTrained: boolean;
  /** The text pipeline (normalisation, tokenizer, vocabulary); undefined before training. */
  readonly pipeline: TextPipeline | undefined;
  /** The tfjs model; undefined before training. */
  readonly model: LayersModel | undefined;
  /** How the model was trained (from `fit` or the bundle). */
  readonly training: TrainingInfo | undefined;
  /** Validation metrics of the kept model, when it had a validation set. */
  readonly validation: EvaluationReport | undefined;
  /** With `architecture: 'auto'`: what was tried and why the kept model won (from `fit` or the bundle). */
  readonly portfolio?: PortfolioReport | undefined;
  /**
   * Builds the vocabulary and labels from `examples` and trains the network.
   * With `onCheckpoint`, hands over a {@link TrainingCheckpoint} after every epoch (and, when aborted, after
   * the last finished batch); `resumeFrom` continues such a run exactly: same seed, data and options give
   * the same weights as an uninterrupted run. A failed or aborted fit leaves the classifier untrained.
   * @throws {@link ModelCoreError} `INVALID_DATA`, `INVALID_OPTIONS` (also for a checkpoint of another run),
   * `ABORTED`, or `TRAINING_DIVERGED` when the loss or a weight becomes NaN or infinite (naming the epoch and batch).
   */
  fit(examples: readonly LabeledText[], options?: FitOptions): Promise<FitResult>;
  /** Accuracy, F1, confusion matrix… on labelled examples. */
  evaluate(examples: readonly LabeledText[], options?: { batchSize?: number }): Promise<EvaluationReport>;
  /** Label and per-label probabilities of every text. */
  predict(texts: readonly string[], options?: { batchSize?: number }): Promise<Prediction[]>;
  /**
   * Per-token attributions by occlusion: each token is removed in turn and the drop in the label's
   * probability is its score. All variants run as one batched forward pass, fast enough to run as the user
   * types. Faithful by construction: it measures the model's own response to removing the token.
   * @param text - The text to explain.
   * @param options - `label` to explain instead of the predicted one.
   * @throws {@link ModelCoreError} `NOT_TRAINED`, or `INVALID_OPTIONS` for an unknown label.
   */
  explain(text: string, options?: { label?: string }): Promise<Explanation>;
  /** Probabilities as a row-major `texts.length × labels.length` matrix. */
  predictProbabilities(texts: readonly string[], options?: { batchSize?: number }): Promise<Float32Array>;
  /** Frees the model's tensors. */
  dispose(): void;
}

/** Internal state shared with the bundle loader. */
export interface ClassifierState {
  options: ResolvedClassifierOptions;
  labels: string[];
  pipeline: TextPipeline;
  model: LayersModel;
  training?: TrainingInfo;
  validation?: EvaluationReport;
}

class GlossaTextClassifier implements TextClassifier {
  readonly options: Readonly<ResolvedClassifierOptions>;
  labels: string[] = [];
  pipeline: TextPipeline | undefined;
  model: LayersModel | undefined;
  /** The architecture's inference fast path (lstm, bow, cnn), made for `inferenceModel`. */
  private inference: FastInference | undefined;
  private inferenceModel: LayersModel | undefined;
  training: TrainingInfo | undefined;
  validation: EvaluationReport | undefined;

  constructor(options: ResolvedClassifierOptions, state?: ClassifierState) {
    this.options = Object.freeze({ ...options });
    if (state) {
      this.labels = state.labels;
      this.pipeline = state.pipeline;
      this.model = state.model;
      this.training = state.training;
      this.validation = state.validation;
    }
  }

  get isTrained(): boolean {
    return this.model !== undefined;
  }

  /** This architecture's module (padding, shortest batch, fast inference). */
  private spec(): NeuralArchitecture {
    return neuralSpec(this.options.architecture) ?? NEURAL_ARCHITECTURE_SPECS.lstm;
  }

  extraPadding(): number {
    return this.spec().extraPadding(this.options);
  }

  leadingPadding(): number {
    return this.spec().leadingPadding?.(this.options) ?? 0;
  }

  /** Shortest padded batch (recurrent models: 2 steps, as tfjs's Unpack gradient fails on one; masked steps change nothing). */
  minLength(): number {
    return this.spec().minLength;
  }

  encodeAll(texts: readonly string[]): Int32Array[] {
    const pipeline = this.pipeline!;
    return texts.map((t) => pipeline.encode(t));
  }

  /** The inference fast path (lstm, bow, cnn) for the current model, when it has one. */
  private fastInference(): FastInference | undefined {
    if (this.inferenceModel !== this.model) {
      this.inference?.dispose();
      this.inference = this.model ? this.spec().fastInference?.(this.model) : undefined;
      this.inferenceModel = this.model;
    }
    return this.inference;
  }

  /** Probabilities of pre-encoded sequences. */
  probabilitiesOf(sequences: readonly Int32Array[], batchSize: number): Float32Array {
    const model = this.model!;
    const fast = this.fastInference();
    const k = this.labels.length;
    const out = new Float32Array(sequences.length * k);
    const lengths = sequences.map((s) => s.length);
    for (const rows of planBatches(lengths, batchSize)) {
      const { ids, length } = padBatch(sequences, rows, this.extraPadding(), this.minLength(), this.leadingPadding());
      const probs = fast?.run(ids, rows.length, length) ?? readTensor(() => model.apply(tensor2d(ids, [rows.length, length], 'int32')) as Tensor);
      rows.forEach((r, i) => {
        out.set(probs.subarray(i * k, (i + 1) * k), r * k);
      });
    }
    return out;
  }

  private requireTrained(where: string): void {
    if (!this.model || !this.pipeline) {
      throw new ModelCoreError('NOT_TRAINED', `${where}: the classifier has no weights yet. Call fit() first or load a bundle.`);
    }
  }

  async predictProbabilities(texts: readonly string[], options: { batchSize?: number } = {}): Promise<Float32Array> {
    this.requireTrained('predict');
    const batchSize = checkNumber('predict', 'batchSize', options.batchSize ?? DEFAULT_FIT_OPTIONS.predictBatchSize, FIT_OPTION_RANGES.predictBatchSize);
    return this.probabilitiesOf(this.encodeAll(texts), batchSize);
  }

  async explain(text: string, options: { label?: string } = {}): Promise<Explanation> {
    this.requireTrained('explain');
    if (typeof text !== 'string') {
      throw new ModelCoreError('INVALID_DATA', `explain: text must be a string (got ${typeof text}).`);
    }
    const ids = this.pipeline!.encode(text);
    // The tokens the ids stand for: the first ones, or the last ones when long texts are truncated at the front.
    const all = this.pipeline!.tokenize(text);
    const tokens = this.pipeline!.config.truncating === 'pre' ? all.slice(all.length - ids.length) : all.slice(0, ids.length);
    const variants: Int32Array[] = [ids];
    for (let i = 0; i < ids.length; i++) {
      const without = new Int32Array(ids.length - 1);
      without.set(ids.subarray(0, i));
      without.set(ids.subarray(i + 1), i);
      variants.push(without);
    }
    const probs = this.probabilitiesOf(variants, 256);
    const k = this.labels.length;
    let target = 0;
    for (let j = 1; j < k; j++) if (probs[j]! > probs[target]!) target = j;
    if (options.label !== undefined) {
      target = this.labels.indexOf(options.label);
      if (target < 0) {
        throw new ModelCoreError('INVALID_OPTIONS', `explain: label "${options.label}" is not one of the model's labels (${this.labels.join(', ')}).`);
      }
    }
    const full = probs[target]!;
    return {
      label: this.labels[target]!,
      scores: toPredictions(this.labels, probs, 1)[0]!.scores,
      tokens: tokens.map((token, i) => ({ token, score: full - probs[(i + 1) * k + target]! })),
      method: 'occlusion',
    };
  }

  async predict(texts: readonly string[], options: { batchSize?: number } = {}): Promise<Prediction[]> {
    const probs = await this.predictProbabilities(texts, options);
    return toPredictions(this.labels, probs, texts.length);
  }

  async evaluate(examples: readonly LabeledText[], options: { batchSize?: number } = {}): Promise<EvaluationReport> {
    this.requireTrained('evaluate');
    checkExamples('evaluate', examples);
    const batchSize = checkNumber('evaluate', 'batchSize', options.batchSize ?? DEFAULT_FIT_OPTIONS.predictBatchSize, FIT_OPTION_RANGES.predictBatchSize);
    return this.report(examples, batchSize);
  }

  report(examples: readonly LabeledText[], batchSize: number, encoded?: Int32Array[]): EvaluationReport {
    return evaluationReport(this.labels, examples, (known) =>
      this.probabilitiesOf(encoded ? known.map((i) => encoded[i]!) : this.encodeAll(known.map((i) => examples[i]!.text)), batchSize),
    );
  }

  async fit(examples: readonly LabeledText[], options: FitOptions = {}): Promise<FitResult> {
    return fitNeural(this, examples, options);
  }

  /** Drops the model, pipeline and labels after a failed fit. */
  forgetModel(): void {
    this.disposeModel();
    this.pipeline = undefined;
    this.labels = [];
  }

  disposeModel(): void {
    this.inference?.dispose();
    this.inference = undefined;
    this.inferenceModel = undefined;
    this.model?.dispose();
    this.model = undefined;
  }

  dispose(): void {
    this.disposeModel();
  }
}

/**
 * Creates an untrained text classifier.
 *
 * @param options - Architecture and hyperparameters; see {@link TextClassifierOptions}.
 * @returns A classifier to `fit`.
 * @throws {@link ModelCoreError} `INVALID_OPTIONS` for an unknown option or a value out of range.
 * @example
 * ```ts
 * const classifier = createTextClassifier({ architecture: 'lstm', maxLength: 100 });
 * ```
 */
export function createTextClassifier(options?: TextClassifierOptions): TextClassifier {
  const resolved = resolveClassifierOptions(options);
  if (resolved.architecture === 'ngram') return createNgramClassifier(resolved);
  if (resolved.architecture === 'auto') return createAutoClassifier(resolved);
  return new GlossaTextClassifier(resolved);
}

/** A neural (tfjs) classifier for `lstm`, `bow` or `cnn` options, whatever their architecture says otherwise. */
export function createNeuralClassifier(options: ResolvedClassifierOptions): TextClassifier {
  return new GlossaTextClassifier(options);
}

/** Creates a classifier around loaded state (used by the bundle loader). */
export function restoreTextClassifier(state: ClassifierState): TextClassifier {
  return new GlossaTextClassifier(state.options, state);
}
