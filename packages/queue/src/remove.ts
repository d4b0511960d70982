import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { bundleKey, chunkJobId, DEFAULT_PREFIX, jobKeys, openRedis, type QueueConnection, SCORING_QUEUE } from './connection.js';
import { QueueError } from './errors.js';
import { quit } from './submit.js';

/**
 * Deletes a job's keys and its queued chunks. A chunk being scored right now finishes, but its predictions are
 * dropped (workers write only for a job that still exists).
 *
 * @param redis - A client.
 * @param queue - The scoring queue.
 * @param prefix - Key prefix.
 * @param name - Job name.
 * @returns The bundle the job used, if it had one.
 */
export async function deleteJobKeys(redis: Redis, queue: Queue, prefix: string, name: string): Promise<string | undefined> {
  const keys = jobKeys(prefix, name);
  const [bundle, lines] = await Promise.all([redis.hget(keys.meta, 'bundle'), redis.hkeys(keys.lines)]);
  // The meta key first: from here on no worker stores predictions for this job.
  await redis.del(keys.meta);
  for (const field of lines) {
    const chunk = Number(field);
    // An active (locked) chunk cannot be removed from BullMQ; it completes into nothing.
    await queue.remove(chunkJobId(name, chunk)).catch(() => 0);
    await redis.del(keys.input(chunk), keys.output(chunk));
  }
  await redis.del(keys.lines);
  return bundle ?? undefined;
}

/**
 * Removes a job: its records, predictions and queued chunks, and its bundle when no other job uses it.
 *
 * @param connection - Where Redis is.
 * @param name - Job name.
 * @throws {QueueError} NO_JOB when there is no such job.
 * @example
 * ```ts
 * await removeJob({ url: 'redis://127.0.0.1:6379' }, 'reviews');
 * ```
 */
export async function removeJob(connection: QueueConnection, name: string): Promise<void> {
  const prefix = connection.prefix ?? DEFAULT_PREFIX;
  const keys = jobKeys(prefix, name);
  const redis = await openRedis(connection);
  const queue = new Queue(SCORING_QUEUE, { connection: redis, prefix });
  try {
    if ((await redis.exists(keys.meta)) === 0)
      throw new QueueError('NO_JOB', `no job named "${name}" on ${prefix}; see the jobs there with: glossa queue status`);
    const bundle = await deleteJobKeys(redis, queue, prefix, name);
    if (bundle !== undefined) {
      const others = await jobNames(redis, prefix);
      const used = await Promise.all(others.map((other) => redis.hget(jobKeys(prefix, other).meta, 'bundle')));
      if (!used.includes(bundle)) await redis.del(bundleKey(prefix, bundle));
    }
  } finally {
    await queue.close();
    await quit(redis);
  }
}

/**
 * The names of the jobs under a prefix (SCAN, so Redis is never blocked).
 *
 * @param redis - A client.
 * @param prefix - Key prefix.
 * @returns Job names, sorted.
 */
export async function jobNames(redis: Redis, prefix: string): Promise<string[]> {
  const names = new Set<string>();
  const pattern = `${prefix}:job:*`;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of found) {
      const rest = key.slice(`${prefix}:job:`.length);
      if (!rest.includes(':')) names.add(rest);
    }
  } while (cursor !== '0');
  return [...names].sort();
}
