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
export type { BundleStore } from './bundle-store.js';
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
// The whole public API of @glossa/model-core, so a page installs one package.
export * from '@glossa/model-core';
