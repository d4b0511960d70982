import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deserializeBundle, initBackend, unpackBundle } from '@glossa/node-runtime';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CollectedChunk,
  collectJob,
  jobStatus,
  listJobs,
  QueueError,
  removeJob,
  retryFailedChunks,
  type ScoreItem,
  startScoringWorker,
  submitJob,
} from '../src/index.js';
import { startRedis, type TestRedis } from './redis-server.js';

const bundleBytes = new Uint8Array(readFileSync(fileURLToPath(new URL('../../model-core/test/fixtures/bundles-v1/lstm.glossa', import.meta.url))));

/** Records like a real export: texts of every length, a blank one and a bad row in their places, ids to copy. */
function records(n: number): ScoreItem[] {
  const words = ['good', 'bad', 'film', 'great', 'awful', 'plot', '好', '电影', 'boring', 'loved', "didn't", 'the'];
  let seed = 11;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  return Array.from({ length: n }, (_, i): ScoreItem => {
    const line = i + 2;
    if (i % 50 === 7) return { line, error: `in.csv:${line}: the "text" value is empty (nothing to label).`, kept: { id: `r${i}` } };
    const text = Array.from({ length: 1 + Math.floor(next() * 60) }, () => words[Math.floor(next() * words.length)]).join(' ');
    return { line, text, kept: { id: `r${i}` } };
  });
}

