import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LineRuns } from './chunks.js';
import { DEFAULT_PREFIX, type JobKeys, jobKeys, openRedis, type QueueConnection, SCORING_QUEUE } from './connection.js';
import { QueueError } from './errors.js';
import { jobNames } from './remove.js';
import { ANNOTATION, quit } from './submit.js';

/** A chunk that spent its attempts. */
export interface ChunkFailure {
  chunk: number;
  /** First and last input line of its records. */
  firstLine: number;
  lastLine: number;
  /** Records in it. */
  records: number;
  /** The last attempt's error. */
  reason: string;
  /** Attempts made. */
  attempts: number;
}

/** Where a job stands. */
export interface JobStatus {
  name: string;
  /**
   * `submitting`: records still being enqueued; `queued`: no chunk started; `running`; `done`: every chunk
   * scored; `failed`: every chunk settled and some spent their attempts (the rest is scored).
   */
  state: 'submitting' | 'queued' | 'running' | 'done' | 'failed';
  /** Hex SHA-256 of the job's bundle. */
  bundle: string;
  chunks: { total: number | undefined; done: number; failed: number };
  /** Records (error records included); `total` is known once submitting has finished. */
  records: { total: number | undefined; done: number };
  submittedAt: Date;
  /** When the first chunk started. */
  startedAt: Date | undefined;
  /** When the last chunk was stored. */
  lastDoneAt: Date | undefined;
  /** Records scored per second since the first chunk started (until the last one finished). */
  recordsPerSecond: number | undefined;
  /** Seconds left at that rate. */
  etaSeconds: number | undefined;
  failures: ChunkFailure[];
  /** What the submitter stored with the job (`SubmitOptions.annotations`). */
  annotations: Record<string, string>;
}

const at = (ms: string | undefined): Date | undefined => (ms === undefined ? undefined : new Date(Number(ms)));

/**
 * A failed BullMQ job as the failure of its chunk, or undefined when the chunk was scored after all (retried,
 * or a duplicate that failed late).
 *
 * @param redis - A client.
 * @param keys - The job's keys.
 * @param job - A BullMQ job in the failed set.
 * @returns The failure, with the chunk's line range from its stored line runs.
 */
export async function chunkFailure(redis: Redis, keys: JobKeys, job: Job): Promise<ChunkFailure | undefined> {
  const chunk = (job.data as { chunk: number }).chunk;
  if ((await redis.exists(keys.output(chunk))) === 1) return undefined;
  const runs = JSON.parse((await redis.hget(keys.lines, String(chunk))) ?? '[]') as LineRuns;
  const last = runs[runs.length - 1];
  return {
    chunk,
    firstLine: runs[0]?.[0] ?? 0,
    lastLine: last === undefined ? 0 : last[0] + last[1] - 1,
    records: runs.reduce((n, [, count]) => n + count, 0),
    reason: job.failedReason ?? 'unknown',
    attempts: job.attemptsMade,
  };
}

/**
 * The chunks of a job that spent their attempts, from BullMQ's failed set.
 *
 * @param redis - A client.
 * @param queue - The scoring queue.
 * @param prefix - Key prefix.
 * @param name - Job name.
 * @returns Failures, by chunk.
 */
export async function failedChunks(redis: Redis, queue: Queue, prefix: string, name: string): Promise<ChunkFailure[]> {
  const keys = jobKeys(prefix, name);
  const failures: ChunkFailure[] = [];
  const total = await queue.getFailedCount();
  for (let start = 0; start < total; start += 1000) {
    const jobs: Job[] = await queue.getFailed(start, start + 999);
    for (const job of jobs) {
      if (job?.name !== name || (job.data as { job?: string }).job !== name) continue;
      const failure = await chunkFailure(redis, keys, job);
      if (failure !== undefined) failures.push(failure);
    }
  }
  return failures.sort((a, b) => a.chunk - b.chunk);
}

/**
 * Reads a job's status with an open client.
 *
 * @param redis - A client.
 * @param queue - The scoring queue.
 * @param prefix - Key prefix.
 * @param name - Job name.
 * @returns The status.
 * @throws {QueueError} NO_JOB.
 */
