import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  type GradientReply,
  type GradientRequest,
  type GradientWorkers,
  type PortGradientWorkers,
  gradientWorkersOf,
  gradientWorkersOverPorts,
} from '@glossa/model-core';
import { getBackend } from '@tensorflow/tfjs-core';
import { NodeRuntimeError } from './errors.js';
import type { BackendChoice } from './init-backend.js';
import type { TrainingWorkerData, TrainingWorkerStatus } from './internal/pool-protocol.js';
import { parentKernels, workerEntry, workerExecArgv } from './internal/worker-threads.js';

/** Options for {@link createTrainingWorkers}. */
export interface TrainingWorkersOptions {
  /**
   * Threads training uses, this one included, from 1 to 256: `threads − 1` worker threads are started.
   * Default: every core (`os.availableParallelism()`).
   */
  threads?: number;
  /** Backend each worker initialises (see `initBackend`). Default: the backend this thread runs on. */
  backend?: BackendChoice;
}

/** Worker threads for data-parallel training; pass as `FitOptions.gradientWorkers`. */
export interface TrainingWorkers extends GradientWorkers {
  /** Threads training uses, this one included (`size + 1`). */
  readonly threads: number;
  /** Backend the workers run on. */
  readonly backend: string;
  /** Stops the workers; a fit using them fails. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts worker threads that compute part of every training batch's gradient (data-parallel training):
 * with `threads: N`, each batch is cut into N contiguous shards, this thread computes one and N − 1 workers
 * the others, at the same weights; the gradients are summed in shard order and one Adam step follows. The
 * same seed and thread count give the same model (tested); another thread count gives a slightly different
 * model (the same gradient summed in another order, dropout split differently).
 *
 * @param options - See {@link TrainingWorkersOptions}.
 * @returns Started workers; reuse them for several fits and call `close()` when done (they keep the process alive).
 * @throws {@link NodeRuntimeError} `INVALID_OPTION` for a bad thread count, `BACKEND_UNAVAILABLE` when a worker cannot start.
 * @example
 * ```ts
 * const workers = await createTrainingWorkers({ threads: 4 });
 * try {
 *   await classifier.fit(examples, { gradientWorkers: workers });
 * } finally {
 *   await workers.close();
 * }
 * ```
 */
export async function createTrainingWorkers(options: TrainingWorkersOptions = {}): Promise<TrainingWorkers> {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new NodeRuntimeError('INVALID_OPTION', `createTrainingWorkers: threads must be an integer from 1 to 256 (got ${String(threads)}).`);
  }
  const backend = options.backend ?? ((getBackend() as BackendChoice | undefined) || 'auto');
  const data: TrainingWorkerData = { backend, ...parentKernels() };
  const threadsStarted: Worker[] = [];
  let closed = false;
  let ports: PortGradientWorkers | undefined;

  const spawn = (index: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(workerEntry('training-worker'), { workerData: data, execArgv: workerExecArgv() });
      threadsStarted.push(worker);
      let ready = false;
      const onStatus = (status: TrainingWorkerStatus | GradientReply): void => {
        if (ready) return;
        if (status.type === 'ready') {
          ready = true;
          resolve(status.backend);
        } else if (status.type === 'failed') {
          reject(new NodeRuntimeError('BACKEND_UNAVAILABLE', `createTrainingWorkers: a worker could not start (${status.message}).`));
        }
      };
      worker.on('message', onStatus);
      worker.on('error', (error) => {
        const wrapped = new NodeRuntimeError('BACKEND_UNAVAILABLE', `TrainingWorkers: a worker thread failed (${error.message}).`, { cause: error });
        if (!ready) reject(wrapped);
        ports?.fail(index, wrapped);
      });
      worker.on('exit', (code) => {
        if (!ready) reject(new NodeRuntimeError('BACKEND_UNAVAILABLE', `createTrainingWorkers: a worker exited with code ${code} before it was ready.`));
        ports?.fail(
          index,
          closed
            ? new NodeRuntimeError('INVALID_OPTION', 'TrainingWorkers: the workers are closed. Create new ones with createTrainingWorkers().')
            : new NodeRuntimeError('BACKEND_UNAVAILABLE', `TrainingWorkers: a worker thread exited (code ${code}).`),
        );
      });
    });

  let workerBackend = backend as string;
  try {
    const started = await Promise.all(Array.from({ length: threads - 1 }, (_, i) => spawn(i)));
    workerBackend = started[0] ?? workerBackend;
  } catch (error) {
    await Promise.all(threadsStarted.map((w) => w.terminate()));
    throw error;
  }
  const overPorts = gradientWorkersOverPorts(
    threadsStarted.map((worker) => ({
      post: (message: GradientRequest, transfer: ArrayBuffer[]) => worker.postMessage(message, transfer),
      onMessage: (handler: (message: GradientReply) => void) => worker.on('message', handler),
    })),
    'TrainingWorkers',
  );
  ports = overPorts;

  return {
    ...gradientWorkersOf(overPorts),
    threads,
    backend: workerBackend,
    async close() {
      if (closed) return;
      closed = true;
      threadsStarted.forEach((_, i) => {
        overPorts.fail(i, new NodeRuntimeError('INVALID_OPTION', 'TrainingWorkers: the workers are closed. Create new ones with createTrainingWorkers().'));
      });
      await Promise.all(threadsStarted.map((w) => w.terminate()));
    },
  };
}
