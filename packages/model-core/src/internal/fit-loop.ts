/**
 * The training loop of the neural architectures: the validation split, the vocabulary, building and
 * initialising the model (or restoring a checkpoint), epochs of length-bucketed batches, validation, early
 * stopping with the best weights restored, checkpoints and the result. The classifier it trains is its
 * {@link NeuralFitHost}.
 */
import { type RngState, createRng } from '@glossa/math';
import { type TextPipeline, fitTextPipeline, textPipelineFromJSON } from '@glossa/text-preprocessing';
import type { Variable } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ARCHITECTURE_REGISTRY } from '../architectures/registry.js';
import { CHECKPOINT_FORMAT_VERSION, type CheckpointFitSettings, type TrainingCheckpoint } from '../checkpoint.js';
import { ModelCoreError } from '../errors.js';
import { DEFAULT_FIT_OPTIONS, FIT_OPTION_RANGES, type ResolvedClassifierOptions, checkNumber } from '../options.js';
import type { TrainingInfo } from '../text-classifier.js';
import type { EpochLog, EvaluationReport, FitOptions, FitResult, LabeledText, PretrainedCoverage, TrainingEvent } from '../types.js';
import { MODEL_CORE_VERSION } from '../version.js';
import { type BatchIndices, padBatch, planBatches } from './batching.js';
import { buildModel, initializeWeights } from './build-model.js';
import { checkExamples, classWeights, fingerprint, labelsOf, lossAndAccuracy, splitValidation } from './examples.js';
import { applyPretrainedEmbeddings } from './pretrained-embeddings.js';
import { createParallelStep } from './parallel-step.js';
import { type TrainBatch, createAdam, trainStep } from './train-step.js';
import {
  assertResumable,
  firstNonFinite,
  readAdamState,
  readDropoutCalls,
  restoreWeights,
  snapshotWeights,
  writeAdamState,
  writeDropoutCalls,
} from './training-state.js';

/** The neural classifier as the training loop sees it: its state, and what it encodes, pads and scores. */
export interface NeuralFitHost {
  readonly options: Readonly<ResolvedClassifierOptions>;
  labels: readonly string[];
  pipeline: TextPipeline | undefined;
  model: LayersModel | undefined;
  training: TrainingInfo | undefined;
  validation: EvaluationReport | undefined;
  /** Frees the model (and its inference caches). */
  disposeModel(): void;
  /** Drops the model, pipeline and labels after a failed fit. */
  forgetModel(): void;
  encodeAll(texts: readonly string[]): Int32Array[];
  /** Padding steps after each text (the architecture's). */
  extraPadding(): number;
  /** Padding steps before each text (see `NeuralArchitecture.leadingPadding`). */
  leadingPadding(): number;
  /** Shortest padded batch (the architecture's). */
  minLength(): number;
  /** Probabilities of pre-encoded sequences. */
  probabilitiesOf(sequences: readonly Int32Array[], batchSize: number): Float32Array;
  /** The evaluation report of `examples` (pre-encoded when given). */
  report(examples: readonly LabeledText[], batchSize: number, encoded?: Int32Array[]): EvaluationReport;
}

/**
 * Trains `host`'s network on `examples` (see `TextClassifier.fit`).
 *
 * @returns The fit result; `host` holds the trained model, pipeline, labels and training info.
 */
