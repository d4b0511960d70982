import { architecturesWhere, listNames } from '../registry.js';
import { createRng } from '@glossa/math';
import { type TextPipeline, createTokenizer, fitTextPipeline } from '@glossa/text-preprocessing';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ModelCoreError } from '../../errors.js';
import {
  checkExamples,
  classWeights,
  evaluationReport,
  fingerprint,
  labelsOf,
  lossAndAccuracy,
  splitValidation,
  type ValidationSplit,
} from '../../internal/examples.js';
import { DEFAULT_FIT_OPTIONS, FIT_OPTION_RANGES, type ResolvedClassifierOptions, checkNumber } from '../../options.js';
import { toPredictions } from '../../predictions.js';
import type { TextClassifier, TrainingInfo } from '../../text-classifier.js';
import type { EpochLog, EvaluationReport, Explanation, FitOptions, FitResult, LabeledText, Prediction, TrainingEvent } from '../../types.js';
import { type FeatureTable, type NgramFeatureConfig, type SparseRow, fitFeatureTable, vectorize } from './features.js';
import { type LinearWeights, fitLogistic, linearProbabilities, stackRows, toLinearWeights } from './logistic.js';

/**
 * Regularisation strengths tried, strongest first, when `regularization` is 0 (auto): λ = 1/C for
 * C = 1, 4, …, 1024. The search stops at the first λ whose validation loss is worse than the best so far.
 */
export const NGRAM_LAMBDA_GRID: readonly number[] = [1, 1 / 4, 1 / 16, 1 / 64, 1 / 256, 1 / 1024];
/**
 * When the weakest λ of {@link NGRAM_LAMBDA_GRID} has the lowest validation loss (small, cleanly separable
 * data such as spam), the search goes on past the grid (λ ÷ 4 each time) while the loss keeps falling, down
 * to this λ (C = 65,536).
 */
export const NGRAM_LAMBDA_FLOOR = 1 / 65_536;
/** λ used when there is no validation set to choose one. */
const FALLBACK_LAMBDA = 1 / 16;
/** Parameters (features × classes) at most, to bound L-BFGS memory. */
const MAX_PARAMETERS = 4_000_000;
const MAX_ITERATIONS = 300;

/** How an n-gram model was fitted; kept in the bundle. */
export interface NgramFitInfo {
  /** The n-grams extracted (chosen from the training data when the options say 0). */
  features: NgramFeatureConfig;
  /** Features kept. */
  featureCount: number;
  /** The L2 strength of the kept model. */
  regularization: number;
  /** Whether the kept model was refitted on training + validation examples after λ was chosen. */
  refit: boolean;
}

/** Everything an n-gram model needs to predict (the bundle holds exactly this). */
export interface NgramModelState {
  options: ResolvedClassifierOptions;
  labels: string[];
  pipeline: TextPipeline;
  table: FeatureTable;
  linear: LinearWeights;
  info: NgramFitInfo;
  training?: TrainingInfo;
  validation?: EvaluationReport;
}

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;

/**
 * Character n-grams extracted at most over a training set when `charNgrams` is `auto` (a compute budget:
 * each L-BFGS step reads every extracted feature). Above it, long documents are modelled by their words.
 */
export const AUTO_CHAR_NGRAM_BUDGET = 40_000_000;

/**
 * The character n-gram range of the `charNgrams` option: `none` → [0, 0]; `N-M` as given; `auto` from the
 * training texts: 1–3 when at least 30% of their letters are CJK (ideographs, kana, hangul: a character
 * is nearly a word), else 2–5 (subwords of alphabetic scripts); none when that would extract more than
 * {@link AUTO_CHAR_NGRAM_BUDGET} n-grams (long documents, where word n-grams carry the signal).
 */
export function resolveCharNgrams(option: string, texts: readonly string[]): [number, number] {
  if (option === 'none') return [0, 0];
  const range = /^(\d{1,2})-(\d{1,2})$/.exec(option);
  if (range) return [Number(range[1]), Number(range[2])];
  let cjk = 0;
  let letters = 0;
  let chars = 0;
  const sample = texts.length <= 5000 ? texts : texts.filter((_, i) => i % Math.ceil(texts.length / 5000) === 0);
  for (const t of sample) {
    cjk += t.match(CJK)?.length ?? 0;
    chars += t.length + 2;
    for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) > 0x40) letters++;
  }
  const [minN, maxN] = letters > 0 && cjk / letters >= 0.3 ? [1, 3] : [2, 5];
  const estimated = (chars / Math.max(sample.length, 1)) * texts.length * (maxN - minN + 1);
  return estimated > AUTO_CHAR_NGRAM_BUDGET ? [0, 0] : [minN, maxN];
}

