/**
 * What `glossa evaluate --report/--json` adds to the metrics: curves, calibration, the threshold table and
 * the worst misclassified examples. Plain data (JSON as it is); the numerics come from `@glossa/math`,
 * passed in so this module loads nothing heavy itself.
 */
import type { CalibrationBin, ClassificationReport, ThresholdRow } from '@glossa/math';
import type { MathApi } from '../runtime.js';

/** A point of a ROC curve. */
export interface RocPoint {
  /** False-positive rate. */
  fpr: number;
  /** True-positive rate. */
  tpr: number;
  /** "Positive when P(label) ≥ threshold" (`null` for the first point, where nothing is positive: JSON has no Infinity). */
  threshold: number | null;
}

/** A point of a precision-recall curve. */
export interface PrPoint {
  /** Recall. */
  recall: number;
  /** Precision. */
  precision: number;
  /** The threshold (`null` for the end point at recall 0). */
  threshold: number | null;
}

/** One label's curves, one-vs-rest on P(label). */
export interface LabelCurves {
  /** The label treated as positive. */
  label: string;
  /** Rows with this label. */
  positives: number;
  /** Area under the ROC curve (`null` when the data has only one side). */
  rocAuc: number | null;
  /** Average precision (`null` without a positive). */
  averagePrecision: number | null;
  /** ROC points, thinned to at most {@link MAX_CURVE_POINTS} for display (first and last kept). */
  roc: RocPoint[];
  /** Precision-recall points, thinned likewise: (recall 0, precision 1) first, then from the highest threshold down. */
  pr: PrPoint[];
}

/** A misclassified example with what drove the wrong answer. */
export interface MisclassifiedExample {
  /** Line (or Parquet row) of the data file. */
  line: number;
  /** The text. */
  text: string;
  /** The true label. */
  label: string;
  /** The predicted label. */
  predicted: string;
  /** P(predicted). */
  confidence: number;
  /** P(true label). */
  trueLabelProbability: number;
  /** Occlusion attributions towards the predicted label: the drop in P(predicted) when the token is removed. */
  tokens: Array<{ token: string; score: number }>;
}

/** Everything `--report` draws beyond the metrics (also in `--json`). */
export interface EvaluationDetails {
  /** For two labels: the label whose probability is the score of the curves and the threshold table. */
  positiveLabel: string | null;
  /** Per label (binary: the positive label only), one-vs-rest. */
  curves: LabelCurves[];
  /** Mean of the labels' ROC AUCs (one-vs-rest; equals the AUC for two labels), `null` when none is defined. */
  macroRocAuc: number | null;
  /** Top-label calibration: each row's highest probability against whether its label was right. */
  calibration: { bins: CalibrationBin[]; expectedCalibrationError: number; maximumCalibrationError: number };
  /** For two labels: decisions "positiveLabel when P ≥ threshold" at 0.05 … 0.95 (null otherwise). */
  thresholds: ThresholdRow[] | null;
  /** The misclassified rows the model was surest about, most confident first. */
  misclassified: MisclassifiedExample[];
  /** Misclassified rows in all. */
  misclassifiedCount: number;
}

/** Curves are thinned to this many points for display and JSON. */
export const MAX_CURVE_POINTS = 400;

/** What {@link buildEvaluationDetails} reads. */
export interface EvaluationInput {
  /** The model's labels. */
  labels: readonly string[];
  /** True label index per scored row. */
  yTrue: Int32Array;
  /** rows × labels probabilities. */
  probabilities: Float32Array;
  /** The metrics of the same rows. */
  report: ClassificationReport;
  /** Texts and lines of the rows (for the misclassified examples). */
  rows: ReadonlyArray<{ text: string; line: number }>;
  /** How many misclassified examples to keep. */
  worst: number;
  /** Attributions of a text towards a label (the classifier's `explain`). */
  explain: (text: string, label: string) => Promise<Array<{ token: string; score: number }>>;
}

/** Keeps at most `max` evenly spaced items, always the first and the last. */
export function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const out: T[] = [];
  const step = (items.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(items[Math.round(i * step)]!);
  return out;
}

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

