import { type ChildProcessWithoutNullStreams, execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readParquetFile, writeParquetFile } from '../../../packages/node-runtime/test/parquet-files.js';
import { startRedis, type TestRedis } from '../../../packages/queue/test/redis-server.js';
import { assertBuilt, BIN, runBin, seeded } from './helpers.js';

const BUNDLE = fileURLToPath(new URL('../../../packages/model-core/test/fixtures/bundles-v1/lstm.glossa', import.meta.url));

/** A worker process and everything it has printed. */
interface WorkerProcess {
  child: ChildProcessWithoutNullStreams;
  stderr: string;
  exited: Promise<number | null>;
}

/** Workers still running: killed after the tests, so a failing test leaves no worker polling a stopped Redis. */
const running = new Set<WorkerProcess>();

function startWorker(url: string, extra: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, [BIN, 'queue', 'work', '--verbose', '--stall-timeout', '2', ...extra], {
    env: { ...process.env, NO_COLOR: '1', GLOSSA_REDIS_URL: url },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const worker: WorkerProcess = { child, stderr: '', exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    worker.stderr += chunk;
  });
  child.stdout.resume();
  running.add(worker);
  void worker.exited.then(() => running.delete(worker));
  return worker;
}

async function until(condition: () => boolean, what: string, ms = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Chunks a worker's log says it stored (not the duplicates it dropped). */
function storedChunks(log: string): number[] {
  return [...log.matchAll(/^fault chunk (\d+): [\d,]+ records in .*\/s\)$/gm)].map((m) => Number(m[1]));
}