class NgramTextClassifier implements TextClassifier {
  readonly options: Readonly<ResolvedClassifierOptions>;
  labels: string[] = [];
  pipeline: TextPipeline | undefined;
  readonly model: LayersModel | undefined = undefined;
  training: TrainingInfo | undefined;
  validation: EvaluationReport | undefined;
  state: NgramModelState | undefined;
  private tokenizer: ((text: string) => string[]) | undefined;

  constructor(options: ResolvedClassifierOptions, state?: NgramModelState) {
    this.options = Object.freeze({ ...options });
    if (state) this.adopt(state);
  }

  private adopt(state: NgramModelState): void {
    this.state = state;
    this.labels = state.labels;
    this.pipeline = state.pipeline;
    this.training = state.training;
    this.validation = state.validation;
    const tokenizer = createTokenizer(state.pipeline.config.tokenizer);
    this.tokenizer = (text) => tokenizer.tokenize(text);
  }

  get isTrained(): boolean {
    return this.state !== undefined;
  }

  private requireTrained(where: string): NgramModelState {
    if (!this.state) {
      throw new ModelCoreError('NOT_TRAINED', `${where}: the classifier has no weights yet. Call fit() first or load a bundle.`);
    }
    return this.state;
  }

  /** The sparse vector of a raw text. */
  private rowOf(state: NgramModelState, text: string): SparseRow {
    const normalized = state.pipeline.normalize(text);
    return vectorize(state.table, normalized, this.tokenizer!(normalized));
  }

  private probabilitiesOfRows(state: NgramModelState, rows: readonly SparseRow[]): Float32Array {
    const k = state.labels.length;
    const out = new Float32Array(rows.length * k);
    rows.forEach((row, i) => {
      linearProbabilities(state.linear, row, k, out, i * k);
    });
    return out;
  }

  async predictProbabilities(texts: readonly string[]): Promise<Float32Array> {
    const state = this.requireTrained('predict');
    return this.probabilitiesOfRows(
      state,
      texts.map((t) => this.rowOf(state, t)),
    );
  }

  async predict(texts: readonly string[]): Promise<Prediction[]> {
    return toPredictions(this.labels, await this.predictProbabilities(texts), texts.length);
  }

  async evaluate(examples: readonly LabeledText[]): Promise<EvaluationReport> {
    const state = this.requireTrained('evaluate');
    checkExamples('evaluate', examples);
    return evaluationReport(state.labels, examples, (known) =>
      this.probabilitiesOfRows(
        state,
        known.map((i) => this.rowOf(state, examples[i]!.text)),
      ),
    );
  }

  async explain(text: string, options: { label?: string } = {}): Promise<Explanation> {
    const state = this.requireTrained('explain');
    if (typeof text !== 'string') {
      throw new ModelCoreError('INVALID_DATA', `explain: text must be a string (got ${typeof text}).`);
    }
    const normalized = state.pipeline.normalize(text);
    const tokens = this.tokenizer!(normalized);
    const variants = occlusionVariants(normalized, tokens, this.tokenizer!);
    const rows = [vectorize(state.table, normalized, tokens), ...variants.map(([n, t]) => vectorize(state.table, n, t))];
    return explanationFrom(state.labels, tokens, this.probabilitiesOfRows(state, rows), options.label);
  }

  async fit(examples: readonly LabeledText[], options: FitOptions = {}): Promise<FitResult> {
    const where = 'fit';
    checkExamples(where, examples);
    if (options.pretrainedEmbeddings) {
      throw new ModelCoreError(
        'INVALID_OPTIONS',
        `${where}: pretrainedEmbeddings initialise an embedding layer, and the ngram architecture has none. Use ${listNames(architecturesWhere((a) => a.usesEmbeddings))}.`,
      );
    }
    if (options.resumeFrom) {
      throw new ModelCoreError(
        'INVALID_OPTIONS',
        `${where}: the ngram architecture trains in one pass and keeps no checkpoints to resume from. Start afresh without resumeFrom.`,
      );
    }
    const seed = checkNumber(where, 'seed', options.seed ?? DEFAULT_FIT_OPTIONS.seed, FIT_OPTION_RANGES.seed);
    const split = splitValidation(where, examples, options, createRng(seed));
    return (await this.fitSplit(examples, split, options, seed, split.setting.kind === 'split')).result;
  }

