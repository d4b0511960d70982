import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng } from '@glossa/math';
import { initBackend } from '@glossa/node-runtime';
import { type TextPipeline, fitTextPipeline, textPipelineFromJSON } from '@glossa/text-preprocessing';
import { type Tensor, dispose, io, oneHot, tensor1d, tensor2d, tidy, train as optimizers } from '@tensorflow/tfjs-core';
import { type LayersModel, layers, loadLayersModel, sequential } from '@tensorflow/tfjs-layers';
import { BenchError } from '../bench-error.js';
import type { BenchArchitecture, ChildTask, Measurement } from '../types.js';
import { chunks, describeError, emptyMeasurement, nowSeconds, readExamples, sizeOnDisk, threadingOf } from './child-utils.js';
import { registerStockUnsortedSegmentSum } from './unsorted-segment-sum.js';

/**
 * The stock tfjs-layers model for `architecture`, as a tfjs user would write it from the Keras tutorials.
 * LSTM: Embedding(maskZero) → LSTM(sigmoid recurrent activation, Keras's; glorotUniform recurrent
 * initialiser because tfjs's orthogonal one crashes on wasm) → Dense(softmax). CNN: Embedding → Conv1D(relu)
 * → GlobalMaxPooling1D → Dense. BOW: Embedding → GlobalAveragePooling1D → Dense. Conv1D and the global
 * pooling layers do not support masks in tfjs-layers (they throw when given one), so CNN and BOW embed
 * without `maskZero`: their padding ids are averaged / max-pooled like any other token, as in Keras's
 * GlobalAveragePooling1D without a mask.
 */
const RECURRENT: readonly BenchArchitecture[] = ['lstm', 'gru', 'bilstm', 'bigru'];

