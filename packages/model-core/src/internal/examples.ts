import { type Rng, argmax, classificationReport, seedFromString, stratifiedSplitBy } from '@glossa/math';
import type { CheckpointFitSettings } from '../checkpoint.js';
import { ModelCoreError } from '../errors.js';
import { DEFAULT_FIT_OPTIONS, FIT_OPTION_RANGES, checkNumber } from '../options.js';
import type { EvaluationReport, FitOptions, LabeledText } from '../types.js';

/** Hash of texts and labels, to recognise the same data (kept in bundles and checkpoints). */
export function fingerprint(examples: readonly LabeledText[]): string {
  let h1 = 0x811c9dc5;
  let h2 = examples.length;
  for (const e of examples) {
    h1 = Math.imul(h1 ^ seedFromString(e.text), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ seedFromString(e.label), 2246822519) >>> 0;
  }
  return `${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}

/** Throws `INVALID_DATA` unless `examples` is a non-empty array of `{ text, label }` strings. */
export function checkExamples(where: string, examples: readonly LabeledText[]): void {
  if (!Array.isArray(examples) || examples.length === 0) {
    throw new ModelCoreError('INVALID_DATA', `${where}: no examples were given. Pass an array of { text, label } objects.`);
  }
  examples.forEach((e, i) => {
    if (typeof e?.text !== 'string' || typeof e?.label !== 'string') {
      throw new ModelCoreError('INVALID_DATA', `${where}: example ${i} is not { text: string, label: string } (got ${JSON.stringify(e)?.slice(0, 80)}).`);
    }
  });
}

/** The training and validation examples of a fit, and how they were chosen. */
export interface ValidationSplit {
  train: readonly LabeledText[];
  validation: readonly LabeledText[];
  setting: CheckpointFitSettings['validation'];
}

/**
 * Holds out the validation examples of a fit: `validationData` when given, else a stratified seeded
 * `validationSplit` (default 0.1) drawn with `rng.fork()`.
 */
export function splitValidation(where: string, examples: readonly LabeledText[], options: FitOptions, rng: Rng): ValidationSplit {
  if (options.validationData) {
    checkExamples(`${where} (validationData)`, options.validationData);
    return { train: examples, validation: options.validationData, setting: { kind: 'data', fingerprint: fingerprint(options.validationData) } };
  }
  const fraction = checkNumber(where, 'validationSplit', options.validationSplit ?? DEFAULT_FIT_OPTIONS.validationSplit, FIT_OPTION_RANGES.validationSplit);
  const setting: CheckpointFitSettings['validation'] = { kind: 'split', fraction };
  if (fraction === 0) return { train: examples, validation: [], setting };
  let split: { train: LabeledText[]; test: LabeledText[] };
  try {
    // Classes numbered as they first occur: the split every release so far drew for a seed.
    split = stratifiedSplitBy(examples, (e) => e.label, fraction, rng.fork(), { classOrder: 'first-seen' });
  } catch (cause) {
    throw new ModelCoreError(
      'INVALID_DATA',
      `${where}: cannot hold out a validation split from ${examples.length} examples (${(cause as Error).message}). Add examples, pass validationData, or set validationSplit to 0.`,
      { cause },
    );
  }
  return { train: split.train, validation: split.test, setting };
}

/** Sorted class names of the training examples; throws `INVALID_DATA` for fewer than two. */
export function labelsOf(where: string, train: readonly LabeledText[]): string[] {
  const labels = [...new Set(train.map((e) => e.label))].sort();
  if (labels.length < 2) {
    throw new ModelCoreError(
      'INVALID_DATA',
      `${where}: the training data has only one class (${labels[0] ?? 'none'}). A classifier needs at least two labels; check the label column.`,
    );
  }
  return labels;
}

/** Per-class loss weights from `FitOptions.classWeight`, or undefined for none. */
export function classWeights(spec: FitOptions['classWeight'], labels: readonly string[], ys: Int32Array): Float32Array | undefined {
  if (!spec) return undefined;
  const k = labels.length;
  if (spec === 'balanced') {
    const counts = new Float64Array(k);
    for (const y of ys) counts[y]!++;
    return Float32Array.from(counts, (c) => (c > 0 ? ys.length / (k * c) : 0));
  }
  for (const key of Object.keys(spec)) {
    if (!labels.includes(key)) {
      throw new ModelCoreError('INVALID_OPTIONS', `fit: classWeight names "${key}", which is not a training label (${labels.join(', ')}).`);
    }
  }
  return Float32Array.from(labels, (l) => checkNumber('fit', `classWeight.${l}`, spec[l] ?? 1, FIT_OPTION_RANGES.classWeight));
}

/**
 * The evaluation report of labelled examples: rows whose label the model does not know are counted in
 * `unknownLabels` and left out of the metrics.
 *
 * @param labels - The model's labels, in output order.
 * @param examples - The labelled examples.
 * @param score - Probabilities (rows × labels) of the examples at the given indices.
 */
export function evaluationReport(
  labels: readonly string[],
  examples: readonly LabeledText[],
  score: (indices: readonly number[]) => Float32Array,
): EvaluationReport {
  const index = new Map(labels.map((l, i) => [l, i]));
  const known: number[] = [];
  const unknown = new Map<string, number>();
  examples.forEach((e, i) => {
    if (index.has(e.label)) known.push(i);
    else unknown.set(e.label, (unknown.get(e.label) ?? 0) + 1);
  });
  if (known.length === 0) {
    throw new ModelCoreError(
      'INVALID_DATA',
      `evaluate: none of the ${examples.length} examples has a label the model knows (${labels.join(', ')}). Check the label column.`,
    );
  }
  const probabilities = score(known);
  const yTrue = Int32Array.from(known, (i) => index.get(examples[i]!.label)!);
  const report: EvaluationReport = classificationReport({ yTrue, probabilities, labels: [...labels] });
  if (unknown.size > 0) report.unknownLabels = [...unknown].map(([label, count]) => ({ label, count }));
  return report;
}

/**
 * Mean crossentropy and accuracy of probabilities (rows × classes) against class ids. The loss clips each true-class
 * probability into [1e-7, 1 − 1e-7] as it is: math's `logLoss` first divides by the row's sum, which a float32 row
 * misses by a few ulps, and these losses decide early stopping and `auto`'s choice, so they stay as they were.
 */
export function lossAndAccuracy(probs: Float32Array, ys: Int32Array, classes: number): { loss: number; accuracy: number } {
  let loss = 0;
  let hits = 0;
  for (let i = 0; i < ys.length; i++) {
    const row = probs.subarray(i * classes, (i + 1) * classes);
    loss -= Math.log(Math.min(Math.max(row[ys[i]!]!, 1e-7), 1 - 1e-7));
    if (argmax(row) === ys[i]) hits++;
  }
  return { loss: loss / Math.max(ys.length, 1), accuracy: hits / Math.max(ys.length, 1) };
}