  /**
   * Fits on a given split: λ chosen on `split.validation`, then (with `refit`) the model refitted on every
   * example. Also returns the validation probabilities of the model that never saw the validation rows.
   */
  async fitSplit(
    examples: readonly LabeledText[],
    split: ValidationSplit,
    options: FitOptions,
    seed: number,
    refit: boolean,
  ): Promise<{ result: FitResult; validationProbabilities: Float32Array }> {
    const where = 'fit';
    const labels = labelsOf(where, split.train);
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const validation = split.validation.filter((e) => labelIndex.has(e.label));
    const o = this.options;
    const t0 = performance.now();
    const emit = (event: TrainingEvent): void => options.onProgress?.(event);

    const pipeline = fitTextPipeline([], {
      tokenizer: { type: o.tokenizer },
      vocabulary: { maxSize: Math.min(o.vocabSize, 1000), minFrequency: o.minFrequency },
      maxLength: o.maxLength,
      padding: 'post',
      truncating: o.truncating,
    });
    const tokenizer = createTokenizer(pipeline.config.tokenizer);
    const prepare = (items: readonly LabeledText[]): Array<readonly [string, string[]]> =>
      items.map((e) => {
        const normalized = pipeline.normalize(e.text);
        return [normalized, tokenizer.tokenize(normalized)] as const;
      });
    const [charMinN, charMaxN] = resolveCharNgrams(
      o.charNgrams,
      split.train.map((e) => e.text),
    );
    const features: NgramFeatureConfig = { wordMaxN: o.wordNgrams, charMinN, charMaxN };
    if (features.wordMaxN === 0 && features.charMinN === 0) {
      throw new ModelCoreError(
        'INVALID_OPTIONS',
        `${where}: wordNgrams is 0 and charNgrams is "none": the ngram model would have no features. Enable one of them.`,
      );
    }
    const maxFeatures = Math.max(1, Math.min(o.maxFeatures, Math.floor(MAX_PARAMETERS / labels.length)));
    // Per-row loss weights from `classWeight` (undefined: all 1).
    const sampleWeights = (y: Int32Array): Float32Array | undefined => {
      const cw = classWeights(options.classWeight, labels, y);
      return cw ? Float32Array.from(y, (c) => cw[c]!) : undefined;
    };
    const trainDocs = prepare(split.train);
    const table = fitFeatureTable(trainDocs, features, split.train.length >= 1000 ? 2 : 1, maxFeatures);
    const trainY = Int32Array.from(split.train, (e) => labelIndex.get(e.label)!);
    const trainSet = { table, x: stackRows(trainDocs.map(([n, t]) => vectorize(table, n, t))), y: trainY, weights: sampleWeights(trainY) };
    const featureCount = trainSet.table.blocks.length;
    if (featureCount === 0) {
      throw new ModelCoreError('INVALID_DATA', `${where}: the training texts have no words or characters to learn from (all empty?). Check the text column.`);
    }
    const valDocs = prepare(validation);
    const valRows = valDocs.map(([n, t]) => vectorize(trainSet.table, n, t));
    const valY = Int32Array.from(validation, (e) => labelIndex.get(e.label)!);
    const grid = o.regularization > 0 ? [o.regularization] : validation.length > 0 ? [...NGRAM_LAMBDA_GRID] : [FALLBACK_LAMBDA];
    const k = labels.length;
    emit({
      type: 'start',
      epochs: grid.length,
      batchesPerEpoch: 1,
      trainSize: split.train.length,
      validationSize: validation.length,
      labels,
      vocabularySize: featureCount,
      candidate: 'ngram',
    });

    const stop = (): boolean => options.signal?.aborted === true;
    const history: EpochLog[] = [];
    let best: { index: number; accuracy: number; loss: number; params: Float64Array; linear: LinearWeights } | undefined;
    let params: Float64Array | undefined;
    for (let g = 0; g < grid.length; g++) {
      const started = performance.now();
      const fitted = fitLogistic(trainSet.x, trainSet.y, trainSet.weights, featureCount, k, grid[g]!, params, MAX_ITERATIONS, 1e-4, stop);
      if (stop()) throw new ModelCoreError('ABORTED', `${where}: training was cancelled while fitting candidate ${g + 1} of ${grid.length}.`);
      params = fitted.params;
      const linear = toLinearWeights(params, featureCount, k);
      const seconds = (performance.now() - started) / 1000;
      const trainProbs = new Float32Array(trainSet.x.rows * k);
      for (let i = 0; i < trainSet.x.rows; i++) {
        const from = trainSet.x.offsets[i]!;
        const to = trainSet.x.offsets[i + 1]!;
        linearProbabilities(linear, { ids: trainSet.x.ids.subarray(from, to), values: trainSet.x.values.subarray(from, to) }, k, trainProbs, i * k);
      }
      const onTrain = lossAndAccuracy(trainProbs, trainSet.y, k);
      const log: EpochLog = {
        epoch: g + 1,
        loss: onTrain.loss,
        accuracy: onTrain.accuracy,
        seconds,
        samplesPerSecond: (split.train.length * fitted.iterations) / Math.max(seconds, 1e-9),
      };
      let score = { loss: onTrain.loss, accuracy: onTrain.accuracy };
      if (validation.length > 0) {
        const probs = new Float32Array(valRows.length * k);
        valRows.forEach((row, i) => {
          linearProbabilities(linear, row, k, probs, i * k);
        });
        score = lossAndAccuracy(probs, valY, k);
        log.valLoss = score.loss;
        log.valAccuracy = score.accuracy;
      }
      history.push(log);
      emit({ type: 'batch', epoch: g + 1, batch: 1, batchesPerEpoch: 1, loss: onTrain.loss, accuracy: onTrain.accuracy });
      emit({ type: 'epoch', epochs: grid.length, ...log });
      // Chosen by validation log loss (a proper scoring rule: steadier than accuracy on small validation sets).
      if (!best || score.loss < best.loss) {
        best = { index: g, accuracy: score.accuracy, loss: score.loss, params: Float64Array.from(params), linear };
      }
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      // The validation loss is U-shaped in log λ: once it rises, weaker regularisation only overfits more.
      if (validation.length > 0 && g > best!.index && score.loss > best!.loss) break;
      // Still falling at the weak end of the grid: the optimum lies beyond it.
      const weakest = grid[grid.length - 1]!;
      if (o.regularization === 0 && g === grid.length - 1 && best!.index === g && weakest / 4 >= NGRAM_LAMBDA_FLOOR) grid.push(weakest / 4);
    }
    const chosen = best!;
    const lambda = grid[chosen.index]!;
    let state: NgramModelState = {
      options: { ...o },
      labels,
      pipeline,
      table: trainSet.table,
      linear: chosen.linear,
      info: { features, featureCount, regularization: lambda, refit: false },
    };
    // The held-out estimate comes from the model that never saw the validation examples.
    this.adopt(state);
    const validationReport = validation.length > 0 ? await this.evaluate(validation) : undefined;
    const validationProbabilities = this.probabilitiesOfRows(state, valRows);
    if (refit && validation.length > 0) {
      // λ chosen: refit on every example (scikit-learn's GridSearchCV `refit`), as a user who tuned by hand
      // would; with the training split's features, warm-started from the chosen candidate (a few steps).
      const allRows = stackRows([
        ...Array.from({ length: trainSet.x.rows }, (_, i) => ({
          ids: trainSet.x.ids.subarray(trainSet.x.offsets[i]!, trainSet.x.offsets[i + 1]!),
          values: trainSet.x.values.subarray(trainSet.x.offsets[i]!, trainSet.x.offsets[i + 1]!),
        })),
        ...valRows,
      ]);
      const allY = Int32Array.from([...trainSet.y, ...valY]);
      const refitted = fitLogistic(allRows, allY, sampleWeights(allY), featureCount, k, lambda, chosen.params, MAX_ITERATIONS, 1e-5, stop);
      if (stop()) throw new ModelCoreError('ABORTED', `${where}: training was cancelled while refitting on all examples.`);
      state = { ...state, linear: toLinearWeights(refitted.params, featureCount, k), info: { features, featureCount, regularization: lambda, refit: true } };
    }
    const trainSeconds = (performance.now() - t0) / 1000;
    const training: TrainingInfo = {
      seed,
      epochsRun: history.length,
      bestEpoch: chosen.index + 1,
      trainSize: split.train.length,
      validationSize: validation.length,
      dataFingerprint: fingerprint(examples),
      trainSeconds,
      history,
    };
    state.training = training;
    if (validationReport) state.validation = validationReport;
    this.adopt(state);
    emit({ type: 'end', epochsRun: history.length, bestEpoch: chosen.index + 1, stoppedEarly: false, trainSeconds });
    const result: FitResult = {
      epochsRun: history.length,
      bestEpoch: chosen.index + 1,
      stoppedEarly: false,
      history,
      trainSeconds,
      trainSamplesPerSecond: (split.train.length * history.length) / Math.max(trainSeconds, 1e-9),
      ...(validationReport ? { validation: validationReport } : {}),
      trainSize: split.train.length,
      validationSize: validation.length,
    };
    return { result, validationProbabilities };
  }