/** 40,000 rows of long texts (so a chunk takes a while to score), ids, a few blank texts in their places. */
function writeInput(dir: string): string {
  const random = seeded(5);
  const words = ['great', 'awful', 'film', 'plot', 'boring', 'loved', 'the', 'and', 'acting', 'superb', '好', '电影'];
  const rows = ['id,text'];
  for (let i = 0; i < 40_000; i++) {
    const text = i % 997 === 3 ? '' : Array.from({ length: 40 + Math.floor(random() * 60) }, () => words[Math.floor(random() * words.length)]).join(' ');
    rows.push(`t${i},"${text}"`);
  }
  const path = join(dir, 'in.csv');
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

describe('glossa queue on a real Redis', () => {
  let redis: TestRedis;
  let dir: string;
  beforeAll(async () => {
    assertBuilt();
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'glossa-queue-cli-'));
  });
  afterAll(async () => {
    for (const worker of running) worker.child.kill('SIGKILL');
    await Promise.all([...running].map((worker) => worker.exited));
    await redis?.stop();
  });

  it('3 workers, one SIGKILLed mid-chunk and one restarted: the collected output is byte for byte glossa predict', async () => {
    const input = writeInput(dir);
    const expected = await runBin(['predict', BUNDLE, '--input', input, '--id-column', 'id']);
    expect(expected.code).toBe(0);
    expect(expected.stdout.split('\n')).toHaveLength(40_001);

    const submitted = await runBin(['queue', 'submit', BUNDLE, input, '--name', 'fault', '--chunk-size', '2000', '--id-column', 'id', '--redis', redis.url]);
    expect(submitted.stderr).toMatch(/fault: 40,000 records in 20 chunks queued on redis:\/\/127\.0\.0\.1:\d+/);
    expect(submitted.code).toBe(0);

    const workers = [startWorker(redis.url), startWorker(redis.url), startWorker(redis.url)];
    const victim = workers[0]!;
    // Kill the first worker as soon as it has stored a chunk and started the next one: it dies holding a chunk.
    let held = -1;
    await until(() => {
      const started = [...victim.stderr.matchAll(/^fault chunk (\d+): scoring/gm)].map((m) => Number(m[1]));
      if (storedChunks(victim.stderr).length === 0 || started.length < 2) return false;
      held = started[started.length - 1]!;
      return true;
    }, 'the first worker to take its second chunk');
    victim.child.kill('SIGKILL');
    await victim.exited;
    const restarted = startWorker(redis.url);

    const out = join(dir, 'scores.jsonl');
    const collected = await runBin(['queue', 'collect', 'fault', '--out', out, '--wait', '--redis', redis.url]);
    expect(collected.stderr).toMatch(/fault: 40,000 lines written to/);
    expect(collected.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(expected.stdout);

    const survivors = [workers[1]!, workers[2]!, restarted];
    for (const w of survivors) w.child.kill('SIGTERM');
    expect(await Promise.all(survivors.map((w) => w.exited))).toEqual([0, 0, 0]);
    for (const w of survivors) expect(w.stderr).toMatch(/SIGTERM: finishing the chunks in hand, then stopping[\s\S]*stopped/);

    // Every chunk stored exactly once, by whichever worker finished it; the one the victim held, by another.
    const all = [victim, ...survivors].flatMap((w) => storedChunks(w.stderr)).sort((a, b) => a - b);
    expect(all).toEqual([...Array(20).keys()]);
    if (!storedChunks(victim.stderr).includes(held)) expect(survivors.some((w) => storedChunks(w.stderr).includes(held))).toBe(true);

    const status = await runBin(['queue', 'status', 'fault', '--json', '--redis', redis.url]);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'done', chunks: { total: 20, done: 20, failed: 0 }, records: { total: 40_000, done: 40_000 } });
  }, 180_000);

  it('CSV output, status of every job, remove; clear errors for a missing Redis URL, a job that is not there, an unfinished job', async () => {
    const input = join(dir, 'small.jsonl');
    writeFileSync(
      input,
      `${['{"text":"superb film","id":1,"region":"north"}', '{"text":"","id":2,"region":"south"}', '{"text":"awful plot","id":3,"region":"east"}'].join('\n')}\n`,
    );
    const expected = await runBin(['predict', BUNDLE, '--input', input, '--id-column', 'id', '--keep', 'region', '--output-format', 'csv']);
    const env = { GLOSSA_REDIS_URL: redis.url };

    const noUrl = await runBin(['queue', 'status'], { env: { GLOSSA_REDIS_URL: '' } });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/where is Redis\? give --redis redis:\/\/host:6379 \(or set GLOSSA_REDIS_URL\)/);

    expect((await runBin(['queue', 'submit', BUNDLE, input, '--name', 'small', '--id-column', 'id', '--keep', 'region'], { env })).code).toBe(0);
    const early = await runBin(['queue', 'collect', 'small', '--out', join(dir, 'early.csv')], { env });
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/job "small" is not finished \(queued: 0\/1 chunks scored\); wait for it: glossa queue collect small --wait/);

    const worker = startWorker(redis.url);
    const out = join(dir, 'small.csv');
    const collected = await runBin(['queue', 'collect', 'small', '--out', out, '--wait', '--output-format', 'csv'], { env });
    expect(collected.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(expected.stdout);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);

    const list = await runBin(['queue', 'status'], { env });
    expect(list.stdout).toMatch(/^fault {2}done {2}20\/20 chunks {2}40,000\/40,000 records .* 0 failed$/m);
    expect(list.stdout).toMatch(/^small {2}done {2}1\/1 chunks {2}3\/3 records/m);

    expect((await runBin(['queue', 'remove', 'small'], { env })).stderr).toMatch(/small: removed/);
    const gone = await runBin(['queue', 'status', 'small'], { env });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no job named "small"/);
  }, 120_000);

  it('a chunk that cannot be scored: collect writes every line (an error in each of its records), exits 1 and says how to retry', async () => {
    const input = join(dir, 'poison.txt');
    writeFileSync(input, `${Array.from({ length: 30 }, (_, i) => `text number ${i} was superb`).join('\n')}\n`);
    const env = { GLOSSA_REDIS_URL: redis.url };
    expect((await runBin(['queue', 'submit', BUNDLE, input, '--name', 'poison', '--chunk-size', '10', '--attempts', '2'], { env })).code).toBe(0);
    // What a scorer cannot read: chunk 1's records damaged in Redis.
    const port = new URL(redis.url).port;
    execFileSync('redis-cli', ['-p', port, 'SET', 'glossa:job:poison:in:1', '[{"line": 11, "te']);
    const worker = startWorker(redis.url);
    const out = join(dir, 'poison.jsonl');
    const collected = await runBin(['queue', 'collect', 'poison', '--out', out, '--wait'], { env });
    worker.child.kill('SIGTERM');
    await worker.exited;
    expect(collected.code).toBe(1);
    expect(collected.stderr).toMatch(
      /poison: wrote 30 lines to .*poison\.jsonl, but 1 chunk \(1; 10 records\) failed: their lines carry an "error" field\. See why with glossa queue status poison; after fixing it, glossa queue retry poison and collect again/,
    );
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { line?: number; error?: string; label?: string });
    expect(lines).toHaveLength(30);
    expect(lines.slice(10, 20).map((l) => l.line)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(lines.slice(10, 20).every((l) => /chunk 1 \(lines 11-20\) failed after 2 attempts: .*not valid JSON/.test(l.error ?? ''))).toBe(true);
    expect(lines.filter((l) => l.label !== undefined)).toHaveLength(20);
    expect(worker.stderr).toMatch(/poison chunk 1: attempt 2 of 2 failed: job poison, chunk 1: the stored input is not valid JSON/);
    const status = await runBin(['queue', 'status', 'poison'], { env });
    expect(status.stdout).toMatch(
      /^poison {2}failed {2}2\/3 chunks {2}20\/30 records.* 1 failed\n {2}chunk 1 \(lines 11-20, 10 records\) failed after 2 attempts: job poison, chunk 1: the stored input is not valid JSON/m,
    );
  }, 120_000);

  it('Parquet in and out: a .parquet input through the queue gives the Parquet file glossa predict writes, row for row', async () => {
    const input = join(dir, 'reviews.parquet');
    const texts = Array.from({ length: 300 }, (_, i) => (i === 17 ? null : `review ${i} was ${i % 3 === 0 ? 'superb' : 'awful'}`));
    writeParquetFile(
      input,
      [
        { name: 'id', data: texts.map((_, i) => `r${i}`), type: 'STRING' },
        { name: 'text', data: texts, type: 'STRING' },
      ],
      { codec: 'SNAPPY', rowGroupSize: 64 },
    );
    const expectedPath = join(dir, 'expected.parquet');
    // predict's Parquet goes to a file descriptor, as with shell redirection.
    const fd = openSync(expectedPath, 'w');
    const predicted = spawnSync(
      process.execPath,
      [BIN, 'predict', BUNDLE, '--input', input, '--id-column', 'id', '--output-format', 'parquet', '--threads', '1'],
      {
        stdio: ['ignore', fd, 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    closeSync(fd);
    expect(predicted.status, predicted.stderr.toString()).toBe(0);
    const env = { GLOSSA_REDIS_URL: redis.url };
    const submitted = await runBin(['queue', 'submit', BUNDLE, input, '--name', 'parquet', '--chunk-size', '100', '--id-column', 'id'], { env });
    expect(submitted.code, submitted.stderr).toBe(0);
    const worker = startWorker(redis.url);
    const out = join(dir, 'scored.parquet');
    const collected = await runBin(['queue', 'collect', 'parquet', '--out', out, '--wait', '--output-format', 'parquet'], { env });
    worker.child.kill('SIGTERM');
    await worker.exited;
    expect(collected.code, collected.stderr).toBe(0);
    expect(collected.stderr).toMatch(/parquet: 300 rows written to/);
    const { rows } = await readParquetFile(out);
    expect(rows).toHaveLength(300);
    expect(rows).toEqual((await readParquetFile(expectedPath)).rows);
    expect(rows[17]).toMatchObject({ id: 'r17', label: null, error: expect.stringMatching(/row 18|:18/) });
  }, 120_000);
});
