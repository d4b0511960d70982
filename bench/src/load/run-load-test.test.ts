import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLoadTest } from './run-load-test.js';
import type { LoadReport } from './types.js';

// The CI smoke run of `pnpm bench --serve`: the real built CLI in a child process, real HTTP on
// 127.0.0.1, autocannon for 2 s at 16 clients. No speed assertions (speed is for `pnpm bench --serve`).

const cliBin = join(dirname(createRequire(import.meta.url).resolve('@glossa/cli/package.json')), 'dist', 'bin.js');
let out: string | undefined;

afterAll(async () => {
  if (out !== undefined) await rm(out, { recursive: true, force: true });
});

describe('runLoadTest (smoke)', () => {
  it('serves the default LSTM to 16 clients for 2 s with 0 errors and only 200s, then stops it gracefully', async () => {
    expect(existsSync(cliBin), `${cliBin} is missing: run \`pnpm --filter @glossa/cli build\` first`).toBe(true);
    out = await mkdtemp(join(tmpdir(), 'glossa-load-smoke-'));
    const lines: string[] = [];
    const { report, jsonPath, markdownPath, markdown } = await runLoadTest({
      connections: [16],
      durationSeconds: 2,
      warmupSeconds: 0,
      trainSize: 300,
      epochs: 1,
      seed: 7,
      outDir: out,
      modelCacheDir: join(out, 'cache'),
      serveArgs: ['--log-level', 'info'],
      cliBin,
      log: (line) => lines.push(line),
    });
    expect(report.levels).toHaveLength(1);
    const [level] = report.levels;
    expect(level?.connections).toBe(16);
    expect(level?.requests).toBeGreaterThan(0);
    expect(level?.errors).toBe(0);
    expect(level?.timeouts).toBe(0);
    expect(level?.non2xx).toBe(0);
    expect(level?.status2xx).toBe(level?.requests);
    expect(level?.rssStartBytes).toBeGreaterThan(0);
    expect(level?.rssEndBytes).toBeGreaterThan(0);
    expect(report.server.exitCode).toBe(0);
    expect(report.model).toMatchObject({ architecture: 'lstm', source: 'trained', trainSize: 300 });
    expect(report.model.options).toMatchObject({ embeddingDim: 64, units: 64, maxLength: 100, vocabSize: 20_000 });
    expect(lines.some((line) => line.startsWith('training the default (LSTM) model'))).toBe(true);

    const written = JSON.parse(await readFile(jsonPath, 'utf8')) as LoadReport;
    expect(written.schema).toBe('glossa.bench.serve');
    expect(written.levels[0]?.requests).toBe(level?.requests);
    expect((await readdir(out)).filter((f) => f.startsWith('serve-'))).toHaveLength(2);
    expect(await readFile(markdownPath, 'utf8')).toBe(markdown);
    expect(markdown).toContain('| clients | requests/s | p50 ms | p90 ms | p99 ms |');
    expect(markdown).toMatch(/^\| 16 \| /m);
    expect(markdown).toMatch(/0 errors — met/);
  }, 300_000);
});
