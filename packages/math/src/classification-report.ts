import { accuracy } from './accuracy.js';
import { argmax } from './argmax.js';
import { confusionMatrix } from './confusion-matrix.js';
import { assertNonEmpty, classIndexAt, rowCount } from './internal/validate.js';
import { logLoss } from './log-loss.js';
import { MathError } from './math-error.js';
import { type PerClassScores, precisionRecallF1 } from './precision-recall-f1.js';
import { rocAuc } from './roc-auc.js';

/**
 * Input of {@link classificationReport}.
 *
 * @example
 * ```ts
 * import type { ClassificationReportInput } from '@glossa/math';
 *
 * const input: ClassificationReportInput = { yTrue: [0, 1], probabilities: [0.8, 0.2, 0.3, 0.7], labels: ['neg', 'pos'] };
 * ```
 */
export interface ClassificationReportInput {
  /** n true class indices in [0, labels.length). */
  yTrue: ArrayLike<number>;
  /** n×k predicted probabilities, row-major, k = labels.length. */
  probabilities: ArrayLike<number>;
  /** Class names, index i naming class i. */
  labels: readonly string[];
}

/**
 * {@link PerClassScores} with the class name attached.
 *
 * @example
 * ```ts
 * import type { LabeledClassScores } from '@glossa/math';
 *
 * const row: LabeledClassScores = { label: 'pos', precision: 1, recall: 0.5, f1: 2 / 3, support: 2 };
 * ```
 */
export interface LabeledClassScores extends PerClassScores {
  /** The class name. */
  label: string;
}

/**
 * Everything needed to judge a classifier on a labelled set; see {@link classificationReport}.
 *
 * @example
 * ```ts
 * import { type ClassificationReport, classificationReport } from '@glossa/math';
 *
 * const report: ClassificationReport = classificationReport({
 *   yTrue: [0, 1],
 *   probabilities: [0.8, 0.2, 0.3, 0.7],
 *   labels: ['neg', 'pos'],
 * });
 * ```
 */
export interface ClassificationReport {
  /** Number of items. */
  n: number;
  /** Class names (a copy of the input labels). */
  labels: string[];
  /** Fraction of items whose argmax prediction equals the true class. */
  accuracy: number;
  /** Unweighted mean of per-class precision over all labels. */
  macroPrecision: number;
  /** Unweighted mean of per-class recall over all labels. */
  macroRecall: number;
  /** Unweighted mean of per-class F1 over all labels. */
  macroF1: number;
  /** Mean of per-class F1 weighted by support. */
  weightedF1: number;
  /** {@link logLoss} of the probabilities. */
  logLoss: number;
  /** ROC AUC of the class-1 probability; only for two labels with both classes present in yTrue. */
  rocAuc?: number;
  /** Scores per class, in label order. */
  perClass: LabeledClassScores[];
  /** k×k confusion matrix, rows = true class, columns = predicted class. */
  confusionMatrix: number[][];
}

/**
 * Builds a {@link ClassificationReport} from true labels and predicted probabilities: predictions are the
 * argmax of each row; per-class and macro/weighted precision, recall and F1 use sklearn's
 * `zero_division=0` convention; macro averages run over every label, including labels absent from the
 * data. `rocAuc` is present only for binary problems where both classes occur in `yTrue`.
 *
 * @param input - see {@link ClassificationReportInput}.
 * @returns the report.
 * @throws {@link MathError} `EMPTY_INPUT` for no items or no labels; `SHAPE_MISMATCH` when
 * `probabilities.length ≠ yTrue.length·labels.length`; `INVALID_ARGUMENT` for a label index out of range
 * or a probability row that does not sum to a positive number.
 * @example
 * ```ts
 * import { classificationReport } from '@glossa/math';
 *
 * const report = classificationReport({
 *   yTrue: [0, 1, 1],
 *   probabilities: [0.9, 0.1, 0.4, 0.6, 0.7, 0.3],
 *   labels: ['negative', 'positive'],
 * });
 * report.accuracy; // 2/3
 * report.rocAuc; // 1
 * ```
 */
export function classificationReport(input: ClassificationReportInput): ClassificationReport {
  const where = 'classificationReport';
  const { yTrue, probabilities, labels } = input;
  assertNonEmpty(where, 'labels', labels);
  assertNonEmpty(where, 'yTrue', yTrue);
  const k = labels.length;
  const n = rowCount(where, 'probabilities', probabilities, k, 'labels.length');
  if (n !== yTrue.length) {
    throw new MathError('SHAPE_MISMATCH', `${where}: probabilities holds ${n} rows of ${k} but yTrue holds ${yTrue.length} labels. Pass one row per item.`);
  }
  for (let r = 0; r < n; r++) classIndexAt(where, 'yTrue', yTrue, r, k);
  const yPred = new Int32Array(n);
  for (let r = 0; r < n; r++) yPred[r] = argmax(probabilities, r * k, k);
  const matrix = confusionMatrix(yTrue, yPred, k);
  const scores = precisionRecallF1(matrix);
  let macroPrecision = 0;
  let macroRecall = 0;
  let macroF1 = 0;
  let weightedF1 = 0;
  for (const s of scores) {
    macroPrecision += s.precision / k;
    macroRecall += s.recall / k;
    macroF1 += s.f1 / k;
    weightedF1 += (s.f1 * s.support) / n;
  }
  const report: ClassificationReport = {
    n,
    labels: [...labels],
    accuracy: accuracy(yTrue, yPred),
    macroPrecision,
    macroRecall,
    macroF1,
    weightedF1,
    logLoss: logLoss(yTrue, probabilities, k),
    perClass: scores.map((s, i) => ({ label: labels[i]!, ...s })),
    confusionMatrix: matrix,
  };
  if (k === 2 && scores[0]!.support > 0 && scores[1]!.support > 0) {
    const positiveScores = new Float64Array(n);
    for (let r = 0; r < n; r++) positiveScores[r] = probabilities[r * 2 + 1]!;
    report.rocAuc = rocAuc(yTrue, positiveScores);
  }
  return report;
}
