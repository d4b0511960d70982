import { setTimeout as sleep } from 'node:timers/promises';
import type { Prediction } from '@glossa/model-core';
import { Queue } from 'bullmq';
import { decodeChunkInput, decodeChunkOutput, type LineRuns, linesOf, type ScoreItem } from './chunks.js';
import { chunkJobId, DEFAULT_PREFIX, jobKeys, openRedis, type QueueConnection, SCORING_QUEUE } from './connection.js';
import { QueueError } from './errors.js';
import { type ChunkFailure, chunkFailure, type JobStatus, readJobStatus } from './status.js';
import { quit } from './submit.js';

/** One chunk's records and predictions, in input order. */
export interface CollectedChunk {
  chunk: number;
  /** The records; for a failed chunk every record carries an `error` naming the failure. */
  items: ScoreItem[];
  /** One prediction per item without an `error`, in order. */
  predictions: Prediction[];
  /** Set when the chunk spent its attempts. */
  failure?: ChunkFailure;
}

/** Options of {@link collectJob}. */
export interface CollectOptions {
  /** Wait for chunks still being scored (and records still being submitted). Default false: a job not finished is an error. */
  wait?: boolean;
  /** Milliseconds between checks while waiting. Default 500. */
  pollMs?: number;
  /** Called while waiting, about once a second, with the job's status. */
  onWait?: (status: JobStatus) => void;
}

/**
 * The results of a job, chunk by chunk in input order: what `glossa predict` would have produced for the same
 * records, record for record. A chunk that spent its attempts yields its records with an `error` each, so the
 * output still has one entry per input record. Memory: one chunk at a time.
 *
 * @param connection - Where Redis is.
 * @param name - Job name.
 * @param options - Whether to wait for unfinished chunks.
 * @returns The chunks.
 * @throws {QueueError} NO_JOB; NOT_DONE (without `wait`) for a job still running.
 * @example
 * ```ts
 * for await (const { items, predictions } of collectJob({ url: 'redis://127.0.0.1:6379' }, 'reviews', { wait: true })) {
 *   …
 * }
 * ```
 */
export async function* collectJob(connection: QueueConnection, name: string, options: CollectOptions = {}): AsyncGenerator<CollectedChunk> {
  const prefix = connection.prefix ?? DEFAULT_PREFIX;
  const keys = jobKeys(prefix, name);
  const pollMs = options.pollMs ?? 500;
  const redis = await openRedis(connection);
  const queue = new Queue(SCORING_QUEUE, { connection: redis, prefix });
  try {
    const status = await readJobStatus(redis, queue, prefix, name);
    if (options.wait !== true && status.state !== 'done' && status.state !== 'failed') {
      const done = `${status.chunks.done}/${status.chunks.total ?? '?'} chunks scored`;
      throw new QueueError(
        'NOT_DONE',
        `job "${name}" is not finished (${status.state}: ${done}); wait for it: glossa queue collect ${name} --wait (progress: glossa queue status ${name})`,
      );
    }
    let lastReport = 0;
    for (let chunk = 0; ; chunk++) {
      for (;;) {
        const [output, meta] = await Promise.all([redis.get(keys.output(chunk)), redis.hmget(keys.meta, 'state', 'chunks')]);
        if (meta[0] === null) throw new QueueError('NO_JOB', `job "${name}" was removed while being collected`);
        if (output !== null) {
          const raw = await redis.get(keys.input(chunk));
          if (raw === null)
            throw new QueueError(
              'BAD_DATA',
              `job "${name}", chunk ${chunk}: its records are gone from Redis (evicted? run Redis with maxmemory-policy noeviction)`,
            );
          const items = decodeChunkInput(raw, `job ${name}, chunk ${chunk}`);
          yield { chunk, items, predictions: decodeChunkOutput(output, `job ${name}, chunk ${chunk}`) };
          break;
        }
        if (meta[0] === 'submitted' && chunk >= Number(meta[1])) return;
        const job = await queue.getJob(chunkJobId(name, chunk));
        if (job !== undefined && (await job.isFailed())) {
          const failure = await chunkFailure(redis, keys, job);
          if (failure !== undefined) {
            yield {
              chunk,
              items: await failedItems(redis.get(keys.input(chunk)), await redis.hget(keys.lines, String(chunk)), name, failure),
              predictions: [],
              failure,
            };
            break;
          }
        }
        if (options.wait !== true) throw new QueueError('NOT_DONE', `job "${name}", chunk ${chunk} is not scored yet; collect with --wait`);
        if (options.onWait !== undefined && performance.now() - lastReport > 1_000) {
          lastReport = performance.now();
          options.onWait(await readJobStatus(redis, queue, prefix, name));
        }
        await sleep(pollMs);
      }
    }
  } finally {
    await queue.close();
    await quit(redis);
  }
}

async function failedItems(rawInput: Promise<string | null>, rawRuns: string | null, name: string, failure: ChunkFailure): Promise<ScoreItem[]> {
  const error = `job ${name}, chunk ${failure.chunk} (lines ${failure.firstLine}-${failure.lastLine}) failed after ${failure.attempts} attempt${failure.attempts === 1 ? '' : 's'}: ${failure.reason}`;
  const raw = await rawInput;
  let items: ScoreItem[] | undefined;
  if (raw !== null) {
    try {
      items = decodeChunkInput(raw, `job ${name}, chunk ${failure.chunk}`);
    } catch {
      // The stored records are what failed: their lines are kept apart, so each still gets its error line.
    }
  }
  items ??= linesOf(JSON.parse(rawRuns ?? '[]') as LineRuns).map((line) => ({ line }));
  return items.map((item) => ({ line: item.line, error: item.error ?? error, ...(item.kept === undefined ? {} : { kept: item.kept }) }));
}
