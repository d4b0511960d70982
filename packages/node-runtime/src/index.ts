export { type AtomicWriteStream, openAtomicWriteStream } from './atomic-write-stream.js';
export { type CheckpointStore, type CheckpointStoreOptions, createCheckpointStore } from './checkpoint-store.js';
export { checkTfjsVersions, loadedTfjsVersions, type TfjsVersions } from './check-tfjs-versions.js';
export { createFileStore } from './create-file-store.js';
export { type PredictionPool, type PredictionPoolOptions, createPredictionPool } from './create-prediction-pool.js';
export { type TrainingWorkers, type TrainingWorkersOptions, createTrainingWorkers } from './create-training-workers.js';
export type { DataProblem, DataProblemKind } from './data-problem.js';
export { enableRelaxedSimd } from './enable-relaxed-simd.js';
export { DATA_FORMATS, type DataFormat, detectFormat, formatFromExtension, recordPlace } from './detect-format.js';
export {
  DataError,
  type DataErrorCode,
  type DataErrorLocation,
  NodeRuntimeError,
  type NodeRuntimeErrorCode,
} from './errors.js';
export {
  type BackendCandidate,
  type BackendChoice,
  type BackendJob,
  type BackendName,
  type BackendReport,
  type InitBackendOptions,
  initBackend,
} from './init-backend.js';
export { type ListBackendsOptions, listBackends } from './list-backends.js';
export { type LoadBundleFilesOptions, loadBundleFiles } from './load-bundle-files.js';
export { type LabeledTexts, type LoadLabeledTextsOptions, loadLabeledTexts } from './load-labeled-texts.js';
export { type Logger, silentLogger } from './logger.js';
export {
  createParquetPredictionWriter,
  PARQUET_COMPRESSIONS,
  type ParquetCompression,
  type ParquetPredictionWriter,
  type ParquetPredictionWriterOptions,
  type PredictionRecord,
} from './parquet-prediction-writer.js';
export { type LabeledRecord, readLabeledTexts } from './read-labeled-texts.js';
export { type DataRecord, type ReadRecordsOptions, readRecords } from './read-records.js';
export { type InputText, type TextRecord, readTextRecords, readTexts } from './read-texts.js';
export {
  type ReadWordVectorsOptions,
  readWordVectors,
  readWordVectorsHeader,
  type WordVectors,
  type WordVectorsFormat,
  type WordVectorsHeader,
} from './read-word-vectors.js';
export { type SaveRecovery, recoverInterruptedSave } from './recover-interrupted-save.js';
export { resolveBundlePath } from './resolve-bundle-path.js';
export { type SaveBundleFilesOptions, saveBundleFiles } from './save-bundle-files.js';
export { PACKED_BUNDLE_EXTENSION, isPackedBundlePath, saveBundle } from './save-bundle.js';
export { loadBundle, readBundleFiles } from './load-bundle.js';
// model-core's types that this package's own functions take or return, re-exported by name: each is
// defined once, in model-core, and a type of the same name defined here would be a compile error (a
// duplicate export) instead of silently shadowing model-core's. index.test-d.ts checks they are the same.
export type {
  BundleFiles,
  BundleStore,
  FitResult,
  GradientWorkers,
  LabeledText,
  Prediction,
  TextClassifier,
  TextClassifierOptions,
  TrainingCheckpoint,
} from '@glossa/model-core';
// The rest of the public API of @glossa/model-core, so an application installs one package.
export * from '@glossa/model-core';
