export { bundleId } from './bundle-id.js';
export { type CreateServerOptions, createServer, type GlossaServer } from './create-server.js';
export { createServeApp, type ServeApp, type ServeAppOptions } from './create-serve-app.js';
export { describeValidationError, type SchemaProblem } from './describe-validation-error.js';
export { errorBody, type ServeErrorBody } from './error-body.js';
export { createMicroBatcher, type MicroBatcher, type MicroBatcherOptions, type MicroBatcherStats } from './micro-batcher.js';
export {
  checkServeOption,
  DEFAULT_SERVE_BATCHING,
  DEFAULT_SERVE_LIMITS,
  DEFAULT_SERVE_LISTEN,
  resolveServeSettings,
  SERVE_LOG_LEVELS,
  SERVE_OPTION_RANGES,
  type ServeBatching,
  type ServeLimits,
  type ServeListenDefaults,
  type ServeLogLevel,
  type ServeOptionName,
} from './options.js';
export { type GlossaServeOptions, glossaServe } from './plugin.js';
export { loadServeModel, type OpenedServeBundle, openServeBundle, type ServeBundle, type ServeBundleOptions } from './serve-bundle.js';
export {
  createServeController,
  type ServeController,
  type ServeControllerOptions,
  type ServeModel,
  type ServeState,
} from './serve-controller.js';
export { type ShutdownSignals, type ShutdownSignalsOptions, watchShutdownSignals } from './shutdown-signals.js';