export async function fitNeural(host: NeuralFitHost, examples: readonly LabeledText[], options: FitOptions): Promise<FitResult> {
  const where = 'fit';
  checkExamples(where, examples);
  const epochs = checkNumber(where, 'epochs', options.epochs ?? DEFAULT_FIT_OPTIONS.epochs, FIT_OPTION_RANGES.epochs);
  const timeLimit =
    options.timeLimitSeconds === undefined ? undefined : checkNumber(where, 'timeLimitSeconds', options.timeLimitSeconds, FIT_OPTION_RANGES.timeLimitSeconds);
  const batchSize = checkNumber(where, 'batchSize', options.batchSize ?? DEFAULT_FIT_OPTIONS.batchSize, FIT_OPTION_RANGES.batchSize);
  const seed = checkNumber(where, 'seed', options.seed ?? DEFAULT_FIT_OPTIONS.seed, FIT_OPTION_RANGES.seed);
  const es =
    options.earlyStopping === false
      ? undefined
      : { patience: DEFAULT_FIT_OPTIONS.patience, minDelta: DEFAULT_FIT_OPTIONS.minDelta, restoreBestWeights: true, ...options.earlyStopping };
  if (es) {
    checkNumber(where, 'earlyStopping.patience', es.patience, FIT_OPTION_RANGES.patience);
    checkNumber(where, 'earlyStopping.minDelta', es.minDelta, FIT_OPTION_RANGES.minDelta);
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
  if (resume) assertResumable(resume, host.options, labels, settings, epochs);

  // Preprocessing: vocabulary from the training texts only (or the checkpoint's, when resuming).
  const o = host.options;
  let pipeline: TextPipeline;
  if (resume) {
    try {
      pipeline = textPipelineFromJSON(resume.pipeline);
    } catch (cause) {
      throw new ModelCoreError(
        'INVALID_OPTIONS',
        `${where}: resumeFrom has an invalid text pipeline (${(cause as Error).message}). Start afresh without resumeFrom.`,
        { cause },
      );
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
  host.disposeModel();
  host.training = undefined;
  host.validation = undefined;
  host.pipeline = pipeline;
  host.labels = labels;
  const modelSeed = rng.nextInt(2147483647);
  const model = buildModel(o, pipeline.vocabulary.size, labels.length, modelSeed);
  host.model = model;
  const optimizer = createAdam(o.learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as Variable);
  let pretrained: PretrainedCoverage | undefined;
  try {
    if (resume) {
      restoreWeights(
        model,
        resume.weights.map((w) => w.values),
      );
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
    host.forgetModel();
    throw error;
  }

  const trainSeqs = host.encodeAll(train.map((e) => e.text));
  const trainY = Int32Array.from(train, (e) => labelIndex.get(e.label)!);
  const valSeqs = host.encodeAll(validation.map((e) => e.text));
  const valY = Int32Array.from(validation, (e) => labelIndex.get(e.label)!);
  const sampleWeights = classWeights(options.classWeight, labels, trainY);
  const lengths = trainSeqs.map((s) => s.length);

  const history: EpochLog[] = resume ? resume.history.map((h) => ({ ...h })) : [];
  const emit = (event: TrainingEvent): void => options.onProgress?.(event);
  const batchesPerEpoch = Math.ceil(train.length / batchSize);
  emit({
    type: 'start',
    epochs,
    batchesPerEpoch,
    trainSize: train.length,
    validationSize: validation.length,
    labels,
    vocabularySize: pipeline.vocabulary.size,
  });

  const restoreBest = es?.restoreBestWeights === true && validation.length > 0;
  let best = resume
    ? {
        loss: resume.earlyStopping.bestLoss ?? Number.POSITIVE_INFINITY,
        epoch: resume.earlyStopping.bestEpoch,
        weights: resume.earlyStopping.bestWeights ?? undefined,
      }
    : { loss: Number.POSITIVE_INFINITY, epoch: 0, weights: undefined as Float32Array[] | undefined };
  let stoppedEarly = resume?.earlyStopping.stoppedEarly ?? false;
  let trainSeconds = resume?.progress.trainSeconds ?? 0;
  let samples = resume?.progress.samples ?? 0;
  const extra = host.extraPadding();
  const lead = host.leadingPadding();
  // An architecture data-parallel training would slow down trains on this thread (registry.ts `oneThread`).
  const workers =
    options.gradientWorkers && options.gradientWorkers.size > 0 && ARCHITECTURE_REGISTRY[o.architecture].oneThread === undefined
      ? options.gradientWorkers
      : undefined;
  const parallel = workers ? createParallelStep(workers, model, optimizer, variables) : undefined;
  if (workers) {
    try {
      await workers.start({ options: { ...o }, vocabularySize: pipeline.vocabulary.size, classes: labels.length, dropoutSeed: modelSeed });
    } catch (error) {
      optimizer.dispose();
      host.forgetModel();
      throw error;
    }
  }
  const minLength = host.minLength();
  const checkpoint = (
    reason: TrainingCheckpoint['reason'],
    epoch: number,
    batch: number,
    rngState: RngState,
    partial: TrainingCheckpoint['progress'],
  ): TrainingCheckpoint => {
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
      // The batch of rows `rows`, padded, with its labels and weights.
      const batchAt = (rows: BatchIndices): TrainBatch => {
        const { ids, length } = padBatch(trainSeqs, rows, extra, minLength, lead);
        const ys = Int32Array.from(rows, (r) => trainY[r]!);
        const ws = sampleWeights ? Float32Array.from(ys, (y) => sampleWeights[y]!) : undefined;
        return { ids, length, ys, weights: ws, classes: labels.length };
      };
      let ahead: { index: number; batch: TrainBatch } | undefined;
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
        const batch = ahead?.index === b ? ahead.batch : batchAt(rows);
        ahead = undefined;
        // Data-parallel steps send the workers their part of the next batch before their own Adam step.
        const next =
          b + 1 < batches.length
            ? () => {
                ahead = { index: b + 1, batch: batchAt(batches[b + 1]!) };
                return ahead.batch;
              }
            : undefined;
        const [loss, hits] = parallel ? await parallel(batch, next) : trainStep(model, optimizer, variables, batch);
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
        const measured = lossAndAccuracy(host.probabilitiesOf(valSeqs, 256), valY, labels.length);
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
    await workers?.release().catch(() => undefined);
    optimizer.dispose();
    // A failed run leaves no half-trained (possibly NaN) model behind that would look trained.
    host.forgetModel();
    throw error;
  }
  await workers?.release();
  optimizer.dispose();
  const bestEpoch = best.weights ? best.epoch : history.length;
  const validationReport = validation.length > 0 ? host.report(validation, 256, valSeqs) : undefined;
  host.validation = validationReport;
  host.training = {
    seed,
    epochsRun: history.length,
    bestEpoch,
    trainSize: train.length,
    validationSize: validation.length,
    dataFingerprint,
    trainSeconds,
    history,
    ...(pretrained ? { pretrained } : {}),
    ...(workers ? { threads: workers.size + 1 } : {}),
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
