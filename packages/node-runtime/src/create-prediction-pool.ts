import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type BundleFiles, type Prediction, toPredictions } from '@glossa/model-core';
import { NodeRuntimeError } from './errors.js';
import type { BackendChoice } from './init-backend.js';
import { readBundleFiles } from './load-bundle.js';
import type { PoolReply, PoolRequest, PoolWorkerData } from './internal/pool-protocol.js';
import { parentKernels, workerEntry, workerExecArgv } from './internal/worker-threads.js';

/** Options for {@link createPredictionPool}. */
export interface PredictionPoolOptions {
  /** Worker threads, from 1 to 256. Default: every core (`os.availableParallelism()`). */
  threads?: number;
  /** Backend each worker initialises (see `initBackend`). Default `'auto'`. */
  backend?: BackendChoice;
  /** Texts per padded batch inside a worker. Default 256. */
  batchSize?: number;
}

/** Trained classifiers in worker threads, predicting large batches on every core. */
export interface PredictionPool {
  /** Worker threads running. */
  readonly threads: number;
  /** Backend the workers run on. */
  readonly backend: string;
  /** The model's labels, in score order. */
  readonly labels: readonly string[];
  /** Predicts `texts` (split across the workers; order kept), like `TextClassifier.predict`. */
  predict(texts: readonly string[]): Promise<Prediction[]>;
  /** Row-major probabilities `[texts.length, labels.length]`, like `TextClassifier.predictProbabilities`. */
  predictProbabilities(texts: readonly string[]): Promise<Float32Array>;
  /** Stops the workers; pending calls reject. Safe to call twice. */
  close(): Promise<void>;
}

/** Below this many texts per worker a call is not split (the messages would cost more than they save). */
const MIN_TEXTS_PER_WORKER = 64;

interface Pending {
  resolve: (probs: Float32Array) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Texts queued on this worker and not answered yet (for least-loaded dispatch). */
  load: number;
}

function checkThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new NodeRuntimeError('INVALID_OPTION', `createPredictionPool: threads must be an integer from 1 to 256 (got ${threads}).`);
  }
  return threads;
}

/**
 * Starts `threads` worker threads, each loading the bundle and initialising its own backend, for
 * prediction on every core: a call is split into contiguous parts, one per worker, predicted in parallel
 * and joined in order. Each worker gives exactly the scores `loadBundle(path).predict` gives on the same
 * backend (tested). Small calls (under 64 texts per worker) go whole to the least busy worker, so many
 * concurrent small calls also spread over the cores.
 *
 * @param bundle - A bundle directory, a packed `.glossa` file, or bundle files already read.
 * @param options - See {@link PredictionPoolOptions}.
 * @returns A started pool; call `close()` when done (workers keep the process alive).
 * @throws {@link NodeRuntimeError} `INVALID_OPTION` for bad options, `INVALID_PATH` / `STORAGE` when the
 *   bundle cannot be read, `BACKEND_UNAVAILABLE` when a worker cannot start; `BundleError` for an invalid bundle.
 * @example
 * ```ts
 * const pool = await createPredictionPool('sentiment-model');
 * const predictions = await pool.predict(reviews);
 * await pool.close();
 * ```
 */
export async function createPredictionPool(bundle: string | BundleFiles, options: PredictionPoolOptions = {}): Promise<PredictionPool> {
  const threads = checkThreads(options.threads ?? availableParallelism());
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 65_536) {
    throw new NodeRuntimeError('INVALID_OPTION', `createPredictionPool: batchSize must be an integer from 1 to 65536 (got ${batchSize}).`);
  }
  const files = typeof bundle === 'string' ? await readBundleFiles(bundle) : bundle;
  const data: PoolWorkerData = { files, backend: options.backend ?? 'auto', batchSize, ...parentKernels() };
  let closed = false;
  let nextId = 0;
  const workers: PoolWorker[] = [];

  const failAll = (w: PoolWorker, error: Error): void => {
    for (const p of w.pending.values()) p.reject(error);
    w.pending.clear();
  };

  const start = (): Promise<{ labels: string[]; backend: string }> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(workerEntry('prediction-worker'), { workerData: data, execArgv: workerExecArgv() });
      const w: PoolWorker = { worker, pending: new Map(), load: 0 };
      workers.push(w);
      let ready = false;
      worker.on('message', (reply: PoolReply) => {
        if (reply.type === 'ready') {
          ready = true;
          resolve({ labels: reply.labels, backend: reply.backend });
          return;
        }
        if (reply.type === 'failed') {
          reject(new NodeRuntimeError('BACKEND_UNAVAILABLE', `createPredictionPool: a worker could not load the model (${reply.message}).`));
          return;
        }
        const pending = w.pending.get(reply.id);
        if (!pending) return;
        w.pending.delete(reply.id);
        if (reply.type === 'result') pending.resolve(reply.probs);
        else pending.reject(new NodeRuntimeError('INVALID_OPTION', `PredictionPool.predict: ${reply.message}`));
      });
      worker.on('error', (error) => {
        const wrapped = new NodeRuntimeError('BACKEND_UNAVAILABLE', `PredictionPool: a worker thread failed (${error.message}).`, { cause: error });
        if (!ready) reject(wrapped);
        failAll(w, wrapped);
      });
      worker.on('exit', (code) => {
        if (!ready) reject(new NodeRuntimeError('BACKEND_UNAVAILABLE', `createPredictionPool: a worker exited with code ${code} before it was ready.`));
        failAll(
          w,
          new NodeRuntimeError('BACKEND_UNAVAILABLE', `PredictionPool: a worker thread exited (code ${code})${closed ? ' because the pool was closed' : ''}.`),
        );
      });
    });

  let info: { labels: string[]; backend: string };
  try {
    [info] = (await Promise.all(Array.from({ length: threads }, start))) as [{ labels: string[]; backend: string }];
  } catch (error) {
    await Promise.all(workers.map((w) => w.worker.terminate()));
    throw error;
  }
  const labels = info.labels;

  const send = (w: PoolWorker, texts: readonly string[]): Promise<Float32Array> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      w.load += texts.length;
      const done = (): void => {
        w.load -= texts.length;
      };
      w.pending.set(id, {
        resolve: (p) => {
          done();
          resolve(p);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      const request: PoolRequest = { id, texts: texts as string[] };
      w.worker.postMessage(request);
    });

  const predictProbabilities = async (texts: readonly string[]): Promise<Float32Array> => {
    if (closed) throw new NodeRuntimeError('INVALID_OPTION', 'PredictionPool.predict: the pool is closed. Create a new one with createPredictionPool().');
    if (!Array.isArray(texts)) throw new NodeRuntimeError('INVALID_OPTION', `PredictionPool.predict: texts must be an array of strings (got ${typeof texts}).`);
    const k = labels.length;
    const parts = Math.max(1, Math.min(workers.length, Math.floor(texts.length / MIN_TEXTS_PER_WORKER)));
    if (parts === 1) {
      const idle = workers.reduce((a, b) => (b.load < a.load ? b : a));
      return send(idle, texts);
    }
    const size = Math.ceil(texts.length / parts);
    const results = await Promise.all(Array.from({ length: parts }, (_, i) => send(workers[i]!, texts.slice(i * size, (i + 1) * size))));
    const out = new Float32Array(texts.length * k);
    results.forEach((probs, i) => {
      out.set(probs, i * size * k);
    });
    return out;
  };

  return {
    threads,
    backend: info.backend,
    labels,
    predictProbabilities,
    async predict(texts) {
      return toPredictions(labels, await predictProbabilities(texts));
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