async function collectAll(url: string, name: string): Promise<CollectedChunk[]> {
  const chunks: CollectedChunk[] = [];
  for await (const chunk of collectJob({ url }, name, { wait: true, pollMs: 50 })) chunks.push(chunk);
  return chunks;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > ms) throw new Error(`timed out; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('scoring on a real Redis', () => {
  let redis: TestRedis;
  let client: Redis;
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', job: 'predict' });
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('collects, in input order, exactly what one process predicts: two workers, error records in place, ids kept', async () => {
    const items = records(430);
    const submitted = await submitJob({ url: redis.url }, { name: 'reviews', bundle: bundleBytes, items, chunkSize: 37, annotations: { input: 'in.csv' } });
    expect(submitted).toMatchObject({ chunks: 12, records: 430, texts: 430 - 9 });
    expect((await jobStatus({ url: redis.url }, 'reviews')).annotations).toEqual({ input: 'in.csv' });
    expect((await jobStatus({ url: redis.url }, 'reviews')).state).toBe('queued');

    const scored: number[] = [];
    const workers = await Promise.all([1, 2].map(() => startScoringWorker({ url: redis.url }, { onChunk: (d) => scored.push(d.chunk) })));
    const chunks = await collectAll(redis.url, 'reviews');
    await Promise.all(workers.map((w) => w.close()));

    expect(chunks.map((c) => c.chunk)).toEqual([...Array(12).keys()]);
    expect(new Set(scored).size).toBe(12);
    const collected = chunks.flatMap((c) => c.items);
    expect(collected).toEqual(items);
    const classifier = await deserializeBundle(unpackBundle(bundleBytes));
    const expected = await classifier.predict(items.filter((i) => i.error === undefined).map((i) => i.text!));
    classifier.dispose();
    // Same numbers to the last bit, same key order: JSON equality is byte equality of the output lines.
    expect(JSON.stringify(chunks.flatMap((c) => c.predictions))).toBe(JSON.stringify(expected));

    const status = await jobStatus({ url: redis.url }, 'reviews');
    expect(status).toMatchObject({ state: 'done', chunks: { total: 12, done: 12, failed: 0 }, records: { total: 430, done: 430 }, etaSeconds: 0 });
    expect(status.recordsPerSecond).toBeGreaterThan(0);
    expect((await listJobs({ url: redis.url })).map((j) => j.name)).toContain('reviews');
  });

  it('refuses a second job of the same name, and removes a job with its keys and its bundle', async () => {
    await expect(submitJob({ url: redis.url }, { name: 'reviews', bundle: bundleBytes, items: records(3) })).rejects.toThrow(
      /already exists.*glossa queue remove reviews/,
    );
    await removeJob({ url: redis.url }, 'reviews');
    await expect(jobStatus({ url: redis.url }, 'reviews')).rejects.toMatchObject({ code: 'NO_JOB' });
    expect(await client.keys('glossa:job:reviews*')).toEqual([]);
    expect(await client.keys('glossa:bundle:*')).toEqual([]);
    await expect(removeJob({ url: redis.url }, 'reviews')).rejects.toThrow(/no job named "reviews"/);
  });

  it('a job whose reading fails is removed, not left half-submitted', async () => {
    async function* broken(): AsyncGenerator<ScoreItem> {
      yield* records(25);
      throw new Error('in.csv:27: unclosed quote');
    }
    await expect(submitJob({ url: redis.url }, { name: 'broken', bundle: bundleBytes, items: broken(), chunkSize: 10 })).rejects.toThrow(/unclosed quote/);
    expect(await client.keys('glossa:job:broken*')).toEqual([]);
  });

  it('a poison chunk fails after its attempts with its reason; the rest completes; the output keeps a line per record; retry finishes it', async () => {
    const items = records(100);
    await submitJob({ url: redis.url }, { name: 'poison', bundle: bundleBytes, items, chunkSize: 25, attempts: 2 });
    const good = await client.get('glossa:job:poison:in:2');
    await client.set('glossa:job:poison:in:2', '[{"line": 52, "text": "tru');
    const failures: string[] = [];
    const worker = await startScoringWorker({ url: redis.url }, { onFailure: (f) => failures.push(`${f.chunk}:${f.attempt}/${f.attempts}`) });
    const status = await waitFor(
      () => jobStatus({ url: redis.url }, 'poison'),
      (s) => s.state === 'failed',
    );
    expect(failures).toEqual(['2:1/2', '2:2/2']);
    expect(status.chunks).toEqual({ total: 4, done: 3, failed: 1 });
    expect(status.failures).toEqual([
      {
        chunk: 2,
        firstLine: 52,
        lastLine: 76,
        records: 25,
        reason: expect.stringMatching(/job poison, chunk 2: the stored input is not valid JSON/),
        attempts: 2,
      },
    ]);

    const chunks = await collectAll(redis.url, 'poison');
    const lines = chunks.flatMap((c) => c.items);
    expect(lines.map((i) => i.line)).toEqual(items.map((i) => i.line));
    expect(chunks[2]!.failure?.chunk).toBe(2);
    expect(chunks[2]!.items.every((i) => /chunk 2 \(lines 52-76\) failed after 2 attempts: .*not valid JSON/.test(i.error ?? ''))).toBe(true);
    expect(chunks[3]!.items).toEqual(items.slice(75));

    await client.set('glossa:job:poison:in:2', good!);
    expect(await retryFailedChunks({ url: redis.url }, 'poison')).toBe(1);
    await waitFor(
      () => jobStatus({ url: redis.url }, 'poison'),
      (s) => s.state === 'done',
    );
    expect((await collectAll(redis.url, 'poison')).flatMap((c) => c.items)).toEqual(items);
    await worker.close();
    await removeJob({ url: redis.url }, 'poison');
  });

  it('a worker refuses a bundle that does not match its hash, and says so', async () => {
    await submitJob({ url: redis.url }, { name: 'tampered', bundle: bundleBytes, items: records(5), attempts: 1 });
    const [key] = await client.keys('glossa:bundle:*');
    const bytes = await client.getBuffer(key!);
    bytes![bytes!.length - 10]! ^= 0xff;
    await client.set(key!, bytes!);
    const worker = await startScoringWorker({ url: redis.url });
    const status = await waitFor(
      () => jobStatus({ url: redis.url }, 'tampered'),
      (s) => s.state === 'failed',
    );
    expect(status.failures[0]!.reason).toMatch(/does not match its SHA-256/);
    await worker.close();
    await removeJob({ url: redis.url }, 'tampered');
  });

  it('collect without waiting on a job not finished says how to wait', async () => {
    await submitJob({ url: redis.url }, { name: 'waiting', bundle: bundleBytes, items: records(5) });
    const reading = collectJob({ url: redis.url }, 'waiting')[Symbol.asyncIterator]().next();
    await expect(reading).rejects.toThrow(/not finished \(queued: 0\/1 chunks scored\).*--wait/);
    await removeJob({ url: redis.url }, 'waiting');
  });

  it('checks names and URLs before connecting', async () => {
    await expect(submitJob({ url: redis.url }, { name: 'a:b', bundle: bundleBytes, items: [] })).rejects.toThrow(/job name "a:b"/);
    await expect(jobStatus({ url: 'http://127.0.0.1:6379' }, 'x')).rejects.toThrow(/scheme must be redis:\/\/ or rediss:\/\//);
    await expect(jobStatus({ url: `${redis.url}/zero` }, 'x')).rejects.toThrow(/database number/);
  });
});

describe('connections', () => {
  it('a Redis that is not there: a clear error, not a hang', async () => {
    const gone = await startRedis();
    await gone.stop();
    const error = await jobStatus({ url: gone.url }, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueError);
    expect((error as QueueError).code).toBe('UNREACHABLE');
    expect((error as Error).message).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\); is redis-server running/);
  });

  it('a password in the URL works; a wrong one is named (and never printed)', async () => {
    const server = await startRedis({ password: 's3cr/t@x' });
    try {
      await submitJob({ url: server.url }, { name: 'locked', bundle: bundleBytes, items: records(3) });
      expect((await jobStatus({ url: server.url }, 'locked')).chunks.total).toBe(1);
      const wrong = server.url.replace(encodeURIComponent('s3cr/t@x'), 'nope');
      const error = (await jobStatus({ url: wrong }, 'locked').catch((e: unknown) => e)) as QueueError;
      expect(error.code).toBe('AUTH');
      expect(error.message).toMatch(/refused the password/);
      expect(error.message).not.toContain('nope');
      expect(error.message).toContain(':***@');
    } finally {
      await server.stop();
    }
  });

  it('TLS (rediss://) with a private certificate authority; without it, a message about the certificate', async () => {
    const server = await startRedis({ tls: true });
    try {
      expect(server.url.startsWith('rediss://')).toBe(true);
      await submitJob({ url: server.url, tlsCa: server.ca! }, { name: 'tls', bundle: bundleBytes, items: records(40), chunkSize: 20 });
      const worker = await startScoringWorker({ url: server.url, tlsCa: server.ca! });
      const chunks = await collectAll2(server.url, server.ca!, 'tls');
      await worker.close();
      expect(chunks.flatMap((c) => c.items)).toEqual(records(40));
      const error = (await jobStatus({ url: server.url }, 'tls').catch((e: unknown) => e)) as QueueError;
      expect(error.code).toBe('UNREACHABLE');
      expect(error.message).toMatch(/cannot open TLS.*certificate/);
    } finally {
      await server.stop();
    }
  });
});

async function collectAll2(url: string, tlsCa: string, name: string): Promise<CollectedChunk[]> {
  const chunks: CollectedChunk[] = [];
  for await (const chunk of collectJob({ url, tlsCa }, name, { wait: true, pollMs: 50 })) chunks.push(chunk);
  return chunks;
}
