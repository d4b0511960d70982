import {
  type GradientReply,
  type GradientRequest,
  type GradientWorkers,
  type PortGradientWorkers,
  gradientWorkersOf,
  gradientWorkersOverPorts,
  serveGradientReplica,
} from '@glossa/model-core';
import { getBackend } from '@tensorflow/tfjs-core';
import { WebRuntimeError } from './errors.js';
import { type WasmPaths, type WebBackendName, initWebBackend } from './init-web-backend.js';
import type { WorkerScope } from './serve-worker.js';

/** Options of {@link createWebTrainingWorkers}. */
export interface WebTrainingWorkersOptions {
  /**
   * Starts one gradient worker: a module Worker whose script calls {@link serveGradientWorker}, e.g.
   * `() => new Worker(new URL('./gradient-worker.ts', import.meta.url), { type: 'module' })` (bundlers
   * see the URL and build the script).
   */
  spawn: () => Worker;
  /** Threads training uses, this one included, 1–64: `threads − 1` workers. Default `navigator.hardwareConcurrency`. */
  threads?: number;
  /** Backend the workers start. Default: the backend this thread runs on (`cpu` when none has started). */
  backend?: WebBackendName;
  /** Where the wasm binaries are served, for workers on `wasm` (absolute URLs). */
  wasmPaths?: WasmPaths;
}

/** Web Workers for data-parallel training; pass as `FitOptions.gradientWorkers`. */
export interface WebTrainingWorkers extends GradientWorkers {
  /** Threads training uses, this one included (`size + 1`). */
  readonly threads: number;
  /** Backend the workers run on. */
  readonly backend: string;
  /** Terminates the workers; a fit using them fails. Safe to call twice. */
  terminate(): void;
}

/** The first message to a gradient worker: which backend to start. */
interface GradientWorkerSetup {
  type: 'glossa-gradient-setup';
  backend: WebBackendName;
  wasmPaths?: WasmPaths;
}

/** A gradient worker's answer to its setup. */
type GradientWorkerStatus = { type: 'glossa-gradient-ready'; backend: string } | { type: 'glossa-gradient-failed'; message: string };

/**
 * Starts Web Workers that compute part of every training batch's gradient, for `fit` in a page or in a
 * worker (data-parallel training: each batch is cut into `threads` contiguous shards, this thread computes
 * one, each worker another at the same weights, and the gradients are summed in shard order). Plain
 * messages with transferred buffers: no `SharedArrayBuffer`, so no cross-origin isolation is needed. The
 * same seed and thread count give the same model.
 *
 * @param options - See {@link WebTrainingWorkersOptions}.
 * @returns Started workers; reuse them for several fits and `terminate()` them when done.
 * @throws {@link WebRuntimeError} `INVALID_OPTION` for a bad thread count or no `spawn`, `WORKER_FAILED` when a worker cannot start its backend.
 * @example
 * ```ts
 * const workers = await createWebTrainingWorkers({
 *   spawn: () => new Worker(new URL('./gradient-worker.ts', import.meta.url), { type: 'module' }),
 *   wasmPaths,
 * });
 * await classifier.fit(examples, { gradientWorkers: workers });
 * workers.terminate();
 * ```
 */
