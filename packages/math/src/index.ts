export type { FloatArray, FloatArrayOf } from './float-array.js';
export { MathError, type MathErrorCode } from './math-error.js';

// Activations
export { sigmoid, sigmoidDerivative } from './sigmoid.js';
export { tanh, tanhDerivative } from './tanh.js';
export { relu, reluDerivative } from './relu.js';
export { logSumExp, logSumExpRows } from './log-sum-exp.js';
export { softmax, softmaxRows, softmaxJacobianVectorProduct } from './softmax.js';
export { logSoftmax, logSoftmaxRows } from './log-softmax.js';

// Losses
export { type CrossentropyOptions, DEFAULT_EPSILON } from './crossentropy-options.js';
export { meanSquaredError, meanSquaredErrorGradient } from './mean-squared-error.js';
export { binaryCrossentropy, binaryCrossentropyGradient } from './binary-crossentropy.js';
export { categoricalCrossentropy, categoricalCrossentropyGradient } from './categorical-crossentropy.js';
export {
  sparseCategoricalCrossentropy,
  sparseCategoricalCrossentropyGradient,
} from './sparse-categorical-crossentropy.js';

// Optimizer update rules
export { type SgdOptions, sgdUpdate, sgdUpdateInPlace } from './sgd-update.js';
export {
  createMomentumState,
  type MomentumOptions,
  type MomentumResult,
  type MomentumState,
  momentumUpdate,
  momentumUpdateInPlace,
} from './momentum-update.js';
export {
  type AdamOptions,
  type AdamResult,
  type AdamState,
  adamUpdate,
  adamUpdateInPlace,
  createAdamState,
} from './adam-update.js';

// Metrics
export { argmax } from './argmax.js';
export { accuracy } from './accuracy.js';
export { confusionMatrix } from './confusion-matrix.js';
export { type PerClassScores, precisionRecallF1 } from './precision-recall-f1.js';
export { logLoss } from './log-loss.js';
export { rocAuc } from './roc-auc.js';
export { type RocCurve, rocCurve } from './roc-curve.js';
export { averagePrecision, type PrecisionRecallCurve, precisionRecallCurve } from './precision-recall-curve.js';
export { type CalibrationBin, type CalibrationCurve, calibrationCurve } from './calibration-curve.js';
export { type ThresholdRow, thresholdTable } from './threshold-table.js';
export {
  type ClassificationReport,
  type ClassificationReportInput,
  classificationReport,
  type LabeledClassScores,
} from './classification-report.js';

// Statistics
export { normalCdf, normalQuantile, normalTwoSidedPValue } from './normal-distribution.js';
export {
  benjaminiHochberg,
  compareProportions,
  type ProportionChange,
  type ProportionInterval,
  wilsonInterval,
} from './proportion-interval.js';

// Randomness and hashing
export { type LbfgsOptions, type LbfgsResult, type Objective, minimizeLbfgs } from './lbfgs.js';
export { createRng, type Rng, type RngState } from './create-rng.js';
export { type Split, trainTestSplit } from './train-test-split.js';
export { stratifiedSplit, stratifiedSplitBy, type StratifiedSplitByOptions } from './stratified-split.js';
export { seedFromString } from './seed-from-string.js';
export { createFingerprint, type Fingerprint, fingerprintStrings } from './fingerprint.js';
export { fmix32 } from './internal/hash.js';
