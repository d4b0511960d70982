export { BundleError, ModelCoreError, type ModelCoreErrorCode } from './errors.js';
export {
  type Architecture,
  DEFAULT_CLASSIFIER_OPTIONS,
  DEFAULT_FIT_OPTIONS,
  FIT_OPTION_RANGES,
  INITIAL_STATES,
  isCharNgrams,
  OPTION_RANGES,
  type OptionRange,
  type ResolvedClassifierOptions,
  type TextClassifierOptions,
  TOKENIZERS,
  type TokenizerType,
  TRUNCATING_SIDES,
  checkNumber,
  resolveClassifierOptions,
} from './options.js';
export type {
  EpochLog,
  EvaluationReport,
  Explanation,
  FitOptions,
  FitResult,
  LabeledText,
  PortfolioCandidate,
  PortfolioReport,
  Prediction,
  PretrainedCoverage,
  PretrainedEmbeddings,
  TokenAttribution,
  TrainingEvent,
} from './types.js';
export { type TextClassifier, type TrainingInfo, createTextClassifier } from './text-classifier.js';
export { toPredictions } from './predictions.js';
export {
  BUNDLE_FILE_NAMES,
  BUNDLE_FORMAT_VERSION,
  type BundleFiles,
  bundleFileNames,
  type BundleManifest,
  createManifest,
  deserializeBundle,
  INT8_MIN_TENSOR_VALUES,
  QUANTIZATION_DTYPES,
  QUANTIZED_BUNDLE_FORMAT_VERSION,
  type QuantizationDtype,
  type QuantizeBundleOptions,
  quantizationOf,
  quantizeBundle,
  readManifest,
  serializeBundle,
  validateManifest,
} from './bundle.js';
export {
  CHECKPOINT_FILE_NAMES,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointFitSettings,
  type CheckpointOptimizerState,
  type CheckpointTensor,
  deserializeCheckpoint,
  serializeCheckpoint,
  type TrainingCheckpoint,
} from './checkpoint.js';
export type { BundleStore } from './bundle-store.js';
export { type ModelPackageSpec, modelPackageBundle, parseModelPackageSpec } from './model-package.js';
export { isPackedBundle, packBundle, unpackBundle } from './pack.js';
export { requiredKernels, type Job } from './required-kernels.js';
export { registerGlossaKernels } from './kernels.js';
export { registerGlossaLayers } from './layers.js';
export {
  FUSED_ADAM_FLAG,
  FUSED_RECURRENCES_FLAG,
  RELAXED_SIMD_FLAG,
  registerGlossaFlags,
  relaxedSimdSupported,
  setFusedAdam,
  setFusedLstm,
  setRelaxedSimd,
  setWasmKernels,
  usesFusedAdam,
  usesFusedLstm,
  usesRelaxedSimd,
  usesWasmKernels,
  WASM_KERNELS_FLAG,
} from './flags.js';
export { MODEL_CORE_VERSION } from './version.js';
// The extension → data format table (text-preprocessing's), for the runtimes and the pages that read data files.
export { DATA_FORMATS, type DataFormat, formatFromExtension } from '@glossa/text-preprocessing';
export {
  COMMON_ENCODINGS,
  type CommonEncoding,
  ENCODING_OPTION,
  type EncodingControl,
  resolveEncoding,
  sniffByteOrderMark,
  StrictTextDecoder,
  type StrictTextDecoderOptions,
  type UndecodableText,
  UndecodableTextError,
  undecodableTextMessage,
  unknownEncodingMessage,
} from './text-encoding.js';
export {
  ARCHITECTURE_REGISTRY,
  ARCHITECTURE_SPECIFIC_OPTIONS,
  ARCHITECTURES,
  type ArchitectureInfo,
  type ArchitectureKind,
  type ArchitectureSpecificOption,
  architecturesWhere,
  listNames,
  NEURAL_ARCHITECTURES,
} from './architectures/registry.js';
export { AUTO_BUDGET_SECONDS } from './architectures/auto/auto-classifier.js';
export { AUTO_CHAR_NGRAM_BUDGET, NGRAM_LAMBDA_FLOOR, NGRAM_LAMBDA_GRID } from './architectures/ngram/ngram-classifier.js';
export {
  type GradientReplica,
  type GradientReplicaInit,
  type GradientShard,
  type GradientWorkers,
  type ShardGradients,
  createGradientReplica,
  shardRanges,
  sumShards,
} from './data-parallel.js';
export {
  type GradientPort,
  type GradientReply,
  type GradientRequest,
  type PortGradientWorkers,
  gradientWorkersOf,
  gradientWorkersOverPorts,
  serveGradientReplica,
} from './gradient-ports.js';