export async function createWebTrainingWorkers(options: WebTrainingWorkersOptions): Promise<WebTrainingWorkers> {
  if (typeof options?.spawn !== 'function') {
    throw new WebRuntimeError(
      'INVALID_OPTION',
      'createWebTrainingWorkers: spawn must be a function returning a Worker whose script calls serveGradientWorker().',
    );
  }
  const threads = options.threads ?? Math.max(1, Math.min(64, globalThis.navigator?.hardwareConcurrency ?? 1));
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new WebRuntimeError('INVALID_OPTION', `createWebTrainingWorkers: threads must be an integer from 1 to 64 (got ${String(threads)}).`);
  }
  const backend = options.backend ?? (((getBackend() as string | undefined) || 'cpu') as WebBackendName);
  const workers: Worker[] = [];
  let ports: PortGradientWorkers | undefined;
  let terminated = false;
  const start = (index: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const worker = options.spawn();
      workers.push(worker);
      let ready = false;
      worker.addEventListener('message', (event: MessageEvent) => {
        const status = event.data as GradientWorkerStatus | GradientReply;
        if (ready) return;
        if (status.type === 'glossa-gradient-ready') {
          ready = true;
          resolve(status.backend);
        } else if (status.type === 'glossa-gradient-failed') {
          reject(new WebRuntimeError('WORKER_FAILED', `createWebTrainingWorkers: a worker could not start the ${backend} backend (${status.message}).`));
        }
      });
      worker.addEventListener('error', (event: ErrorEvent) => {
        const error = new WebRuntimeError('WORKER_FAILED', `WebTrainingWorkers: a worker failed (${event.message || 'its script did not load'}).`);
        if (!ready) reject(error);
        ports?.fail(index, error);
      });
      const setup: GradientWorkerSetup = {
        type: 'glossa-gradient-setup',
        backend,
        ...(options.wasmPaths !== undefined ? { wasmPaths: options.wasmPaths } : {}),
      };
      worker.postMessage(setup);
    });
  let workerBackend: string = backend;
  try {
    const started = await Promise.all(Array.from({ length: threads - 1 }, (_, i) => start(i)));
    workerBackend = started[0] ?? workerBackend;
  } catch (error) {
    for (const w of workers) w.terminate();
    throw error;
  }
  const overPorts = gradientWorkersOverPorts(
    workers.map((worker) => ({
      post: (message: GradientRequest, transfer: ArrayBuffer[]) => worker.postMessage(message, transfer),
      onMessage: (handler: (message: GradientReply) => void) =>
        worker.addEventListener('message', (event: MessageEvent) => handler(event.data as GradientReply)),
    })),
    'WebTrainingWorkers',
  );
  ports = overPorts;
  return {
    ...gradientWorkersOf(overPorts),
    threads,
    backend: workerBackend,
    terminate() {
      if (terminated) return;
      terminated = true;
      workers.forEach((w, i) => {
        overPorts.fail(
          i,
          new WebRuntimeError('WORKER_TERMINATED', 'WebTrainingWorkers: the workers were terminated. Create new ones with createWebTrainingWorkers().'),
        );
        w.terminate();
      });
    },
  };
}

/**
 * Serves a training thread's gradient requests inside a Web Worker started by
 * {@link createWebTrainingWorkers}: starts the backend it is told to, then computes shard gradients on a
 * replica of the model. Call it once at the top of the worker script.
 *
 * @param scope - The worker's global scope. Default `globalThis` (`self`).
 * @throws {@link WebRuntimeError} `INVALID_OPTION` when `scope` cannot post or receive messages (not in a worker).
 * @example
 * ```ts
 * // gradient-worker.ts
 * import { serveGradientWorker } from '@glossa/web-runtime';
 * serveGradientWorker();
 * ```
 */
export function serveGradientWorker(scope?: WorkerScope): void {
  const target = scope ?? (globalThis as unknown as Partial<WorkerScope>);
  if (typeof target.postMessage !== 'function' || typeof target.addEventListener !== 'function') {
    throw new WebRuntimeError(
      'INVALID_OPTION',
      'serveGradientWorker: this scope cannot post and receive messages. Call serveGradientWorker() inside a Web Worker script.',
    );
  }
  const port = target as WorkerScope;
  let handler: ((message: GradientRequest) => void) | undefined;
  let setUp = false;
  port.addEventListener('message', (event: MessageEvent) => {
    const message = event.data as GradientWorkerSetup | GradientRequest;
    if (message.type === 'glossa-gradient-setup') {
      if (setUp) return;
      setUp = true;
      initWebBackend({ backend: message.backend, job: 'train', ...(message.wasmPaths !== undefined ? { wasmPaths: message.wasmPaths } : {}) }).then(
        (report) => {
          serveGradientReplica({ post: (m: GradientReply, transfer: ArrayBuffer[]) => port.postMessage(m, transfer), onMessage: (h) => (handler = h) });
          port.postMessage({ type: 'glossa-gradient-ready', backend: report.backend } satisfies GradientWorkerStatus, []);
        },
        (error: unknown) =>
          port.postMessage(
            { type: 'glossa-gradient-failed', message: error instanceof Error ? error.message : String(error) } satisfies GradientWorkerStatus,
            [],
          ),
      );
      return;
    }
    handler?.(message);
  });
}
