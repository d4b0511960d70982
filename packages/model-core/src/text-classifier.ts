import { type RngState, createRng } from '@glossa/math';
import { type TextPipeline, fitTextPipeline, textPipelineFromJSON } from '@glossa/text-preprocessing';
import { type Tensor, type Variable, tensor2d } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { CHECKPOINT_FORMAT_VERSION, type CheckpointFitSettings, type TrainingCheckpoint } from './checkpoint.js';
import { ModelCoreError } from './errors.js';
import { padBatch, planBatches } from './internal/batching.js';
import { buildModel, initializeWeights } from './internal/build-model.js';
import { createAutoClassifier } from './architectures/auto/auto-classifier.js';
import { createNgramClassifier } from './architectures/ngram/ngram-classifier.js';
import { checkExamples, classWeights, evaluationReport, fingerprint, labelsOf, lossAndAccuracy, splitValidation, toPredictions } from './internal/examples.js';
import { readTensor } from './internal/fused-lstm.js';
import type { LstmInference } from './internal/lstm-inference.js';
import type { NeuralArchitecture } from './architectures/neural.js';
import { NEURAL_ARCHITECTURE_SPECS, neuralSpec } from './architectures/neural-specs.js';
import { createAdam, trainStep } from './internal/train-step.js';
import {
  assertResumable,
  firstNonFinite,
  readAdamState,
  readDropoutCalls,
  restoreWeights,
  snapshotWeights,
  writeAdamState,
  writeDropoutCalls,
} from './internal/training-state.js';
import { type ResolvedClassifierOptions, type TextClassifierOptions, checkNumber, resolveClassifierOptions } from './options.js';
import { applyPretrainedEmbeddings } from './internal/pretrained-embeddings.js';
import type { EpochLog, EvaluationReport, Explanation, FitOptions, FitResult, LabeledText, PortfolioReport, Prediction, PretrainedCoverage, TrainingEvent } from './types.js';
import { MODEL_CORE_VERSION } from './version.js';

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
  /** The architecture's inference fast path (lstm, bow), made for `inferenceModel`. */
  private inference: LstmInference | undefined;
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

  private extraPadding(): number {
    return this.spec().extraPadding(this.options);
  }

  /** Shortest padded batch (recurrent models: 2 steps, as tfjs's Unpack gradient fails on one; masked steps change nothing). */
  private minLength(): number {
    return this.spec().minLength;
  }

  private encodeAll(texts: readonly string[]): Int32Array[] {
    const pipeline = this.pipeline!;
    return texts.map((t) => pipeline.encode(t));
  }

  /** The inference fast path (lstm, bow) for the current model, when it has one. */
  private lstmInference(): LstmInference | undefined {
    if (this.inferenceModel !== this.model) {
      this.inference?.dispose();
      this.inference = this.model ? this.spec().fastInference?.(this.model) : undefined;
      this.inferenceModel = this.model;
    }
    return this.inference;
  }

  /** Probabilities of pre-encoded sequences. */
  private probabilitiesOf(sequences: readonly Int32Array[], batchSize: number): Float32Array {
    const model = this.model!;
    const fast = this.lstmInference();
    const k = this.labels.length;
    const out = new Float32Array(sequences.length * k);
    const lengths = sequences.map((s) => s.length);
    for (const rows of planBatches(lengths, batchSize)) {
      const { ids, length } = padBatch(sequences, rows, this.extraPadding(), this.minLength());
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
    const batchSize = checkNumber('predict', 'batchSize', options.batchSize ?? 256, [1, 65_536, true]);
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
    const scores: Record<string, number> = {};
    this.labels.forEach((label, j) => {
      scores[label] = probs[j]!;
    });
    const full = probs[target]!;
    return {
      label: this.labels[target]!,
      scores,
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
    const batchSize = checkNumber('evaluate', 'batchSize', options.batchSize ?? 256, [1, 65_536, true]);
    return this.report(examples, batchSize);
  }

  private report(examples: readonly LabeledText[], batchSize: number, encoded?: Int32Array[]): EvaluationReport {
    return evaluationReport(this.labels, examples, (known) =>
      this.probabilitiesOf(encoded ? known.map((i) => encoded[i]!) : this.encodeAll(known.map((i) => examples[i]!.text)), batchSize),
    );
  }

  async fit(examples: readonly LabeledText[], options: FitOptions = {}): Promise<FitResult> {
    const where = 'fit';
    checkExamples(where, examples);
    const epochs = checkNumber(where, 'epochs', options.epochs ?? 5, [1, 10_000, true]);
    const timeLimit = options.timeLimitSeconds === undefined ? undefined : checkNumber(where, 'timeLimitSeconds', options.timeLimitSeconds, [0, 1e9, false]);
    const batchSize = checkNumber(where, 'batchSize', options.batchSize ?? 64, [1, 65_536, true]);
    const seed = checkNumber(where, 'seed', options.seed ?? 42, [0, 2 ** 32 - 1, true]);
    const es = options.earlyStopping === false ? undefined : { patience: 2, minDelta: 0, restoreBestWeights: true, ...options.earlyStopping };
    if (es) {
      checkNumber(where, 'earlyStopping.patience', es.patience, [0, 10_000, true]);
      checkNumber(where, 'earlyStopping.minDelta', es.minDelta, [0, 1e9, false]);
    }
    const resume = options.resumeFrom;
    const rng = createRng(seed);

    // Split.
    const split = splitValidation(where, examples, options, rng);
    const train = split.train;
    let validation = split.validation;
    const validationSetting = split.setting;
    const labels = labelsOf(where, train);
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    validation = validation.filter((e) => labelIndex.has(e.label));
    const dataFingerprint = fingerprint(examples);
    const settings: CheckpointFitSettings = {
      seed,
      batchSize,
      validation: validationSetting,
      earlyStopping: es ? { patience: es.patience, minDelta: es.minDelta, restoreBestWeights: es.restoreBestWeights } : false,
      classWeight: options.classWeight ?? null,
      dataFingerprint,
    };
    if (resume) assertResumable(resume, this.options, labels, settings, epochs);

    // Preprocessing: vocabulary from the training texts only (or the checkpoint's, when resuming).
    const o = this.options;
    let pipeline: TextPipeline;
    if (resume) {
      try {
        pipeline = textPipelineFromJSON(resume.pipeline);
      } catch (cause) {
        throw new ModelCoreError('INVALID_OPTIONS', `${where}: resumeFrom has an invalid text pipeline (${(cause as Error).message}). Start afresh without resumeFrom.`, { cause });
      }
    } else {
      pipeline = fitTextPipeline(
        train.map((e) => e.text),
        {
          tokenizer: { type: o.tokenizer },
          vocabulary: { maxSize: o.vocabSize, minFrequency: o.minFrequency },
          maxLength: o.maxLength,
          padding: 'post',
          truncating: o.truncating,
        },
      );
    }
    this.disposeModel();
    this.training = undefined;
    this.validation = undefined;
    this.pipeline = pipeline;
    this.labels = labels;
    const model = buildModel(o, pipeline.vocabulary.size, labels.length, rng.nextInt(2147483647));
    this.model = model;
    const optimizer = createAdam(o.learningRate);
    const variables = model.trainableWeights.map((w) => w.read() as Variable);
    let pretrained: PretrainedCoverage | undefined;
    try {
      if (resume) {
        restoreWeights(model, resume.weights.map((w) => w.values));
        await writeAdamState(optimizer, variables, resume.optimizer);
        writeDropoutCalls(model, resume.dropoutCalls);
        rng.setState(resume.rng);
      } else {
        initializeWeights(model, rng.fork());
        if (options.pretrainedEmbeddings) {
          pretrained = await applyPretrainedEmbeddings(model, pipeline.vocabulary.tokens(), options.pretrainedEmbeddings, options.signal);
        }
      }
    } catch (error) {
      optimizer.dispose();
      this.forgetModel();
      throw error;
    }

    const trainSeqs = this.encodeAll(train.map((e) => e.text));
    const trainY = Int32Array.from(train, (e) => labelIndex.get(e.label)!);
    const valSeqs = this.encodeAll(validation.map((e) => e.text));
    const valY = Int32Array.from(validation, (e) => labelIndex.get(e.label)!);
    const sampleWeights = classWeights(options.classWeight, labels, trainY);
    const lengths = trainSeqs.map((s) => s.length);

    const history: EpochLog[] = resume ? resume.history.map((h) => ({ ...h })) : [];
    const emit = (event: TrainingEvent): void => options.onProgress?.(event);
    const batchesPerEpoch = Math.ceil(train.length / batchSize);
    emit({ type: 'start', epochs, batchesPerEpoch, trainSize: train.length, validationSize: validation.length, labels, vocabularySize: pipeline.vocabulary.size });

    const restoreBest = es?.restoreBestWeights === true && validation.length > 0;
    let best = resume
      ? { loss: resume.earlyStopping.bestLoss ?? Number.POSITIVE_INFINITY, epoch: resume.earlyStopping.bestEpoch, weights: resume.earlyStopping.bestWeights ?? undefined }
      : { loss: Number.POSITIVE_INFINITY, epoch: 0, weights: undefined as Float32Array[] | undefined };
    let stoppedEarly = resume?.earlyStopping.stoppedEarly ?? false;
    let trainSeconds = resume?.progress.trainSeconds ?? 0;
    let samples = resume?.progress.samples ?? 0;
    const extra = this.extraPadding();
    const minLength = this.minLength();
    const checkpoint = (reason: TrainingCheckpoint['reason'], epoch: number, batch: number, rngState: RngState, partial: TrainingCheckpoint['progress']): TrainingCheckpoint => {
      const weights = snapshotWeights(model);
      const bad = firstNonFinite(weights);
      if (bad) {
        throw new ModelCoreError(
          'TRAINING_DIVERGED',
          `${where}: training diverged: weight ${model.weights[bad[0]]!.name} became ${weights[bad[0]]![bad[1]]} by epoch ${epoch + (batch > 0 ? 1 : 0)}, batch ${batch || batchesPerEpoch} (learning rate ${o.learningRate}). Lower the learning rate (e.g. to ${o.learningRate / 10}) and resume from the last checkpoint or start afresh.`,
        );
      }
      return {
        format: 'glossa-checkpoint',
        formatVersion: CHECKPOINT_FORMAT_VERSION,
        reason,
        epoch,
        batch,
        epochs,
        options: { ...o },
        labels: [...labels],
        pipeline: pipeline.toJSON(),
        fit: settings,
        weights: model.weights.map((w, i) => ({ name: w.originalName, shape: [...(w.shape as number[])], values: weights[i]! })),
        optimizer: readAdamState(optimizer),
        rng: rngState,
        dropoutCalls: readDropoutCalls(model),
        earlyStopping: { bestLoss: Number.isFinite(best.loss) ? best.loss : null, bestEpoch: best.epoch, bestWeights: best.weights ?? null, stoppedEarly },
        history: history.map((h) => ({ ...h })),
        progress: partial,
        createdBy: { name: '@glossa/model-core', version: MODEL_CORE_VERSION },
        createdAt: new Date().toISOString(),
      };
    };
    try {
      const firstEpoch = resume ? resume.epoch + 1 : 1;
      for (let epoch = firstEpoch; epoch <= epochs && !stoppedEarly; epoch++) {
        // The generator's state before planning: a mid-epoch checkpoint replays the same plan from it.
        const rngAtEpochStart = rng.getState();
        const batches = planBatches(lengths, batchSize, rng);
        const resumed = resume && epoch === firstEpoch && resume.batch > 0 ? resume : undefined;
        const t0 = performance.now() - (resumed?.progress.epochSeconds ?? 0) * 1000;
        let lastYield = performance.now();
        let lossSum = resumed?.progress.epochLossSum ?? 0;
        let correct = resumed?.progress.epochCorrect ?? 0;
        for (let b = resumed?.batch ?? 0; b < batches.length; b++) {
          if (options.signal?.aborted) {
            let saved = '';
            if (options.onCheckpoint) {
              const partial = { trainSeconds, samples, epochLossSum: lossSum, epochCorrect: correct, epochSeconds: (performance.now() - t0) / 1000 };
              await options.onCheckpoint(checkpoint('interrupted', epoch - 1, b, rngAtEpochStart, partial));
              saved = ' A checkpoint of the state after the last finished batch was handed to onCheckpoint; pass it as resumeFrom to continue.';
            }
            throw new ModelCoreError('ABORTED', `${where}: training was cancelled in epoch ${epoch}, batch ${b + 1}.${saved}`);
          }
          const rows = batches[b]!;
          const { ids, length } = padBatch(trainSeqs, rows, extra, minLength);
          const ys = Int32Array.from(rows, (r) => trainY[r]!);
          const ws = sampleWeights ? Float32Array.from(ys, (y) => sampleWeights[y]!) : undefined;
          const [loss, hits] = trainStep(model, optimizer, variables, { ids, length, ys, weights: ws, classes: labels.length });
          if (!Number.isFinite(loss)) {
            const kept = history.length > 0 ? ` The weights after epoch ${history.length} are in the last checkpoint, if onCheckpoint was given.` : '';
            throw new ModelCoreError(
              'TRAINING_DIVERGED',
              `${where}: the loss became ${loss} in epoch ${epoch}, batch ${b + 1} of ${batches.length}: training diverged. Lower the learning rate (now ${o.learningRate}, e.g. to ${o.learningRate / 10}) or check the data.${kept}`,
            );
          }
          lossSum += loss * rows.length;
          correct += hits;
          samples += rows.length;
          emit({ type: 'batch', epoch, batch: b + 1, batchesPerEpoch: batches.length, loss, accuracy: hits / rows.length });
          // Let the event loop breathe (progress bars, Ctrl-C, abort signals) every ~50 ms of training.
          if (performance.now() - lastYield > 50) {
            await new Promise<void>((resolve) => setTimeout(resolve, 0));
            lastYield = performance.now();
          }
        }
        const seconds = (performance.now() - t0) / 1000;
        trainSeconds += seconds;
        const log: EpochLog = { epoch, loss: lossSum / train.length, accuracy: correct / train.length, seconds, samplesPerSecond: train.length / seconds };
        if (validation.length > 0) {
          const measured = lossAndAccuracy(this.probabilitiesOf(valSeqs, 256), valY, labels.length);
          log.valLoss = measured.loss;
          log.valAccuracy = measured.accuracy;
          if (!Number.isFinite(log.valLoss)) {
            throw new ModelCoreError(
              'TRAINING_DIVERGED',
              `${where}: the validation loss became ${log.valLoss} after epoch ${epoch}: training diverged. Lower the learning rate (now ${o.learningRate}, e.g. to ${o.learningRate / 10}) or check the data.`,
            );
          }
        }
        history.push(log);
        emit({ type: 'epoch', epochs, ...log });
        const monitored = log.valLoss ?? log.loss;
        if (monitored < best.loss - (es?.minDelta ?? 0)) {
          best = { loss: monitored, epoch, weights: restoreBest ? snapshotWeights(model) : undefined };
        } else if (es && validation.length > 0 && epoch - best.epoch >= Math.max(es.patience, 1) && epoch < epochs) {
          // Keras semantics: stop once `patience` epochs in a row have not improved.
          stoppedEarly = true;
        }
        if (timeLimit !== undefined && epoch < epochs && trainSeconds + seconds > timeLimit) stoppedEarly = true;
        if (options.onCheckpoint) {
          await options.onCheckpoint(checkpoint('epoch', epoch, 0, rng.getState(), { trainSeconds, samples, epochLossSum: 0, epochCorrect: 0, epochSeconds: 0 }));
        }
      }
      if (best.weights && best.epoch !== history.length) restoreWeights(model, best.weights);
    } catch (error) {
      optimizer.dispose();
      // A failed run leaves no half-trained (possibly NaN) model behind that would look trained.
      this.forgetModel();
      throw error;
    }
    optimizer.dispose();
    const bestEpoch = best.weights ? best.epoch : history.length;
    const validationReport = validation.length > 0 ? this.report(validation, 256, valSeqs) : undefined;
    this.validation = validationReport;
    this.training = {
      seed,
      epochsRun: history.length,
      bestEpoch,
      trainSize: train.length,
      validationSize: validation.length,
      dataFingerprint,
      trainSeconds,
      history,
      ...(pretrained ? { pretrained } : {}),
    };
    emit({ type: 'end', epochsRun: history.length, bestEpoch, stoppedEarly, trainSeconds });
    return {
      epochsRun: history.length,
      bestEpoch,
      stoppedEarly,
      history,
      trainSeconds,
      trainSamplesPerSecond: trainSeconds > 0 ? samples / trainSeconds : 0,
      ...(validationReport ? { validation: validationReport } : {}),
      trainSize: train.length,
      validationSize: validation.length,
      ...(pretrained ? { pretrained: { ...pretrained } } : {}),
    };
  }

  /** Drops the model, pipeline and labels after a failed fit. */
  private forgetModel(): void {
    this.disposeModel();
    this.pipeline = undefined;
    this.labels = [];
  }

  private disposeModel(): void {
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