function labelCurves(math: MathApi, label: string, outcomes: Uint8Array, scores: Float64Array): LabelCurves {
  let positives = 0;
  for (const y of outcomes) positives += y;
  const curves: LabelCurves = { label, positives, rocAuc: null, averagePrecision: null, roc: [], pr: [] };
  if (positives > 0 && positives < outcomes.length) {
    const roc = math.rocCurve(outcomes, scores);
    curves.rocAuc = roc.auc;
    curves.roc = thin(
      roc.fpr.map((fpr, i) => ({ fpr, tpr: roc.tpr[i]!, threshold: finiteOrNull(roc.thresholds[i]!) })),
      MAX_CURVE_POINTS,
    );
  }
  if (positives > 0) {
    const pr = math.precisionRecallCurve(outcomes, scores);
    curves.averagePrecision = pr.averagePrecision;
    // The end point (recall 0, precision 1) first, then the thresholds from the highest down: recall rises along the list.
    const points = pr.recall.map((recall, i) => ({ recall, precision: pr.precision[i]!, threshold: pr.thresholds[i] ?? null }));
    curves.pr = thin([points.pop()!, ...points], MAX_CURVE_POINTS);
  }
  return curves;
}

/**
 * Curves (one-vs-rest per label; for two labels the second label's), the top-label reliability diagram,
 * the threshold table of a binary model and the `worst` misclassified rows with their attributions.
 *
 * @param math - `@glossa/math`.
 * @param input - Labels, truths, probabilities, texts and how to explain.
 * @returns The details.
 * @example
 * ```ts
 * const details = await buildEvaluationDetails(await loadMath(), { labels, yTrue, probabilities, report, rows, worst: 20, explain });
 * ```
 */
export async function buildEvaluationDetails(math: MathApi, input: EvaluationInput): Promise<EvaluationDetails> {
  const { labels, yTrue, probabilities } = input;
  const k = labels.length;
  const n = yTrue.length;
  const binary = k === 2;
  const curves: LabelCurves[] = [];
  for (let c = binary ? 1 : 0; c < k; c++) {
    const outcomes = Uint8Array.from(yTrue, (y) => (y === c ? 1 : 0));
    const scores = Float64Array.from({ length: n }, (_, r) => probabilities[r * k + c]!);
    curves.push(labelCurves(math, labels[c]!, outcomes, scores));
  }
  const aucs = curves.map((c) => c.rocAuc).filter((a): a is number => a !== null);

  const correct = new Uint8Array(n);
  const confidence = new Float64Array(n);
  const predicted = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const p = math.argmax(probabilities, r * k, k);
    predicted[r] = p;
    // Float32 probabilities can exceed 1 by a rounding error.
    confidence[r] = Math.min(1, Math.max(0, probabilities[r * k + p]!));
    correct[r] = p === yTrue[r] ? 1 : 0;
  }
  const calibration = math.calibrationCurve(correct, confidence, 10);

  const thresholds = binary
    ? math.thresholdTable(
        Uint8Array.from(yTrue, (y) => (y === 1 ? 1 : 0)),
        Float64Array.from({ length: n }, (_, r) => probabilities[r * 2 + 1]!),
      )
    : null;

  const wrong: number[] = [];
  for (let r = 0; r < n; r++) if (correct[r] === 0) wrong.push(r);
  wrong.sort((a, b) => confidence[b]! - confidence[a]! || a - b);
  const misclassified: MisclassifiedExample[] = [];
  for (const r of wrong.slice(0, input.worst)) {
    const row = input.rows[r]!;
    const predictedLabel = labels[predicted[r]!]!;
    misclassified.push({
      line: row.line,
      text: row.text,
      label: labels[yTrue[r]!]!,
      predicted: predictedLabel,
      confidence: confidence[r]!,
      trueLabelProbability: probabilities[r * k + yTrue[r]!]!,
      tokens: await input.explain(row.text, predictedLabel),
    });
  }

  return {
    positiveLabel: binary ? labels[1]! : null,
    curves,
    macroRocAuc: aucs.length > 0 ? aucs.reduce((a, b) => a + b, 0) / aucs.length : null,
    calibration: {
      bins: calibration.bins,
      expectedCalibrationError: calibration.expectedCalibrationError,
      maximumCalibrationError: calibration.maximumCalibrationError,
    },
    thresholds,
    misclassified,
    misclassifiedCount: wrong.length,
  };
}
