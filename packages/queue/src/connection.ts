/**
 * Connecting to Redis: URLs with a password and TLS (`rediss://`), a clear error when Redis cannot be reached,
 * and the names of everything Glossa keeps there.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { QueueError } from './errors.js';

/** Where the queue lives. */
export interface QueueConnection {
  /**
   * A Redis URL: `redis://[[user]:password@]host[:port][/db]`, or `rediss://…` for TLS. A password with
   * special characters is percent-encoded (`redis://:p%40ss@host`).
   */
  url: string;
  /** PEM certificate(s) of the authority that signed the server's TLS certificate, for a private CA (`rediss://` only). */
  tlsCa?: string | Uint8Array;
  /** Prefix of every Redis key Glossa writes (default `glossa`): separate prefixes are separate queues on one Redis. */
  prefix?: string;
}

/** The default key prefix. */
export const DEFAULT_PREFIX = 'glossa';

/** The BullMQ queue every scoring chunk goes through (under the prefix). */
export const SCORING_QUEUE = 'score';

/**
 * The URL with its password replaced by `***`, for messages and logs.
 *
 * @param url - A Redis URL.
 * @returns The URL, safe to print.
 * @example
 * ```ts
 * redactUrl('redis://:secret@10.0.0.5:6379'); // 'redis://:***@10.0.0.5:6379'
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * Checks a Redis URL before anything connects.
 *
 * @param url - The URL given.
 * @returns The parsed URL.
 * @throws {QueueError} BAD_URL naming what is wrong and the accepted forms.
 */
export function parseRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueError(
      'BAD_URL',
      `"${redactUrl(url)}" is not a Redis URL; give redis://host:6379 (or redis://:password@host:6379/0, rediss://host:6380 for TLS)`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new QueueError('BAD_URL', `"${redactUrl(url)}": the scheme must be redis:// or rediss:// (TLS), not ${parsed.protocol}//`);
  }
  if (parsed.hostname === '') throw new QueueError('BAD_URL', `"${redactUrl(url)}" names no host; give redis://host:6379`);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new QueueError('BAD_URL', `"${redactUrl(url)}": the path must be a database number (/0, /1…), not /${db}`);
  return parsed;
}

/**
 * Options for ioredis from a connection. `blocking` clients (BullMQ workers) retry forever, as a worker must
 * outlive a Redis restart; the others give up after a few attempts so a command never hangs on a wrong URL.
 */
function redisOptions(connection: QueueConnection, blocking: boolean): RedisOptions {
  const parsed = parseRedisUrl(connection.url);
  const tls = parsed.protocol === 'rediss:' ? { tls: connection.tlsCa === undefined ? {} : { ca: [Buffer.from(connection.tlsCa)] } } : {};
  if (connection.tlsCa !== undefined && parsed.protocol !== 'rediss:') {
    throw new QueueError('BAD_URL', `a TLS certificate authority was given for "${redactUrl(connection.url)}", which is not a TLS URL; use rediss://`);
  }
  return {
    ...tls,
    lazyConnect: true,
    // BullMQ requires null for its blocking connections; commands then wait for a reconnection instead of failing.
    maxRetriesPerRequest: blocking ? null : 2,
    enableOfflineQueue: true,
    retryStrategy: blocking ? (times: number) => Math.min(times * 200, 5_000) : (times: number) => (times > 3 ? null : times * 200),
  };
}

/**
 * Opens a Redis client and checks that Redis answers.
 *
 * @param connection - Where Redis is.
 * @param options - `blocking`: a client that retries forever (workers).
 * @returns A connected client; the caller calls `quit()`.
 * @throws {QueueError} UNREACHABLE (with the cause and how to start Redis) or AUTH (wrong or missing password).
 */
export async function openRedis(connection: QueueConnection, options: { blocking?: boolean } = {}): Promise<Redis> {
  const client = new Redis(connection.url, redisOptions(connection, options.blocking === true));
  // ioredis reports the cause (refused, TLS, password) as an 'error' event; connect() rejects with "Connection is closed".
  let cause: unknown;
  client.on('error', (error: unknown) => {
    cause ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw describeConnectError(connection.url, cause ?? error);
  }
  return client;
}

function describeConnectError(url: string, error: unknown): QueueError {
  const message = error instanceof Error ? error.message : String(error);
  const where = redactUrl(url);
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password/i.test(message)) {
    return new QueueError(
      'AUTH',
      `Redis at ${where} refused the password (${message}); put it in the URL: redis://:password@host:port (or redis://user:password@host:port)`,
      { cause: error },
    );
  }
  if (/certificate|self[- ]signed|SSL|TLS|EPROTO/i.test(message)) {
    return new QueueError(
      'UNREACHABLE',
      `cannot open TLS to Redis at ${where} (${message}); for a private certificate authority give its PEM file (--redis-ca), and use rediss:// only for a TLS port`,
      { cause: error },
    );
  }
  return new QueueError(
    'UNREACHABLE',
    `cannot reach Redis at ${where} (${message}); is redis-server running there? (locally: redis-server --bind 127.0.0.1 --port 6379)`,
    { cause: error },
  );
}

/** Names of the keys of one scoring job. */
export interface JobKeys {
  /** Hash: the job's description and counters. */
  meta: string;
  /** String per chunk: its input records (JSON). */
  input(chunk: number): string;
  /** String per chunk: its predictions, written once (idempotent). */
  output(chunk: number): string;
  /** Hash: chunk → line runs of its records. */
  lines: string;
}

/** Job names: letters, digits, `.`, `_`, `-`, up to 100 characters, starting with a letter or digit. */
const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Checks a job name.
 *
 * @param name - The name given.
 * @returns The name.
 * @throws {QueueError} BAD_NAME.
 */
export function checkJobName(name: string): string {
  if (!JOB_NAME.test(name)) {
    throw new QueueError(
      'BAD_NAME',
      `job name "${name}": use letters, digits, ".", "_" and "-" (up to 100 characters, starting with a letter or digit), e.g. reviews-2026-12-07`,
    );
  }
  return name;
}

/**
 * The keys of one job.
 *
 * @param prefix - Key prefix.
 * @param name - Job name (checked).
 * @returns Its key names.
 */
export function jobKeys(prefix: string, name: string): JobKeys {
  const base = `${prefix}:job:${checkJobName(name)}`;
  return {
    meta: base,
    input: (chunk) => `${base}:in:${chunk}`,
    output: (chunk) => `${base}:out:${chunk}`,
    lines: `${base}:lines`,
  };
}

/**
 * The key of a stored bundle.
 *
 * @param prefix - Key prefix.
 * @param sha256 - Hex SHA-256 of the packed bundle.
 * @returns The key.
 */
export function bundleKey(prefix: string, sha256: string): string {
  return `${prefix}:bundle:${sha256}`;
}

/**
 * The BullMQ job id of a chunk (BullMQ ids may not contain `:`).
 *
 * @param name - Job name.
 * @param chunk - Chunk index.
 * @returns The id.
 */
export function chunkJobId(name: string, chunk: number): string {
  return `${name}.${chunk}`;
}