export function buildStockModel(architecture: BenchArchitecture, vocabularySize: number, task: ChildTask, numClasses: number): LayersModel {
  const s = task.settings;
  const model = sequential();
  model.add(
    layers.embedding({
      inputDim: vocabularySize,
      outputDim: s.embeddingDim,
      maskZero: RECURRENT.includes(architecture),
      inputLength: s.maxLength,
    }),
  );
  const recurrent = () =>
    architecture === 'lstm' || architecture === 'bilstm'
      ? layers.lstm({ units: s.units, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' })
      : layers.gru({ units: s.units, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' });
  if (architecture === 'lstm' || architecture === 'gru') {
    model.add(recurrent());
  } else if (architecture === 'bilstm' || architecture === 'bigru') {
    model.add(layers.bidirectional({ layer: recurrent() as never, mergeMode: 'concat' }));
  } else if (architecture === 'transformer') {
    throw new BenchError('INVALID_ARGUMENT', 'stock tfjs: tfjs-layers has no Transformer encoder to compare with.');
  } else if (architecture === 'cnn') {
    model.add(layers.conv1d({ filters: s.cnnFilters, kernelSize: 5, activation: 'relu' }));
    model.add(layers.globalMaxPooling1d({}));
  } else {
    model.add(layers.globalAveragePooling1d({}));
  }
  model.add(layers.dense({ units: numClasses, activation: 'softmax' }));
  model.compile({ optimizer: optimizers.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

/** Keras `pad_sequences` defaults: pre-truncation and pre-padding to exactly `length` ids. */
function encodePrePadded(pipeline: TextPipeline, texts: readonly string[], length: number): Int32Array {
  const out = new Int32Array(texts.length * length);
  texts.forEach((text, row) => {
    const ids = pipeline.encode(text);
    const kept = ids.length > length ? ids.subarray(ids.length - length) : ids;
    out.set(kept, row * length + (length - kept.length));
  });
  return out;
}

function argmaxRows(probs: Float32Array, k: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < probs.length / k; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (probs[r * k + j]! > probs[r * k + best]!) best = j;
    out.push(best);
  }
  return out;
}

/** Saves a tfjs-layers model and its text pipeline as model.json + weights.bin + pipeline.json. */
async function saveStock(model: LayersModel, pipeline: TextPipeline, dir: string): Promise<void> {
  await model.save(
    io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData;
      const bytes = Array.isArray(weights) ? Buffer.concat(weights.map((b) => Buffer.from(b))) : Buffer.from(weights ?? new ArrayBuffer(0));
      await writeFile(join(dir, 'weights.bin'), bytes);
      await writeFile(join(dir, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  await writeFile(join(dir, 'pipeline.json'), JSON.stringify(pipeline.toJSON()));
}

async function loadStock(dir: string): Promise<{ model: LayersModel; pipeline: TextPipeline }> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { modelTopology: object; weightSpecs: io.WeightsManifestEntry[] };
  const weights = await readFile(join(dir, 'weights.bin'));
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  const model = await loadLayersModel(io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightSpecs, weightData }));
  const pipeline = textPipelineFromJSON(JSON.parse(await readFile(join(dir, 'pipeline.json'), 'utf8')));
  return { model, pipeline };
}

/**
 * Measures the stock tfjs-layers path for one architecture × backend, on a budget: `trainOnBatch` with
 * batches of fixed-length (pre-padded) sequences in a seeded shuffled order; the first batch is a warm-up
 * and is not timed; training stops at the end of the epochs or when the budget runs out, and samples/s is
 * extrapolated from the timed batches. The model is then saved, loaded from disk, and `model.predict`
 * labels `predictTexts` raw test texts (tokenised by Glossa's pipeline, so tokenisation cost is equal). Only
 * `UnsortedSegmentSum` is replaced (see {@link registerStockUnsortedSegmentSum}). When a training kernel is
 * missing (Conv1D's gradient on wasm), training is reported unavailable and prediction is still measured.
 */
export async function measureStock(task: ChildTask, log: (line: string) => void): Promise<Measurement> {
  const s = task.settings;
  const budget = task.stockBudget;
  const train = await readExamples(task.trainPath);
  const test = await readExamples(task.testPath);
  const result = emptyMeasurement(task, train.length);
  let report: Awaited<ReturnType<typeof initBackend>>;
  try {
    report = await initBackend({ backend: task.backend, job: 'train', requiredKernels: [] });
  } catch (error) {
    return { ...result, status: 'unavailable', reason: describeError(error) };
  }
  result.threads = report.threads ?? null;
  result.threading = threadingOf(task.backend, report.threads);
  if (task.backend !== 'tensorflow') registerStockUnsortedSegmentSum(task.backend);

  const pipeline = fitTextPipeline(
    train.map((e) => e.text),
    { vocabulary: { maxSize: s.vocabSize }, maxLength: s.maxLength, padding: 'pre', truncating: 'pre' },
  );
  const labels = [...new Set(train.map((e) => e.label))].sort();
  const k = labels.length;
  const x = encodePrePadded(
    pipeline,
    train.map((e) => e.text),
    s.maxLength,
  );
  const y = Int32Array.from(train, (e) => labels.indexOf(e.label));
  const model = buildStockModel(task.architecture, pipeline.vocabulary.size, task, k);

  const rng = createRng(s.seed);
  const batchesPerEpoch = Math.ceil(train.length / s.batchSize);
  const totalBatches = batchesPerEpoch * s.epochs;
  let timedBatches = 0;
  let timedSamples = 0;
  let timedSeconds = 0;
  let done = 0;
  let trainError: string | undefined;
  log(`training up to ${totalBatches} batches (budget ${budget.trainSeconds || '∞'} s, ${budget.maxBatches || '∞'} batches)`);
  outer: for (let epoch = 0; epoch < s.epochs; epoch++) {
    const order = rng.permutation(train.length);
    for (let b = 0; b < batchesPerEpoch; b++) {
      const rows = order.subarray(b * s.batchSize, Math.min(train.length, (b + 1) * s.batchSize));
      const xb = new Int32Array(rows.length * s.maxLength);
      const yb = new Int32Array(rows.length);
      rows.forEach((r, i) => {
        xb.set(x.subarray(r * s.maxLength, (r + 1) * s.maxLength), i * s.maxLength);
        yb[i] = y[r]!;
      });
      const xs = tensor2d(xb, [rows.length, s.maxLength], 'int32');
      const ys = tidy(() => oneHot(tensor1d(yb, 'int32'), k));
      const start = nowSeconds();
      try {
        await model.trainOnBatch(xs, ys);
      } catch (error) {
        trainError = describeError(error);
        break outer;
      } finally {
        dispose([xs, ys]);
      }
      const seconds = nowSeconds() - start;
      done++;
      if (done > 1) {
        timedBatches++;
        timedSamples += rows.length;
        timedSeconds += seconds;
      }
      if (done % 10 === 0) log(`batch ${done}/${totalBatches}: ${(timedSamples / timedSeconds).toFixed(1)} samples/s`);
      const overBudget = (budget.trainSeconds > 0 && timedSeconds >= budget.trainSeconds) || (budget.maxBatches > 0 && done >= budget.maxBatches);
      if (overBudget && done < totalBatches) break outer;
    }
  }
  const complete = trainError === undefined && done === totalBatches;
  if (trainError !== undefined) {
    result.status = 'unavailable';
    result.reason = `training: ${trainError}; prediction measured with untrained weights`;
  } else if (timedBatches > 0) {
    result.trainSamplesPerSecond = timedSamples / timedSeconds;
    result.trainSeconds = timedSeconds;
    result.trainBatches = timedBatches;
    result.trainBudgeted = !complete;
    if (!complete) result.reason = `budget: ${done} of ${totalBatches} batches trained (first one untimed); samples/s extrapolated, accuracy not measured`;
  }

  const dir = join(task.workDir, `stock-${task.architecture}-${task.backend}`);
  await mkdir(dir, { recursive: true });
  await saveStock(model, pipeline, dir);
  model.dispose();
  result.bundleBytes = await sizeOnDisk(dir);

  const loadStart = nowSeconds();
  const loaded = await loadStock(dir);
  result.loadSeconds = nowSeconds() - loadStart;
  const n = complete || budget.predictTexts <= 0 ? test.length : Math.min(test.length, budget.predictTexts);
  const texts = test.slice(0, n).map((e) => e.text);
  const predicted: number[] = [];
  const start = nowSeconds();
  for (const batch of chunks(texts, s.predictBatchSize)) {
    const ids = encodePrePadded(loaded.pipeline, batch, s.maxLength);
    const probs = tidy(
      () => (loaded.model.predict(tensor2d(ids, [batch.length, s.maxLength], 'int32'), { batchSize: s.predictBatchSize }) as Tensor).dataSync() as Float32Array,
    );
    predicted.push(...argmaxRows(probs, k));
  }
  const seconds = nowSeconds() - start;
  loaded.model.dispose();
  result.predictTexts = n;
  result.predictTextsPerSecond = n / seconds;
  if (complete) {
    result.accuracy = predicted.reduce((c, p, i) => c + (labels[p] === test[i]!.label ? 1 : 0), 0) / n;
  }
  log(`predict ${result.predictTextsPerSecond.toFixed(1)} texts/s`);
  return result;
}
