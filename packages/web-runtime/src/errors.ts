/**
 * What went wrong in `@glossa/web-runtime`, as a stable machine-readable code.
 *
 * - `INVALID_OPTION`: an option has a wrong value (an unknown backend name, a bad `wasmPaths`).
 * - `BACKEND_UNAVAILABLE`: no backend (or not the requested one) can run the job here.
 * - `VERSION_MISMATCH`: the installed TensorFlow.js packages disagree in version.
 * - `INVALID_KEY`: a storage key is not a safe flat name.
 * - `STORAGE`: IndexedDB failed (quota, private mode, blocked upgrade).
 * - `NOT_FOUND`: no bundle is stored under the given name.
 * - `NOT_LOADED`: the worker has no model yet (train or load one first).
 * - `WORKER_FAILED`: the worker script could not start or a message could not be read.
 * - `WORKER_TERMINATED`: the worker was terminated while a request was pending.
 * - `PROTOCOL`: a message that is not part of the worker protocol.
 */
export type WebRuntimeErrorCode =
  | 'INVALID_OPTION'
  | 'BACKEND_UNAVAILABLE'
  | 'VERSION_MISMATCH'
  | 'INVALID_KEY'
  | 'STORAGE'
  | 'NOT_FOUND'
  | 'NOT_LOADED'
  | 'WORKER_FAILED'
  | 'WORKER_TERMINATED'
  | 'PROTOCOL';

/**
 * Base class of every error thrown by `@glossa/web-runtime` itself (errors of `@glossa/model-core`, such
 * as `BundleError`, pass through unchanged).
 *
 * Messages read "`Where`: what happened (values seen). How to fix."
 *
 * @example
 * ```ts
 * try { await initWebBackend({ backend: 'webgpu' }); }
 * catch (e) { if (e instanceof WebRuntimeError && e.code === 'BACKEND_UNAVAILABLE') await initWebBackend(); }
 * ```
 */
export class WebRuntimeError extends Error {
  override name = 'WebRuntimeError' as const;
  /** Stable code of the failure. */
  readonly code: WebRuntimeErrorCode;

  /**
   * @param code - Stable code of the failure.
   * @param message - Human-readable message: where, what, how to fix.
   * @param options - Optional `cause` (a wrapped foreign error).
   */
  constructor(code: WebRuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
