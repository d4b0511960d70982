import type { Explanation, FitResult, LabeledText, Prediction, TextClassifierOptions, TrainingEvent } from '@glossa/model-core';
import { ModelCoreError } from '@glossa/model-core';
import { WebRuntimeError } from './errors.js';
import type { InitWebBackendOptions, WebBackendReport } from './init-web-backend.js';
import {
  PROTOCOL,
  type RemoteError,
  type WorkerFitOptions,
  type WorkerRequest,
  type WorkerResponse,
  deserializeError,
  isProtocolMessage,
} from './internal/worker-protocol.js';

/** What {@link createWorkerClient} needs of a worker: a `Worker` has all of it (in a test, a `MessagePort` shim does). */
export interface WorkerLike {
  /** Posts a message to the worker, transferring `transfer`. */
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** Subscribes to the worker's messages and errors. */
  addEventListener(type: 'message' | 'messageerror' | 'error', listener: (event: Event) => void): void;
  /** Unsubscribes. */
  removeEventListener(type: 'message' | 'messageerror' | 'error', listener: (event: Event) => void): void;
  /** Stops the worker. */
  terminate(): void;
}

/** Options of {@link WorkerClient.train}. */
export interface WorkerTrainOptions {
  /** Architecture and hyperparameters of the new classifier. */
  classifier?: TextClassifierOptions;
  /** Training options (epochs, batch size, validation…); callbacks and signals are the two below. */
  fit?: WorkerFitOptions;
  /** Called in the page with start, epoch and end events, and batch events at most 20 times a second. */
  onProgress?: (event: TrainingEvent) => void;
  /** Aborting stops training after the current batch; `train` then rejects with code `ABORTED`. */
  signal?: AbortSignal;
}

/** What {@link WorkerClient.train} resolves to. */
export interface WorkerTrainResult {
  /** Epochs run, history, validation metrics… as `TextClassifier.fit` returns them. */
  result: FitResult;
  /** The trained model as packed `.glossa` bytes (for IndexedDB, a download, or `loadBundleFromBlob`). */
  bundle: Uint8Array;
}

/**
 * The page's handle on a worker running {@link serveWorker}. Every method returns a promise settled by the
 * worker's answer; a worker error rejects it with an `Error` carrying the worker's `name`, `code` and
 * `message` (e.g. `code === 'ABORTED'` after cancellation, `'NOT_LOADED'` before a model exists).
 */
export interface WorkerClient {
  /** Chooses the worker's backend (default job `'train'`); without it the first request starts one with `'auto'`. */
  init(options?: InitWebBackendOptions): Promise<WebBackendReport>;
  /** Trains a new classifier in the worker; on success it becomes the worker's current model. */
  train(examples: LabeledText[], options?: WorkerTrainOptions): Promise<WorkerTrainResult>;
  /** Makes the packed bundle the worker's current model. */
  load(bundle: Uint8Array): Promise<void>;
  /** Predictions of the current model. */
  predict(texts: string[]): Promise<Prediction[]>;
  /** Per-token attributions of the current model for `text`. */
  explain(text: string, options?: { label?: string }): Promise<Explanation>;
  /** Stops the worker; pending requests reject with code `WORKER_TERMINATED`. */
  terminate(): void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (event: TrainingEvent) => void;
}

type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'protocol' | 'id'> : never) : never;

/**
 * Connects the page to a worker whose script calls {@link serveWorker}, so training and prediction run off
 * the main thread and the page stays responsive.
 *
 * @param worker - The worker, e.g. `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`.
 * @returns A {@link WorkerClient}.
 * @throws Never itself; its methods reject with the worker's errors (see {@link WorkerClient}), with
 *   {@link WebRuntimeError} `WORKER_FAILED` when the worker script fails to load or a message cannot be
 *   read, and `WORKER_TERMINATED` after `terminate()`.
 * @example
 * ```ts
 * const client = createWorkerClient(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }));
 * const controller = new AbortController();
 * const { result, bundle } = await client.train(rows, {
 *   classifier: { architecture: 'bow' },
 *   fit: { epochs: 5 },
 *   onProgress: (e) => { if (e.type === 'epoch') console.log(e.epoch, e.loss, e.valAccuracy); },
 *   signal: controller.signal,
 * });
 * const [prediction] = await client.predict(['what a lovely day']);
 * ```
 */