  dispose(): void {
    // Plain arrays only: nothing to free.
  }
}

/**
 * The texts of an occlusion explanation: the normalised text with each token's span removed in turn,
 * re-tokenized (so every kind of model scores them through its normal path).
 */
export function occlusionVariants(normalized: string, tokens: readonly string[], tokenize: (text: string) => string[]): Array<[string, string[]]> {
  const variants: Array<[string, string[]]> = [];
  let cursor = 0;
  for (const token of tokens) {
    const at = normalized.indexOf(token, cursor);
    if (at < 0) {
      // A token the tokenizer rewrote: drop it from the token list only.
      variants.push([normalized, tokens.filter((t) => t !== token)]);
      continue;
    }
    const without = `${normalized.slice(0, at)}${normalized.slice(at + token.length)}`;
    variants.push([without, tokenize(without)]);
    cursor = at + token.length;
  }
  return variants;
}

/** An {@link Explanation} from the probabilities of the full text (row 0) and of each occlusion variant. */
export function explanationFrom(labels: readonly string[], tokens: readonly string[], probs: Float32Array, label: string | undefined): Explanation {
  const k = labels.length;
  let target = 0;
  for (let j = 1; j < k; j++) if (probs[j]! > probs[target]!) target = j;
  if (label !== undefined) {
    target = labels.indexOf(label);
    if (target < 0) {
      throw new ModelCoreError('INVALID_OPTIONS', `explain: label "${label}" is not one of the model's labels (${labels.join(', ')}).`);
    }
  }
  const full = probs[target]!;
  return {
    label: labels[target]!,
    scores: toPredictions(labels, probs, 1)[0]!.scores,
    tokens: tokens.map((token, i) => ({ token, score: full - probs[(i + 1) * k + target]! })),
    method: 'occlusion',
  };
}

/** An untrained n-gram classifier (see `createTextClassifier({ architecture: 'ngram' })`). */
export function createNgramClassifier(options: ResolvedClassifierOptions): TextClassifier {
  return new NgramTextClassifier(options);
}

/** A trained n-gram classifier around loaded state (the bundle loader). */
export function restoreNgramClassifier(state: NgramModelState): TextClassifier {
  return new NgramTextClassifier(state.options, state);
}

/** Fits an n-gram classifier made by {@link createNgramClassifier} on a given split; see `fitSplit`. */
export function fitNgramSplit(
  classifier: TextClassifier,
  examples: readonly LabeledText[],
  split: ValidationSplit,
  options: FitOptions,
  seed: number,
  refit: boolean,
): Promise<{ result: FitResult; validationProbabilities: Float32Array }> {
  if (!(classifier instanceof NgramTextClassifier)) throw new TypeError('fitNgramSplit: not an n-gram classifier');
  return classifier.fitSplit(examples, split, options, seed, refit);
}

/** The state of a trained n-gram classifier (for the bundle writer), or undefined for other classifiers. */
export function ngramStateOf(classifier: TextClassifier): NgramModelState | undefined {
  return classifier instanceof NgramTextClassifier ? classifier.state : undefined;
}
