import {
  ModelCoreError,
  type TextClassifier,
  type TrainingEvent,
  createTextClassifier,
  deserializeBundle,
  packBundle,
  serializeBundle,
  unpackBundle,
} from '@glossa/model-core';
import { WebRuntimeError } from './errors.js';
import { type WebBackendReport, initWebBackend } from './init-web-backend.js';
import { createThrottle } from './internal/throttle.js';
import { PROTOCOL, type WorkerRequest, type WorkerResponse, isProtocolMessage, serializeError } from './internal/worker-protocol.js';

/**
 * What {@link serveWorker} needs of its global scope: a dedicated worker's `self` has both members (in a
 * test, a `MessagePort` does too).
 */
export interface WorkerScope {
  /** Posts a message to the page, transferring `transfer`. */
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** Subscribes to the page's messages. */
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** Batch progress events are posted at most this often (≤ 20 per second); other events always. */
const BATCH_EVENT_INTERVAL_MS = 50;

/**
 * Serves training and prediction requests from a page's {@link createWorkerClient}. Call it once at the
 * top of a module worker script; the page creates the worker with
 * `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`, which every bundler
 * (Vite, webpack 5, Rollup, esbuild) understands.
 *
 * The worker keeps one current model: the last one trained or loaded. Training posts progress events
 * (batch events throttled to at most 20 per second; start, epoch and end events always), stops after the
 * current batch when the page cancels, and returns the `FitResult` with the packed bundle bytes
 * (transferred, not copied). The first request that needs a backend starts one with
 * `initWebBackend({ job: 'train' })` unless the page called `init` first. Errors go back to the page as
 * `{ name, code, message }`.
 *
 * @param scope - The worker's global scope. Default `globalThis` (`self`).
 * @throws {@link WebRuntimeError} `INVALID_OPTION` when `scope` cannot post or receive messages (not in a worker).
 * @example
 * ```ts
 * // worker.ts
 * import { serveWorker } from '@glossa/web-runtime';
 * serveWorker();
 * ```
 */
export function serveWorker(scope?: WorkerScope): void {
  const target = scope ?? (globalThis as unknown as Partial<WorkerScope>);
  if (typeof target.postMessage !== 'function' || typeof target.addEventListener !== 'function') {
    throw new WebRuntimeError(
      'INVALID_OPTION',
      'serveWorker: this scope cannot post and receive messages. Call serveWorker() inside a Web Worker script, or pass a scope.',
    );
  }
  const port = target as WorkerScope;
  let current: TextClassifier | undefined;
  let backend: Promise<WebBackendReport> | undefined;
  const trainings = new Map<number, AbortController>();

  const post = (message: WorkerResponse, transfer: Transferable[] = []): void => port.postMessage(message, transfer);
  const ensureBackend = (): Promise<WebBackendReport> => {
    backend ??= initWebBackend({ job: 'train' }).catch((error: unknown) => {
      backend = undefined;
      throw error;
    });
    return backend;
  };
  const model = (where: string): TextClassifier => {
    if (current === undefined) {
      throw new WebRuntimeError('NOT_LOADED', `${where}: the worker has no model yet. Call train or load first.`);
    }
    return current;
  };
  const replaceModel = (next: TextClassifier): void => {
    const previous = current;
    current = next;
    if (previous !== undefined && previous !== next) previous.dispose();
  };

  type TrainRequest = Extract<WorkerRequest, { type: 'train' }>;

  async function train({ id, examples, classifier: classifierOptions, fit = {} }: TrainRequest): Promise<{ value: unknown; transfer: Transferable[] }> {
    await ensureBackend();
    const controller = new AbortController();
    trainings.set(id, controller);
    const classifier = createTextClassifier(classifierOptions);
    const batchGate = createThrottle(BATCH_EVENT_INTERVAL_MS);
    const onProgress = (event: TrainingEvent): void => {
      if (event.type === 'batch' && !batchGate()) return;
      post({ protocol: PROTOCOL, id, type: 'progress', event });
    };
    try {
      const result = await classifier.fit(examples, { ...fit, onProgress, signal: controller.signal });
      const packed = packBundle(await serializeBundle(classifier));
      // Transfer exactly the bundle's bytes (a view of a larger buffer would transfer all of it).
      const bundle = packed.byteOffset === 0 && packed.byteLength === packed.buffer.byteLength ? packed : packed.slice();
      replaceModel(classifier);
      return { value: { result, bundle }, transfer: [bundle.buffer as ArrayBuffer] };
    } catch (error) {
      classifier.dispose();
      throw error;
    } finally {
      trainings.delete(id);
    }
  }

  async function handle(request: WorkerRequest): Promise<{ value: unknown; transfer?: Transferable[] }> {
    switch (request.type) {
      case 'init': {
        const report = await initWebBackend({ job: 'train', ...request.options });
        backend = Promise.resolve(report);
        return { value: report };
      }
      case 'train':
        return train(request);
      case 'load': {
        await ensureBackend();
        replaceModel(await deserializeBundle(unpackBundle(request.bundle)));
        return { value: undefined };
      }
      case 'predict':
        await ensureBackend();
        return { value: await model('predict').predict(request.texts) };
      case 'explain':
        await ensureBackend();
        return { value: await model('explain').explain(request.text, request.options) };
      default:
        throw new WebRuntimeError(
          'PROTOCOL',
          `serveWorker: unknown request type ${JSON.stringify((request as { type: unknown }).type)}. Use createWorkerClient from the same version of @glossa/web-runtime.`,
        );
    }
  }

  port.addEventListener('message', (event: MessageEvent) => {
    const data: unknown = event.data;
    if (!isProtocolMessage(data)) return;
    const request = data as WorkerRequest;
    if (request.type === 'cancel') {
      trainings.get(request.id)?.abort(new ModelCoreError('ABORTED', 'train: cancelled by the page.'));
      return;
    }
    handle(request).then(
      ({ value, transfer }) => post({ protocol: PROTOCOL, id: request.id, type: 'result', value }, transfer),
      (error: unknown) => post({ protocol: PROTOCOL, id: request.id, type: 'error', error: serializeError(error) }),
    );
  });
}
