export { describeWebRuntime } from './describe-web-runtime.js';
export { DEFAULT_PACKAGE_CDN, type FetchBundleOptions, fetchBundle, fetchBundleFiles, loadBundleFromBlob } from './fetch-bundle.js';
export { WebRuntimeError, type WebRuntimeErrorCode } from './errors.js';
export {
  type InitWebBackendOptions,
  type WasmBinaryName,
  type WasmPaths,
  type WebBackendCandidate,
  type WebBackendName,
  type WebBackendReport,
  initWebBackend,
} from './init-web-backend.js';
export { type IndexedDbStoreOptions, createIndexedDbStore } from './create-indexed-db-store.js';
export { saveBundleToStore } from './save-bundle-to-store.js';
export { loadBundleFromStore } from './load-bundle-from-store.js';
export { bundleToBlob } from './bundle-to-blob.js';
export { downloadBundle } from './download-bundle.js';
export { type WorkerScope, serveWorker } from './serve-worker.js';
export { type WebTrainingWorkers, type WebTrainingWorkersOptions, createWebTrainingWorkers, serveGradientWorker } from './create-web-training-workers.js';
export {
  type RemoteError,
  type WorkerClient,
  type WorkerLike,
  type WorkerTrainOptions,
  type WorkerTrainResult,
  createWorkerClient,
} from './create-worker-client.js';
export type { WorkerFitOptions } from './internal/worker-protocol.js';
// model-core's types that this package's own functions take or return, re-exported by name: each is
// defined once, in model-core, and a type of the same name defined here would be a compile error (a
// duplicate export) instead of silently shadowing model-core's. index.test-d.ts checks they are the same.
export type {
  BundleFiles,
  BundleStore,
  Explanation,
  FitResult,
  GradientWorkers,
  LabeledText,
  Prediction,
  TextClassifier,
  TextClassifierOptions,
  TrainingEvent,
} from '@glossa/model-core';
// The rest of the public API of @glossa/model-core, so a page installs one package.
export * from '@glossa/model-core';
