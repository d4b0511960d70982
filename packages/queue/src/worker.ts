import { setImmediate as nextTurn } from 'node:timers/promises';
import { type BundleFiles, deserializeBundle, type Prediction, unpackBundle } from '@glossa/model-core';
import { type BackendChoice, createPredictionPool, initBackend } from '@glossa/node-runtime';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { decodeChunkInput, encodeChunkOutput } from './chunks.js';
import { bundleKey, DEFAULT_PREFIX, jobKeys, openRedis, type QueueConnection, SCORING_QUEUE } from './connection.js';
import { quit, sha256Hex } from './submit.js';

/** What a chunk's BullMQ job carries (the records themselves are in Redis under the job's keys). */
export interface ChunkJobData {
  job: string;
  chunk: number;
  bundle: string;
  batchSize: number;
}

/** One scored chunk, for progress output. */
export interface ChunkDone {
  job: string;
  chunk: number;
  records: number;
  /** Milliseconds spent scoring it. */
  ms: number;
  /** False when another worker had already stored this chunk's predictions (they were kept, these dropped). */
  stored: boolean;
}

/** Options of {@link startScoringWorker}. */
export interface ScoringWorkerOptions {
  /** Chunks scored at once; above 1 each on its own worker thread. Default 1 (one core). */
  concurrency?: number;
  /** Backend (see `initBackend`). Default `'auto'`. */
  backend?: BackendChoice;
  /**
   * Seconds without a sign of life after which a worker's chunk goes to another worker (a killed or frozen
   * worker). Default 30.
   */
  stallTimeoutSeconds?: number;
  /** Called when scoring of a chunk starts (after its records are read). */
  onChunkStart?: (start: { job: string; chunk: number; records: number }) => void;
  /** Called after each chunk is scored. */
  onChunk?: (done: ChunkDone) => void;
  /** Called when a chunk fails an attempt (it is retried until its attempts are spent). */
  onFailure?: (failure: { job: string; chunk: number; attempt: number; attempts: number; reason: string }) => void;
}

/** A running worker. */
export interface ScoringWorker {
  /** Stops taking chunks, lets the ones in hand finish (their predictions are stored), then disconnects. */
  close(): Promise<void>;
}

/** Texts per prediction call inside a chunk (16 padded batches, as `glossa predict`): bounds memory, lets lock renewals run. */
const BATCHES_PER_CALL = 16;

/**
 * Stores a chunk's predictions once and counts them, only while the job exists: the first worker to finish a
 * chunk wins; a late duplicate (a chunk retried after its worker was presumed dead) changes nothing.
 * KEYS: output, meta. ARGV: predictions, records, now. Returns 1 stored, 0 duplicate, -1 job removed.
 */
const STORE_ONCE = `
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('HINCRBY', KEYS[2], 'doneChunks', 1)
  redis.call('HINCRBY', KEYS[2], 'doneRecords', ARGV[2])
  redis.call('HSET', KEYS[2], 'lastDoneAt', ARGV[3])
  return 1
end
return 0`;

interface Scorer {
  predict(texts: readonly string[]): Promise<Prediction[]>;
  dispose(): Promise<void>;
}

/**
 * Starts a worker that scores chunks of every job on the queue, loading each bundle once (and checking it
 * against its SHA-256). Run any number of them on any number of machines; a chunk whose worker dies is
 * retried by another after `stallTimeoutSeconds`, and a chunk that keeps failing is marked failed with its
 * reason after its attempts while the rest of the job goes on.
 *
 * @param connection - Where Redis is.
 * @param options - Concurrency, backend, callbacks.
 * @returns The worker; `close()` it to stop gracefully.
 * @throws {QueueError} when Redis cannot be reached at start.
 * @example
 * ```ts
 * const worker = await startScoringWorker({ url: 'redis://127.0.0.1:6379' }, { concurrency: 2 });
 * process.once('SIGTERM', () => void worker.close());
 * ```
 */
