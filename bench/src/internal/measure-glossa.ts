import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  ARCHITECTURE_REGISTRY,
  createPredictionPool,
  createTextClassifier,
  createTrainingWorkers,
  initBackend,
  loadBundle,
  saveBundle,
  setRelaxedSimd,
  usesRelaxedSimd,
  usesWasmKernels,
} from '@glossa/node-runtime';
import type { ChildTask, Measurement } from '../types.js';
import { describeError, emptyMeasurement, median, nowSeconds, peakRssBytes, readExamples, sizeOnDisk, threadingOf } from './child-utils.js';

/** Keep tokenizing the training texts until this many seconds have passed (at least one pass). */
const TOKENIZE_MIN_SECONDS = 0.5;

/**
 * Measures Glossa's `TextClassifier` for one architecture × backend: trains with `fit` (no validation split,
 * no early stopping) on `task.threads` threads (more than one: data-parallel, as `glossa train --threads`
 * runs it, `createTrainingWorkers` passed as `fit`'s `gradientWorkers`), times the text pipeline's
 * `tokenize`, saves the bundle, loads it back from disk and predicts the whole test set from raw text —
 * one `predict(texts, { batchSize })` call, as a user would (median of 2–3 passes) — then the same with
 * `createPredictionPool` on every core.
 */
export async function measureGlossa(task: ChildTask, log: (line: string) => void): Promise<Measurement> {
  const s = task.settings;
  const train = await readExamples(task.trainPath);
  const test = await readExamples(task.testPath);
  const result = emptyMeasurement(task, train.length);
  // initBackend turns relaxed SIMD on, as in the glossa CLI; --no-relaxed-simd keeps the plain-SIMD builds.
  if (!task.relaxedSimd) setRelaxedSimd(false);
  let report: Awaited<ReturnType<typeof initBackend>>;
  try {
    report = await initBackend({ backend: task.backend, job: 'train' });
  } catch (error) {
    return { ...result, status: 'unavailable', reason: describeError(error) };
  }
  result.threads = report.threads ?? null;
  result.kernels = !usesWasmKernels() ? 'JavaScript' : usesRelaxedSimd() ? 'relaxed SIMD' : 'SIMD';
  log(`Glossa's kernels: ${result.kernels}`);
  result.threading = threadingOf(task.backend, Math.max(task.threads, report.threads ?? 1));

  const classifier = createTextClassifier({
    architecture: task.architecture,
    vocabSize: s.vocabSize,
    maxLength: s.maxLength,
    embeddingDim: s.embeddingDim,
    units: task.architecture === 'cnn' ? s.cnnFilters : s.units,
  });
  log(`training ${train.length} examples × ${s.epochs} epochs on ${task.threads} thread${task.threads === 1 ? '' : 's'}`);
  // As `glossa train --threads N`: N − 1 worker threads each compute a shard of every batch.
  const workers = task.threads > 1 ? await createTrainingWorkers({ threads: task.threads, backend: task.backend }) : undefined;
  let fit: Awaited<ReturnType<typeof classifier.fit>>;
  try {
    fit = await classifier.fit(train, {
      epochs: s.epochs,
      batchSize: s.batchSize,
      seed: s.seed,
      validationSplit: 0,
      earlyStopping: false,
      ...(workers !== undefined ? { gradientWorkers: workers } : {}),
      onProgress: (event) => {
        if (event.type === 'epoch') log(`epoch ${event.epoch}: ${event.samplesPerSecond.toFixed(1)} samples/s, loss ${event.loss.toFixed(4)}`);
      },
    });
  } finally {
    await workers?.close();
  }
  // An architecture that data-parallel training would slow down trains on one thread (model-core's registry says why).
  if (task.threads > 1 && classifier.training?.threads === undefined) {
    result.reason = `trained on 1 thread: ${ARCHITECTURE_REGISTRY[task.architecture].oneThread ?? 'no gradient workers used'}`;
  }
  result.trainSamplesPerSecond = fit.trainSamplesPerSecond;
  result.trainSeconds = fit.trainSeconds;
  result.trainBatches = Math.ceil(train.length / s.batchSize) * fit.epochsRun;
  result.trainPeakRssBytes = peakRssBytes();

  // Tokenization: the pipeline's normalise + tokenize over the training texts.
  const pipeline = classifier.pipeline!;
  const texts = train.map((e) => e.text);
  let tokens = 0;
  const t0 = nowSeconds();
  do {
    for (const text of texts) tokens += pipeline.tokenize(text).length;
  } while (nowSeconds() - t0 < TOKENIZE_MIN_SECONDS);
  result.tokenizeTokens = tokens;
  result.tokenizeTokensPerSecond = tokens / (nowSeconds() - t0);

  const bundleDir = join(task.workDir, `glossa-${task.architecture}-${task.backend}-t${task.threads}`);
  await saveBundle(classifier, bundleDir);
  classifier.dispose();
  result.bundleBytes = await sizeOnDisk(bundleDir);

  await initBackend({ backend: task.backend, job: 'predict' });
  const loadStart = nowSeconds();
  const loaded = await loadBundle(bundleDir);
  result.loadSeconds = nowSeconds() - loadStart;
  const testTexts = test.map((e) => e.text);
  await loaded.predict(testTexts.slice(0, s.predictBatchSize), { batchSize: s.predictBatchSize }); // warm-up
  let correct = 0;
  const times = await timePasses(async () => {
    const predictions = await loaded.predict(testTexts, { batchSize: s.predictBatchSize });
    correct = predictions.reduce((n, p, i) => n + (p.label === test[i]!.label ? 1 : 0), 0);
  });
  loaded.dispose();
  result.accuracy = correct / test.length;
  result.predictTexts = test.length;
  result.predictTextsPerSecond = test.length / median(times);
  log(`predict ${result.predictTextsPerSecond.toFixed(0)} texts/s (one thread), accuracy ${result.accuracy.toFixed(4)}`);

  // What the peers' figure covers: training and one-thread prediction in one process.
  result.peakRssBytes = peakRssBytes();

  // Every core: one worker thread per core, each with its own backend and copy of the model.
  const threads = availableParallelism();
  if (threads > 1) {
    const pool = await createPredictionPool(bundleDir, { threads, backend: task.backend, batchSize: s.predictBatchSize });
    try {
      await pool.predict(testTexts.slice(0, s.predictBatchSize * threads)); // warm-up of every worker
      const poolTimes = await timePasses(() => pool.predict(testTexts));
      result.predictAllCoresTextsPerSecond = test.length / median(poolTimes);
      result.predictAllCoresThreads = threads;
      log(`predict ${result.predictAllCoresTextsPerSecond.toFixed(0)} texts/s (${threads} threads)`);
    } finally {
      await pool.close();
    }
  }
  return result;
}

/** Seconds of 2–3 runs of `pass` (a third only when passes are short: it makes the median robust). */
async function timePasses(pass: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = nowSeconds();
    await pass();
    times.push(nowSeconds() - start);
    if (i === 1 && times[0]! + times[1]! > 20) break;
  }
  return times;
}