export function createWorkerClient(worker: WorkerLike): WorkerClient {
  let nextId = 1;
  let terminated = false;
  const pending = new Map<number, Pending>();

  const failAll = (error: WebRuntimeError): void => {
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };

  const onMessage = (event: Event): void => {
    const data: unknown = (event as MessageEvent).data;
    if (!isProtocolMessage(data)) return;
    const response = data as WorkerResponse;
    const entry = pending.get(response.id);
    if (entry === undefined) return;
    if (response.type === 'progress') {
      entry.onProgress?.(response.event);
      return;
    }
    pending.delete(response.id);
    if (response.type === 'result') entry.resolve(response.value);
    else entry.reject(deserializeError(response.error));
  };
  const onMessageError = (): void => {
    failAll(
      new WebRuntimeError(
        'WORKER_FAILED',
        'createWorkerClient: a message from the worker could not be read (structured clone failed). Use the same @glossa/web-runtime version in the page and the worker.',
      ),
    );
  };
  const onError = (event: Event): void => {
    const message = (event as ErrorEvent).message || 'the worker script failed to load or threw at top level';
    event.preventDefault?.();
    failAll(
      new WebRuntimeError('WORKER_FAILED', `createWorkerClient: the worker failed (${message}). Check that the worker script exists and calls serveWorker().`),
    );
  };
  worker.addEventListener('message', onMessage);
  worker.addEventListener('messageerror', onMessageError);
  worker.addEventListener('error', onError);

  function request<T>(
    body: RequestBody,
    options: { transfer?: Transferable[]; onProgress?: (event: TrainingEvent) => void; signal?: AbortSignal } = {},
  ): Promise<T> {
    if (terminated) {
      return Promise.reject(
        new WebRuntimeError('WORKER_TERMINATED', `createWorkerClient.${body.type}: the worker was terminated. Create a new worker and client.`),
      );
    }
    const { signal } = options;
    if (signal?.aborted) {
      return Promise.reject(new ModelCoreError('ABORTED', `createWorkerClient.${body.type}: cancelled before it started.`));
    }
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => worker.postMessage({ protocol: PROTOCOL, id, type: 'cancel' } satisfies WorkerRequest, []);
      const settle = (): void => signal?.removeEventListener('abort', onAbort);
      pending.set(id, {
        resolve: (value) => {
          settle();
          resolve(value as T);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        worker.postMessage({ protocol: PROTOCOL, id, ...body }, options.transfer ?? []);
      } catch (cause) {
        pending.delete(id);
        settle();
        reject(
          new WebRuntimeError(
            'WORKER_FAILED',
            `createWorkerClient.${body.type}: the request could not be sent (${(cause as Error).message}). Pass plain data (strings, numbers, arrays, objects).`,
            { cause },
          ),
        );
      }
    });
  }

  return {
    init(options = {}) {
      const { requiredKernels, ...rest } = options;
      return request<WebBackendReport>({ type: 'init', options: { ...rest, ...(requiredKernels ? { requiredKernels: [...requiredKernels] } : {}) } });
    },
    train(examples, options = {}) {
      return request<WorkerTrainResult>(
        { type: 'train', examples, ...(options.classifier ? { classifier: options.classifier } : {}), ...(options.fit ? { fit: options.fit } : {}) },
        { ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.signal ? { signal: options.signal } : {}) },
      );
    },
    async load(bundle) {
      // Send a copy (transferred), so the caller's bytes stay usable.
      const copy = bundle.slice();
      await request<void>({ type: 'load', bundle: copy }, { transfer: [copy.buffer] });
    },
    predict(texts) {
      return request<Prediction[]>({ type: 'predict', texts });
    },
    explain(text, options) {
      return request<Explanation>({ type: 'explain', text, ...(options ? { options } : {}) });
    },
    terminate() {
      if (terminated) return;
      terminated = true;
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('messageerror', onMessageError);
      worker.removeEventListener('error', onError);
      worker.terminate();
      failAll(new WebRuntimeError('WORKER_TERMINATED', 'createWorkerClient: the worker was terminated while this request was pending.'));
    },
  };
}

export type { RemoteError };