export async function readJobStatus(redis: Redis, queue: Queue, prefix: string, name: string): Promise<JobStatus> {
  const meta = await redis.hgetall(jobKeys(prefix, name).meta);
  if (meta.state === undefined) throw new QueueError('NO_JOB', `no job named "${name}" on ${prefix}; see the jobs there with: glossa queue status`);
  const total = meta.chunks === undefined ? undefined : Number(meta.chunks);
  const records = meta.records === undefined ? undefined : Number(meta.records);
  const done = Number(meta.doneChunks ?? 0);
  const doneRecords = Number(meta.doneRecords ?? 0);
  const failures = await failedChunks(redis, queue, prefix, name);
  const startedAt = at(meta.startedAt);
  const lastDoneAt = at(meta.lastDoneAt);
  const settled = total !== undefined && done + failures.length >= total;
  const state: JobStatus['state'] =
    meta.state === 'submitting' ? 'submitting' : settled ? (failures.length > 0 ? 'failed' : 'done') : startedAt === undefined ? 'queued' : 'running';
  const until = settled ? lastDoneAt?.getTime() : Date.now();
  const seconds = startedAt === undefined || until === undefined ? 0 : (until - startedAt.getTime()) / 1000;
  const recordsPerSecond = seconds > 0 && doneRecords > 0 ? doneRecords / seconds : undefined;
  const failedRecords = failures.reduce((n, f) => n + f.records, 0);
  const etaSeconds = settled
    ? 0
    : records !== undefined && recordsPerSecond !== undefined
      ? Math.max(0, records - doneRecords - failedRecords) / recordsPerSecond
      : undefined;
  return {
    name,
    state,
    bundle: meta.bundle ?? '',
    chunks: { total, done, failed: failures.length },
    records: { total: records, done: doneRecords },
    submittedAt: new Date(Number(meta.submittedAt)),
    startedAt,
    lastDoneAt,
    recordsPerSecond,
    etaSeconds,
    failures,
    annotations: Object.fromEntries(Object.entries(meta).flatMap(([k, v]) => (k.startsWith(ANNOTATION) ? [[k.slice(ANNOTATION.length), v]] : []))),
  };
}

/**
 * Where a job stands: chunks and records done, rate, ETA, failed chunks with their reasons.
 *
 * @param connection - Where Redis is.
 * @param name - Job name.
 * @returns The status.
 * @throws {QueueError} NO_JOB when there is no such job.
 * @example
 * ```ts
 * const status = await jobStatus({ url: 'redis://127.0.0.1:6379' }, 'reviews');
 * console.log(`${status.records.done}/${status.records.total}`);
 * ```
 */
export async function jobStatus(connection: QueueConnection, name: string): Promise<JobStatus> {
  const prefix = connection.prefix ?? DEFAULT_PREFIX;
  const redis = await openRedis(connection);
  const queue = new Queue(SCORING_QUEUE, { connection: redis, prefix });
  try {
    return await readJobStatus(redis, queue, prefix, name);
  } finally {
    await queue.close();
    await quit(redis);
  }
}

/**
 * Every job under the connection's prefix, with its status.
 *
 * @param connection - Where Redis is.
 * @returns Statuses, by name.
 * @example
 * ```ts
 * for (const job of await listJobs({ url: 'redis://127.0.0.1:6379' })) console.log(job.name, job.state);
 * ```
 */
export async function listJobs(connection: QueueConnection): Promise<JobStatus[]> {
  const prefix = connection.prefix ?? DEFAULT_PREFIX;
  const redis = await openRedis(connection);
  const queue = new Queue(SCORING_QUEUE, { connection: redis, prefix });
  try {
    const statuses: JobStatus[] = [];
    for (const name of await jobNames(redis, prefix)) {
      try {
        statuses.push(await readJobStatus(redis, queue, prefix, name));
      } catch (error) {
        // Removed between the scan and the read.
        if (!(error instanceof QueueError && error.code === 'NO_JOB')) throw error;
      }
    }
    return statuses;
  } finally {
    await queue.close();
    await quit(redis);
  }
}

/**
 * Puts a job's failed chunks back on the queue (after fixing what made them fail).
 *
 * @param connection - Where Redis is.
 * @param name - Job name.
 * @returns How many chunks were retried.
 * @throws {QueueError} NO_JOB.
 * @example
 * ```ts
 * await retryFailedChunks({ url: 'redis://127.0.0.1:6379' }, 'reviews');
 * ```
 */
export async function retryFailedChunks(connection: QueueConnection, name: string): Promise<number> {
  const prefix = connection.prefix ?? DEFAULT_PREFIX;
  const redis = await openRedis(connection);
  const queue = new Queue(SCORING_QUEUE, { connection: redis, prefix });
  try {
    await readJobStatus(redis, queue, prefix, name);
    let retried = 0;
    const total = await queue.getFailedCount();
    const jobs: Job[] = total === 0 ? [] : await queue.getFailed(0, total - 1);
    for (const job of jobs) {
      if (job?.name !== name) continue;
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      retried++;
    }
    return retried;
  } finally {
    await queue.close();
    await quit(redis);
  }
}
