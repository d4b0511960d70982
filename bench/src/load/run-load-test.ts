import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTextClassifier, initBackend, saveBundle, type TextClassifierOptions } from '@glossa/node-runtime';
import autocannon from 'autocannon';
import { BenchError } from '../bench-error.js';
import { createSyntheticDataset } from '../create-synthetic-dataset.js';
import { glossaBuildHash, sizeOnDisk } from '../internal/child-utils.js';
import { machineInfo } from '../machine-info.js';
import type { LoadOptions } from './parse-load-args.js';
import { readProcessRss } from './read-process-rss.js';
import { renderLoadMarkdown } from './render-load-markdown.js';
import type { LoadLevelResult, LoadReport } from './types.js';

/** Options of {@link runLoadTest}: the parsed command line plus how to run. */
export interface RunLoadTestOptions extends LoadOptions {
  /** The command line as typed (recorded in the report). */
  argv?: readonly string[];
  /** The built `glossa` CLI (default: `@glossa/cli`'s `dist/bin.js`). */
  cliBin?: string;
  /** Options of the trained model (default: the LSTM at its defaults, `{ architecture: 'lstm' }`). Not cached when set. */
  classifierOptions?: TextClassifierOptions;
  /** Where the default model is cached between runs (default `<tmpdir>/glossa-bench-serve`). */
  modelCacheDir?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What {@link runLoadTest} produced. */
export interface LoadRun {
  /** The whole report (also written as JSON). */
  report: LoadReport;
  /** `<out>/serve-<timestamp>-<machine>.json`. */
  jsonPath: string;
  /** `<out>/serve-latest.md`. */
  markdownPath: string;
  /** The Markdown written to `serve-latest.md`. */
  markdown: string;
}

const require = createRequire(import.meta.url);
const STARTUP_TIMEOUT_MS = 300_000;

function findCli(explicit: string | undefined): string {
  let candidate = explicit;
  if (candidate === undefined) {
    try {
      candidate = join(dirname(require.resolve('@glossa/cli/package.json')), 'dist', 'bin.js');
    } catch {
      candidate = 'node_modules/@glossa/cli/dist/bin.js';
    }
  }
  if (!existsSync(candidate)) {
    throw new BenchError(
      'CHILD_NOT_BUILT',
      `runLoadTest: the glossa CLI is not built (${candidate} is missing). Run \`pnpm --filter @glossa/cli... build\` (or \`pnpm bench --serve\`, which builds it) first.`,
    );
  }
  return candidate;
}

function autocannonVersion(): string {
  try {
    return (require('autocannon/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Single short texts: the first 8 words of synthetic test sentences. */
function shortTexts(seed: number, count: number): string[] {
  const { test } = createSyntheticDataset({ trainSize: 20, testSize: count, seed: seed + 1 });
  return test.map((example) => example.text.split(/\s+/).slice(0, 8).join(' '));
}

async function prepareModel(
  options: RunLoadTestOptions,
  workDir: string,
  log: (line: string) => void,
): Promise<{ bundle: string; source: 'trained' | 'reused' | 'given'; trainSeconds: number | null }> {
  if (options.bundle !== undefined) {
    if (!existsSync(options.bundle))
      throw new BenchError(
        'DATA_NOT_FOUND',
        `runLoadTest: --bundle ${options.bundle} does not exist. Pass a directory or .glossa file written by glossa train.`,
      );
    return { bundle: options.bundle, source: 'given', trainSeconds: null };
  }
  const cacheable = options.classifierOptions === undefined;
  const cacheDir = options.modelCacheDir ?? join(tmpdir(), 'glossa-bench-serve');
  const name = `lstm-defaults-n${options.trainSize}-e${options.epochs}-s${options.seed}-${glossaBuildHash() ?? 'dev'}.glossa`;
  const bundle = cacheable ? join(cacheDir, name) : join(workDir, 'model.glossa');
  if (cacheable && existsSync(bundle)) {
    log(`reusing the default model ${bundle}`);
    return { bundle, source: 'reused', trainSeconds: null };
  }
  await mkdir(dirname(bundle), { recursive: true });
  const data = createSyntheticDataset({ trainSize: options.trainSize, testSize: 200, seed: options.seed });
  const report = await initBackend({ job: 'train' });
  log(
    `training the ${options.classifierOptions === undefined ? 'default (LSTM)' : 'given'} model on ${options.trainSize} synthetic texts, ${options.epochs} epoch(s), backend ${report.backend}`,
  );
  const classifier = createTextClassifier(options.classifierOptions ?? { architecture: 'lstm' });
  const started = performance.now();
  try {
    await classifier.fit(data.train, { epochs: options.epochs, seed: options.seed, validationData: data.test });
    const trainSeconds = (performance.now() - started) / 1000;
    await saveBundle(classifier, bundle);
    log(`trained in ${trainSeconds.toFixed(1)} s: ${bundle}`);
    return { bundle, source: 'trained', trainSeconds };
  } finally {
    classifier.dispose();
  }
}

interface ServerProcess {
  child: ChildProcess;
  url: string;
  startupSeconds: number;
  exited: Promise<number | null>;
  stderrTail: () => string;
}

async function startServer(cli: string, bundle: string, serveArgs: readonly string[]): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'serve', bundle, '--host', '127.0.0.1', '--port', '0', ...serveArgs], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new BenchError('CHILD_FAILED', `runLoadTest: glossa serve did not listen within ${STARTUP_TIMEOUT_MS / 1000} s:\n${stderr}`)),
      STARTUP_TIMEOUT_MS,
    );
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new BenchError('CHILD_FAILED', `runLoadTest: glossa serve exited (${code}) before listening:\n${stderr}`));
    });
  });
  const deadline = performance.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    const status = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (child.exitCode !== null || performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new BenchError('CHILD_FAILED', `runLoadTest: glossa serve never became ready:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, startupSeconds: (performance.now() - started) / 1000, exited, stderrTail: () => stderr };
}

async function runLevel(url: string, pid: number, connections: number, durationSeconds: number, requests: autocannon.Request[]): Promise<LoadLevelResult> {
  const rssStartBytes = await readProcessRss(pid);
  const rssSamples: Array<[number, number]> = [];
  const started = performance.now();
  const sampler = setInterval(() => {
    void readProcessRss(pid).then((bytes) => {
      if (bytes !== null) rssSamples.push([Math.round((performance.now() - started) / 100) / 10, bytes]);
    });
  }, 1000);
  let result: autocannon.Result;
  try {
    result = await autocannon({ url, connections, duration: durationSeconds, requests, timeout: 10 });
  } finally {
    clearInterval(sampler);
  }
  const rssEndBytes = await readProcessRss(pid);
  const seen = [rssStartBytes, rssEndBytes, ...rssSamples.map(([, bytes]) => bytes)].filter((b): b is number => b !== null);
  return {
    connections,
    durationSeconds: result.duration,
    requests: result.requests.total,
    requestsPerSecond: result.duration > 0 ? result.requests.total / result.duration : 0,
    latencyMs: { mean: result.latency.mean, p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    status2xx: result['2xx'],
    rssStartBytes,
    rssEndBytes,
    rssMaxBytes: seen.length > 0 ? Math.max(...seen) : null,
    rssSamples,
  };
}

function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
}

/**
 * The `pnpm bench --serve` load test: trains (or reuses) the default model on synthetic data, starts the
 * built `glossa serve` on 127.0.0.1 in a child process, drives `POST /v1/predict` with single short texts
 * from autocannon at each client count for a fixed time, stops the server with SIGTERM, and writes
 * `serve-<timestamp>-<machine>.json` and `serve-latest.md`. Requests/s, p50/p90/p99 latency, errors,
 * non-2xx and the server's RSS are recorded per level. Loopback only; bounded in time.
 *
 * @param options - levels, durations, model and server options
 * @returns the report and where it was written
 * @throws {@link BenchError} `CHILD_NOT_BUILT` when the CLI is not built, `CHILD_FAILED` when the server does not start, `DATA_NOT_FOUND` for a missing `--bundle`
 * @example
 * ```ts
 * const { report } = await runLoadTest({ ...parsed, log: console.error });
 * console.log(report.levels.map((l) => l.requestsPerSecond));
 * ```
 */
export async function runLoadTest(options: RunLoadTestOptions): Promise<LoadRun> {
  const log = options.log ?? (() => undefined);
  const cli = findCli(options.cliBin);
  const startedAt = new Date();
  const machine = machineInfo();
  await mkdir(options.outDir, { recursive: true });
  const workDir = await mkdtemp(join(tmpdir(), 'glossa-bench-serve-work-'));
  let server: ServerProcess | undefined;
  try {
    const model = await prepareModel(options, workDir, log);
    const texts = shortTexts(options.seed, 100);
    const requests: autocannon.Request[] = texts.map((text) => ({
      method: 'POST',
      path: '/v1/predict',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ texts: [text] }),
    }));
    log(`starting glossa serve ${model.bundle} ${options.serveArgs.join(' ')}`);
    server = await startServer(cli, model.bundle, options.serveArgs);
    const pid = server.child.pid as number;
    const info = (await fetch(`${server.url}/v1/model`).then((r) => r.json())) as {
      id: string;
      architecture: string;
      backend?: string;
      batching: Record<string, number>;
      manifest: { options: Record<string, unknown>; training?: { trainSize?: number } };
    };
    log(`ready in ${server.startupSeconds.toFixed(1)} s at ${server.url} (backend ${info.backend ?? '?'}, model ${info.id})`);
    if (options.warmupSeconds > 0) {
      log(`warm-up: ${options.warmupSeconds} s at ${options.connections[0] ?? 16} clients (not measured)`);
      await autocannon({ url: server.url, connections: options.connections[0] ?? 16, duration: options.warmupSeconds, requests, timeout: 10 });
    }
    const levels: LoadLevelResult[] = [];
    for (const connections of options.connections) {
      log(`${connections} client(s) for ${options.durationSeconds} s…`);
      const level = await runLevel(server.url, pid, connections, options.durationSeconds, requests);
      log(
        `${connections} client(s): ${level.requestsPerSecond.toFixed(0)} req/s, p50 ${level.latencyMs.p50} ms, p99 ${level.latencyMs.p99} ms, ` +
          `errors ${level.errors}, non-2xx ${level.non2xx}, RSS ${((level.rssStartBytes ?? 0) / 2 ** 20).toFixed(0)} → ${((level.rssEndBytes ?? 0) / 2 ** 20).toFixed(0)} MB`,
      );
      levels.push(level);
    }
    server.child.kill('SIGTERM');
    const exitCode = await server.exited;
    const finished = new Date();
    const report: LoadReport = {
      schema: 'glossa.bench.serve',
      startedAt: startedAt.toISOString(),
      finishedAt: finished.toISOString(),
      argv: [...(options.argv ?? [])],
      machine: { ...machine, loadAverageEnd: loadavg() },
      versions: { node: process.version, autocannon: autocannonVersion(), glossaBuild: glossaBuildHash() },
      model: {
        bundle: model.bundle,
        source: model.source,
        id: info.id,
        architecture: info.architecture,
        options: info.manifest.options,
        bundleBytes: await sizeOnDisk(model.bundle),
        trainSize: model.source === 'given' ? (info.manifest.training?.trainSize ?? null) : options.trainSize,
        trainSeconds: model.trainSeconds,
      },
      server: { args: [...options.serveArgs], backend: info.backend ?? 'unknown', batching: info.batching, startupSeconds: server.startupSeconds, exitCode },
      texts: { distinct: texts.length, meanCharacters: texts.reduce((sum, t) => sum + t.length, 0) / texts.length, example: texts[0] ?? '' },
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      levels,
    };
    const markdown = renderLoadMarkdown(report);
    const jsonPath = join(options.outDir, `serve-${stamp(startedAt)}-${machine.hostname.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
    const markdownPath = join(options.outDir, 'serve-latest.md');
    await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(markdownPath, markdown);
    return { report, jsonPath, markdownPath, markdown };
  } finally {
    if (server !== undefined && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await rm(workDir, { recursive: true, force: true });
  }
}
