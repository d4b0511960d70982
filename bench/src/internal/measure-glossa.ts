import { join } from 'node:path';
import { createTextClassifier, initBackend, loadBundle, saveBundle } from '@glossa/node-runtime';
import type { ChildTask, Measurement } from '../types.js';
import { chunks, describeError, emptyMeasurement, median, nowSeconds, readExamples, sizeOnDisk, threadingOf } from './child-utils.js';

/** Keep tokenizing the training texts until this many seconds have passed (at least one pass). */
const TOKENIZE_MIN_SECONDS = 0.5;

/**
 * Measures Glossa's `TextClassifier` for one architecture × backend: trains with `fit` (no validation split,
 * no early stopping), times the text pipeline's `tokenize`, saves the bundle, loads it back from disk and
 * predicts the whole test set from raw text in batches of `predictBatchSize` (median of 2–3 passes).
 */
export async function measureGlossa(task: ChildTask, log: (line: string) => void): Promise<Measurement> {
  const s = task.settings;
  const train = await readExamples(task.trainPath);
  const test = await readExamples(task.testPath);
  const result = emptyMeasurement(task, train.length);
  let report: Awaited<ReturnType<typeof initBackend>>;
  try {
    report = await initBackend({ backend: task.backend, job: 'train' });
  } catch (error) {
    return { ...result, status: 'unavailable', reason: describeError(error) };
  }
  result.threads = report.threads ?? null;
  result.threading = threadingOf(task.backend, report.threads);

  const classifier = createTextClassifier({
    architecture: task.architecture,
    vocabSize: s.vocabSize,
    maxLength: s.maxLength,
    embeddingDim: s.embeddingDim,
    units: s.units,
  });
  log(`training ${train.length} examples × ${s.epochs} epochs`);
  const fit = await classifier.fit(train, {
    epochs: s.epochs,
    batchSize: s.batchSize,
    seed: s.seed,
    validationSplit: 0,
    earlyStopping: false,
    onProgress: (event) => {
      if (event.type === 'epoch') log(`epoch ${event.epoch}: ${event.samplesPerSecond.toFixed(1)} samples/s, loss ${event.loss.toFixed(4)}`);
    },
  });
  result.trainSamplesPerSecond = fit.trainSamplesPerSecond;
  result.trainSeconds = fit.trainSeconds;
  result.trainBatches = Math.ceil(train.length / s.batchSize) * fit.epochsRun;

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

  const bundleDir = join(task.workDir, `glossa-${task.architecture}-${task.backend}`);
  await saveBundle(classifier, bundleDir);
  classifier.dispose();
  result.bundleBytes = await sizeOnDisk(bundleDir);

  await initBackend({ backend: task.backend, job: 'predict' });
  const loadStart = nowSeconds();
  const loaded = await loadBundle(bundleDir);
  result.loadSeconds = nowSeconds() - loadStart;
  const testTexts = test.map((e) => e.text);
  const batches = chunks(testTexts, s.predictBatchSize);
  const times: number[] = [];
  let correct = 0;
  for (let pass = 0; pass < 3; pass++) {
    const start = nowSeconds();
    const labels: string[] = [];
    for (const batch of batches) {
      for (const p of await loaded.predict(batch, { batchSize: s.predictBatchSize })) labels.push(p.label);
    }
    times.push(nowSeconds() - start);
    if (pass === 0) correct = labels.reduce((n, label, i) => n + (label === test[i]!.label ? 1 : 0), 0);
    // A third pass only when passes are short (it makes the median robust to one slow pass).
    if (pass === 1 && times[0]! + times[1]! > 20) break;
  }
  loaded.dispose();
  result.accuracy = correct / test.length;
  result.predictTexts = test.length;
  result.predictTextsPerSecond = test.length / median(times);
  log(`predict ${result.predictTextsPerSecond.toFixed(0)} texts/s, accuracy ${result.accuracy.toFixed(4)}`);
  return result;
}