export async function startScoringWorker(connection: QueueConnection, options: ScoringWorkerOptions = {}): Promise<ScoringWorker> {
  const prefix = connection.prefix ?? DEFAULT_PREFIX;
  const concurrency = options.concurrency ?? 1;
  const stallMs = Math.round((options.stallTimeoutSeconds ?? 30) * 1000);
  const backend = options.backend ?? 'auto';
  const redis = await openRedis(connection);
  const blocking = await openRedis(connection, { blocking: true });
  if (concurrency === 1) await initBackend({ backend, job: 'predict' });

  // One scorer per bundle and batch size, kept while in use; the last two stay loaded.
  const scorers = new Map<string, Promise<Scorer>>();
  const loadScorer = (sha: string, batchSize: number): Promise<Scorer> => {
    const key = `${sha}/${batchSize}`;
    let scorer = scorers.get(key);
    if (scorer === undefined) {
      scorer = createScorer(redis, prefix, sha, batchSize, concurrency, backend);
      scorer.catch(() => scorers.delete(key));
      scorers.set(key, scorer);
      while (scorers.size > 2) {
        const oldest = scorers.keys().next().value!;
        const evicted = scorers.get(oldest)!;
        scorers.delete(oldest);
        void evicted.then((s) => s.dispose()).catch(() => {});
      }
    }
    return scorer;
  };

  const scoreChunk = async (job: Job<ChunkJobData>): Promise<{ records: number; stored: boolean }> => {
    const { job: name, chunk, bundle, batchSize } = job.data;
    const keys = jobKeys(prefix, name);
    const where = `job ${name}, chunk ${chunk}`;
    const started = performance.now();
    if ((await redis.exists(keys.output(chunk))) === 1) return { records: 0, stored: false };
    const raw = await redis.get(keys.input(chunk));
    if (raw === null) {
      throw new UnrecoverableError(
        `${where}: its records are gone from Redis (the job was removed, or Redis evicted keys: run it with maxmemory-policy noeviction)`,
      );
    }
    const items = decodeChunkInput(raw, where);
    await redis.hsetnx(keys.meta, 'startedAt', Date.now());
    options.onChunkStart?.({ job: name, chunk, records: items.length });
    const scorer = await loadScorer(bundle, batchSize);
    const predictions: Prediction[] = [];
    const call = batchSize * BATCHES_PER_CALL;
    for (let start = 0; start < items.length; start += call) {
      const texts = items
        .slice(start, start + call)
        .filter((item) => item.error === undefined)
        .map((item) => item.text ?? '');
      if (texts.length > 0) predictions.push(...(await scorer.predict(texts)));
      // Let BullMQ renew the chunk's lock between calls, so a long chunk is not taken for a dead worker's.
      await nextTurn();
    }
    const stored = (await redis.eval(
      STORE_ONCE,
      2,
      keys.output(chunk),
      keys.meta,
      encodeChunkOutput(predictions),
      String(items.length),
      String(Date.now()),
    )) as number;
    options.onChunk?.({ job: name, chunk, records: items.length, ms: performance.now() - started, stored: stored === 1 });
    return { records: items.length, stored: stored === 1 };
  };

  const worker = new Worker<ChunkJobData>(SCORING_QUEUE, scoreChunk, {
    connection: blocking,
    prefix,
    concurrency,
    lockDuration: stallMs,
    stalledInterval: stallMs,
    // A chunk survives two dead workers; a chunk that kills every worker that takes it fails on the third.
    maxStalledCount: 2,
  });
  worker.on('failed', (job, error) => {
    if (job === undefined) return;
    options.onFailure?.({ job: job.data.job, chunk: job.data.chunk, attempt: job.attemptsMade, attempts: job.opts.attempts ?? 1, reason: error.message });
  });
  // Connection trouble is retried by ioredis/BullMQ; a worker outlives a Redis restart.
  worker.on('error', () => {});
  await worker.waitUntilReady();

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        await worker.close();
        for (const scorer of scorers.values()) await scorer.then((s) => s.dispose()).catch(() => {});
        scorers.clear();
        await quit(redis);
        await quit(blocking);
      })();
      return closing;
    },
  };
}

async function createScorer(redis: Redis, prefix: string, sha: string, batchSize: number, threads: number, backend: BackendChoice): Promise<Scorer> {
  const bytes = await redis.getBuffer(bundleKey(prefix, sha));
  if (bytes === null) throw new UnrecoverableError(`bundle ${sha.slice(0, 12)}… is not in Redis (removed with its job?); submit the job again`);
  const packed = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (sha256Hex(packed) !== sha) {
    throw new UnrecoverableError(`bundle ${sha.slice(0, 12)}… in Redis does not match its SHA-256 (changed or truncated); remove the job and submit it again`);
  }
  const files: BundleFiles = unpackBundle(packed);
  if (threads > 1) {
    const pool = await createPredictionPool(files, { threads, backend, batchSize });
    return { predict: (texts) => pool.predict(texts), dispose: () => pool.close() };
  }
  const classifier = await deserializeBundle(files);
  return {
    predict: (texts) => classifier.predict(texts, { batchSize }),
    dispose: async () => classifier.dispose(),
  };
}
