export type { FloatArrayOf } from './float-array.js';
export { MathError, type MathErrorCode } from './math-error.js';

// Activations
export { sigmoid } from './sigmoid.js';
export { softmaxRows } from './softmax.js';

// Metrics
export { argmax } from './argmax.js';
export { accuracy } from './accuracy.js';
export { confusionMatrix } from './confusion-matrix.js';
export { type PerClassScores, precisionRecallF1 } from './precision-recall-f1.js';
export { logLoss } from './log-loss.js';
export { rocAuc } from './roc-auc.js';
export { type RocCurve, rocCurve } from './roc-curve.js';
export { type PrecisionRecallCurve, precisionRecallCurve } from './precision-recall-curve.js';
export { type CalibrationBin, type CalibrationCurve, calibrationCurve } from './calibration-curve.js';
export { type ThresholdRow, thresholdTable } from './threshold-table.js';
export {
  type ClassificationReport,
  type ClassificationReportInput,
  classificationReport,
  type LabeledClassScores,
} from './classification-report.js';

// Statistics
export { normalQuantile, normalTwoSidedPValue } from './normal-distribution.js';
export {
  benjaminiHochberg,
  compareProportions,
  type ProportionChange,
  type ProportionInterval,
  wilsonInterval,
} from './proportion-interval.js';

// Optimisation
export { type LbfgsOptions, type LbfgsResult, type Objective, minimizeLbfgs } from './lbfgs.js';

// Randomness and hashing
export { createRng, type Rng, type RngState } from './create-rng.js';
export { type Split, stratifiedSplit, stratifiedSplitBy, type StratifiedSplitByOptions } from './stratified-split.js';
export { fmix32, seedFromString } from './seed-from-string.js';
