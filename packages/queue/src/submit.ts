import { createHash } from 'node:crypto';
import { type BundleFiles, isPackedBundle, packBundle } from '@glossa/model-core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { encodeChunkInput, lineRuns, type ScoreItem } from './chunks.js';
import { bundleKey, chunkJobId, DEFAULT_PREFIX, jobKeys, openRedis, type QueueConnection, SCORING_QUEUE } from './connection.js';
import { QueueError } from './errors.js';
import { deleteJobKeys } from './remove.js';

/** Options of {@link submitJob}. */
export interface SubmitOptions {
  /** The job's name (letters, digits, `.`, `_`, `-`): status, collect and remove refer to it. */
  name: string;
  /** The model: a packed `.glossa` file's bytes or a bundle's files. Stored once in Redis, by its SHA-256. */
  bundle: Uint8Array | BundleFiles;
  /** The records, in input order; error records keep their place in the output. */
  items: AsyncIterable<ScoreItem> | Iterable<ScoreItem>;
  /** Records per chunk, the unit of work and of retry. Default 10,000. */
  chunkSize?: number;
  /** Texts per padded prediction batch in the workers. Default 256 (as `glossa predict`). */
  batchSize?: number;
  /** Tries per chunk before it is marked failed (a worker that dies mid-chunk counts too). Default 3. */
  attempts?: number;
  /**
   * Facts about the job for whoever collects it (e.g. the output's column names, the input's name), stored with
   * it and returned by `jobStatus` as `annotations`.
   */
  annotations?: Record<string, string>;
  /** Called after each chunk is enqueued. */
  onChunk?: (chunk: number, records: number) => void;
}

/** What {@link submitJob} enqueued. */
export interface SubmittedJob {
  name: string;
  /** Hex SHA-256 of the packed bundle (its key in Redis; workers check it). */
  bundleSha256: string;
  chunks: number;
  /** Records, error records included. */
  records: number;
  /** Records with a text to label. */
  texts: number;
}

/** Prefix of the meta fields holding annotations. */
export const ANNOTATION = 'a:';

/** Default records per chunk. */
export const DEFAULT_CHUNK_SIZE = 10_000;

function checkRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new QueueError('BAD_OPTION', `${name} must be an integer from ${min} to ${max} (got ${value})`);
  }
  return value;
}

/**
 * Hex SHA-256 of bytes.
 *
 * @param bytes - The bytes.
 * @returns 64 hex digits.
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Splits the records into chunks and enqueues them for {@link startScoringWorker}s on any machine; stores the
 * bundle once (content-addressed). Workers may start on the first chunks while the rest is still being read.
 * If reading fails (a bad record, a broken file), the partly submitted job is removed and the error rethrown.
 *
 * @param connection - Where Redis is.
 * @param options - Name, bundle, records, chunking.
 * @returns What was enqueued.
 * @throws {QueueError} JOB_EXISTS for a name in use; BAD_OPTION; connection errors.
 * @example
 * ```ts
 * const bundle = await readFile('model.glossa');
 * const items = texts.map((text, i) => ({ line: i + 1, text }));
 * await submitJob({ url: 'redis://127.0.0.1:6379' }, { name: 'reviews', bundle, items });
 * ```
 */
export async function submitJob(connection: QueueConnection, options: SubmitOptions): Promise<SubmittedJob> {
  const prefix = connection.prefix ?? DEFAULT_PREFIX;
  const keys = jobKeys(prefix, options.name);
  const chunkSize = checkRange('chunk size', options.chunkSize ?? DEFAULT_CHUNK_SIZE, 1, 1_000_000);
  const batchSize = checkRange('batch size', options.batchSize ?? 256, 1, 65_536);
  const attempts = checkRange('attempts', options.attempts ?? 3, 1, 100);
  const packed = options.bundle instanceof Uint8Array ? options.bundle : packBundle(options.bundle);
  if (!isPackedBundle(packed))
    throw new QueueError('BAD_DATA', 'the bundle bytes are not a packed .glossa bundle; pass the file written by glossa train (or the bundle directory files)');
  const sha = sha256Hex(packed);

  const redis = await openRedis(connection);
  const queue = new Queue(SCORING_QUEUE, { connection: redis, prefix });
  let created = false;
  try {
    // The name is taken atomically: two submits of one name cannot interleave their chunks.
    if ((await redis.hsetnx(keys.meta, 'state', 'submitting')) === 0) {
      const state = await redis.hget(keys.meta, 'state');
      throw new QueueError(
        'JOB_EXISTS',
        `a job named "${options.name}" already exists (${state ?? 'unknown state'}); pick another name, or remove it first: glossa queue remove ${options.name}`,
      );
    }
    created = true;
    await redis.set(bundleKey(prefix, sha), Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength), 'NX');
    const annotations = Object.fromEntries(Object.entries(options.annotations ?? {}).map(([k, v]) => [`${ANNOTATION}${k}`, v]));
    await redis.hset(keys.meta, { bundle: sha, chunkSize, batchSize, attempts, submittedAt: Date.now(), doneChunks: 0, doneRecords: 0, ...annotations });
    let chunk: ScoreItem[] = [];
    let chunks = 0;
    let records = 0;
    let texts = 0;
    const flush = async (): Promise<void> => {
      const index = chunks++;
      await redis.set(keys.input(index), encodeChunkInput(chunk));
      await redis.hset(keys.lines, String(index), JSON.stringify(lineRuns(chunk)));
      await queue.add(
        options.name,
        { job: options.name, chunk: index, bundle: sha, batchSize },
        { jobId: chunkJobId(options.name, index), attempts, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: false },
      );
      options.onChunk?.(index, chunk.length);
      chunk = [];
    };
    for await (const item of options.items) {
      chunk.push(item);
      records++;
      if (item.error === undefined) texts++;
      if (chunk.length >= chunkSize) await flush();
    }
    if (chunk.length > 0) await flush();
    await redis.hset(keys.meta, { state: 'submitted', chunks, records, texts });
    return { name: options.name, bundleSha256: sha, chunks, records, texts };
  } catch (error) {
    if (created) await deleteJobKeys(redis, queue, prefix, options.name).catch(() => {});
    throw error;
  } finally {
    await queue.close();
    await quit(redis);
  }
}

/**
 * Closes a client, or drops it when Redis is gone.
 *
 * @param redis - The client.
 */
export async function quit(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
