import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { build, defaultClientConditions } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARCHITECTURES as MODEL_ARCHITECTURES,
  architecturesWhere,
  type QuantizationDtype,
  type TextClassifier,
  createTextClassifier,
  deserializeBundle,
  packBundle,
  quantizeBundle,
  serializeBundle,
  unpackBundle,
} from '../../src/index.js';
import { PARITY_TEXTS, tinyData } from '../tiny-data.js';
import type { PageApi, WorkerOutcome } from './page-api.js';

// Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core: the test page is built with
// Vite's build() API, served from 127.0.0.1, and called through window.glossaTest.

const CHROMIUM = process.env.GLOSSA_CHROMIUM ?? '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));
/** The workspace root's node_modules, where pnpm links the model packages. */
const NODE_MODULES = resolve(here, '..', '..', '..', '..', 'node_modules');
const HOOK_TIMEOUT = 120_000;
// Every architecture of model-core's registry, so a new one is parity-tested from the day it lands.
const ARCHITECTURES = MODEL_ARCHITECTURES;
// And every architecture that computes `initialState: 'padded'` (a pad trajectory, or windows over leading padding).
const PADDED = architecturesWhere((a) => a.initialStates?.includes('padded') === true);
// Quantized bundles: each kind of stored weight (int8 per row and per channel, float16, shortened n-gram keys,
// auto members), from models wide enough (16) for their matrices to be stored as int8.
const QUANTIZED: ReadonlyArray<[(typeof MODEL_ARCHITECTURES)[number], QuantizationDtype]> = [
  ['lstm', 'int8'],
  ['lstm', 'float16'],
  ['transformer', 'int8'],
  ['ngram', 'int8'],
  ['ngram', 'float16'],
  ['auto', 'int8'],
];
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.glossa': 'application/zip',
};

let outDir: string;
let server: Server;
let base: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const bundles = new Map<string, Uint8Array>();
const nodeScores = new Map<string, number[]>();
const trained: TextClassifier[] = [];

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((max, x, i) => Math.max(max, Math.abs(x - b[i]!)), 0);
}

function call<K extends keyof PageApi>(name: K, ...args: Parameters<PageApi[K]>): Promise<Awaited<ReturnType<PageApi[K]>>> {
  return page.evaluate(
    ([n, a]) => {
      const api = window.glossaTest as unknown as Record<string, (...x: unknown[]) => unknown>;
      return api[n as string]!(...(a as unknown[]));
    },
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<PageApi[K]>>>;
}

/** The page's probabilities for the bundle at `url` on wasm and on cpu (both must start). */
async function wasmAndCpuScores(url: string): Promise<{ wasm: number[]; cpu: number[] }> {
  const wasm = await call('scores', url, PARITY_TEXTS, 'wasm');
  if ('error' in wasm) throw new Error(`wasm backend did not start in Chromium: ${wasm.error}`);
  const cpu = await call('scores', url, PARITY_TEXTS, 'cpu');
  if ('error' in cpu) throw new Error(cpu.error);
  return { wasm: wasm.probabilities, cpu: cpu.probabilities };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `web-runtime browser tests: Chromium is not installed at ${CHROMIUM}. Install it with \`apt-get install -y chromium fonts-noto-cjk\` (CI's .ci/run does), or set GLOSSA_CHROMIUM to a Chromium binary.`,
    );
  }

  // Bundles trained in Node (cpu backend), one per architecture, and their Node scores.
  for (const architecture of ARCHITECTURES) {
    const classifier = createTextClassifier({ architecture, embeddingDim: 8, units: 8, maxLength: 16 });
    // auto needs validation examples to weigh its members.
    await classifier.fit(tinyData(architecture === 'auto' ? 200 : undefined), { epochs: 2, validationSplit: architecture === 'auto' ? 0.25 : 0, seed: 11 });
    trained.push(classifier);
    bundles.set(`/bundles/${architecture}.glossa`, packBundle(await serializeBundle(classifier)));
    nodeScores.set(architecture, Array.from(await classifier.predictProbabilities(PARITY_TEXTS)));
  }
  for (const architecture of PADDED) {
    const classifier = createTextClassifier({ architecture, initialState: 'padded', embeddingDim: 8, units: 8, maxLength: 16 });
    await classifier.fit(tinyData(), { epochs: 2, validationSplit: 0, seed: 11 });
    trained.push(classifier);
    bundles.set(`/bundles/${architecture}.padded.glossa`, packBundle(await serializeBundle(classifier)));
    nodeScores.set(`${architecture}.padded`, Array.from(await classifier.predictProbabilities(PARITY_TEXTS)));
  }
  // Quantized bundles and the scores Node gets from them.
  for (const [architecture, dtype] of QUANTIZED) {
    const classifier = createTextClassifier({ architecture, embeddingDim: 16, units: 16, maxLength: 16 });
    await classifier.fit(tinyData(architecture === 'auto' ? 200 : undefined), { epochs: 2, validationSplit: architecture === 'auto' ? 0.25 : 0, seed: 11 });
    const quantized = quantizeBundle(await serializeBundle(classifier), { dtype });
    classifier.dispose();
    bundles.set(`/bundles/${architecture}.${dtype}.glossa`, packBundle(quantized));
    const loaded = await deserializeBundle(quantized);
    nodeScores.set(`${architecture}.${dtype}`, Array.from(await loaded.predictProbabilities(PARITY_TEXTS)));
    loaded.dispose();
  }

  outDir = await mkdtemp(join(tmpdir(), 'glossa-web-runtime-browser-'));
  await build({
    root: here,
    configFile: false,
    logLevel: 'warn',
    resolve: {
      conditions: ['@glossa/source', ...defaultClientConditions],
      dedupe: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'],
      alias: { vitest: join(here, 'vitest-shim.ts') },
    },
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false, reportCompressedSize: false },
  });

  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // /npm/<package>/<file>: a local mirror of an npm CDN, serving the workspace's installed model packages.
    if (path.startsWith('/npm/@glossa/model-')) {
      const file = normalize(join(NODE_MODULES, decodeURIComponent(path.slice('/npm/'.length))));
      if (!file.startsWith(NODE_MODULES)) {
        res.writeHead(403).end();
        return;
      }
      readFile(file).then(
        (body) => res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/json' }).end(body),
        () => res.writeHead(404).end('not found'),
      );
      return;
    }
    const bundle = bundles.get(path);
    if (bundle !== undefined) {
      res.writeHead(200, { 'content-type': MIME['.glossa']! }).end(Buffer.from(bundle));
      return;
    }
    const file = normalize(join(outDir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(resolve(outDir))) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // The one 404 a test asks for on purpose (a model package that is not on the mirror) is not a page error.
    if (message.location().url.includes('/npm/@glossa/model-sentiment-fr/')) return;
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.glossaTest !== undefined, undefined, { timeout: 30_000 });
}, HOOK_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  if (outDir) await rm(outDir, { recursive: true, force: true });
  for (const c of trained) c.dispose();
}, HOOK_TIMEOUT);

describe('@glossa/web-runtime in Chromium', () => {
  it("runs model-core's WebAssembly SIMD LSTM kernels in the page (not the JavaScript fallback), their relaxed-SIMD builds", async () => {
    expect(await call('wasmKernels')).toBe(true);
    expect(await call('relaxedSimd')).toBe(true);
  });

  it('chooses a backend with initWebBackend("auto") and says why', async () => {
    const predict = await call('backend', 'predict');
    const train = await call('backend', 'train');
    console.info(`[browser] auto backend for predict: ${predict.backend} — ${predict.reason}`);
    console.info(`[browser] auto backend for train: ${train.backend} — ${train.reason}`);
    for (const report of [predict, train]) {
      expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(report.backend);
      expect(report.candidates.map((c) => c.name)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
      const chosen = report.candidates.find((c) => c.name === report.backend)!;
      expect(chosen).toMatchObject({ available: true, missingKernels: [], checked: true });
      // Every faster candidate was tried and has a stated reason for being skipped.
      for (const c of report.candidates.slice(0, report.candidates.indexOf(chosen))) {
        expect(c.checked).toBe(true);
        expect(c.skipped ?? (!c.available ? c.error : c.missingKernels.join())).toBeTruthy();
      }
    }
    // The wasm binaries are served (the ?url imports), so nothing slower than wasm is chosen; WebGL in
    // software (SwiftShader, as in headless Chromium without a GPU) is passed over with its renderer named.
    expect(['webgpu', 'webgl', 'wasm']).toContain(predict.backend);
    const webgl = predict.candidates.find((c) => c.name === 'webgl')!;
    if (webgl.skipped !== undefined) expect(webgl.skipped).toMatch(/rendered in software/);
  });

  it('explains a missing wasmPaths and falls back to cpu with "auto"', async () => {
    const fresh = await page.context().newPage();
    try {
      await fresh.goto(`${base}/`);
      await fresh.waitForFunction(() => window.glossaTest !== undefined, undefined, { timeout: 30_000 });
      const wasm = await fresh.evaluate(() => window.glossaTest!.withoutWasmPaths('wasm'));
      console.info(`[browser] wasm without wasmPaths: ${JSON.stringify(wasm).slice(0, 400)}`);
      expect(wasm).toMatchObject({ code: 'BACKEND_UNAVAILABLE', error: expect.stringMatching(/pass wasmPaths/) });
      const auto = await fresh.evaluate(() => window.glossaTest!.withoutWasmPaths('auto'));
      expect(auto).toMatchObject({ backend: 'cpu' });
    } finally {
      await fresh.close();
    }
  });

  it('passes the shared BundleStore contract suite on real IndexedDB', async () => {
    const { passed, failed } = await call('storeContract');
    expect(failed).toEqual([]);
    expect(passed.length).toBeGreaterThanOrEqual(17);
  });

  it('trains in a real Worker with progress events and cancellation, then predicts and explains', async () => {
    const outcome: WorkerOutcome = await call('worker');
    console.info(`[browser] worker backend: ${outcome.report.backend}; ${outcome.events.length} progress events; bundle ${outcome.bundleBytes} bytes`);
    expect(outcome.epochsRun).toBe(3);
    const types = outcome.events.map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('end');
    expect(types.filter((t) => t === 'epoch')).toHaveLength(3);
    expect(types).toContain('batch');
    expect(outcome.validationAccuracy).toBeGreaterThanOrEqual(0);
    expect(outcome.predictions).toHaveLength(PARITY_TEXTS.length);
    expect(outcome.explanation).toMatchObject({ method: 'occlusion', tokens: expect.any(Array) });
    expect(outcome.explanation.tokens.length).toBeGreaterThan(0);
    expect(outcome.cancelled).toMatchObject({ name: 'ModelCoreError', code: 'ABORTED' });
    // The cancelled run did not replace the worker's model.
    expect(outcome.predictionsAfterCancel).toEqual(outcome.predictions);
    // The returned bundle, through IndexedDB and scored in the page, agrees with the worker.
    expect(outcome.predictionsInPage.map((p) => p.label)).toEqual(outcome.predictions.map((p) => p.label));
    const inPage = outcome.predictionsInPage.flatMap((p) => Object.values(p.scores));
    const inWorker = outcome.predictions.flatMap((p) => Object.values(p.scores));
    expect(maxAbsDiff(inPage, inWorker)).toBeLessThan(1e-5);
    expect(outcome.mainThreadTicks).toBeGreaterThan(0);
  });

  it('loads a model package by name from a package CDN (a local npm mirror here) and scores as Node does; a missing one says what it tried', async () => {
    const bytes = new Uint8Array(await readFile(join(NODE_MODULES, '@glossa', 'model-sentiment-zh', 'model.glossa')));
    const node = await deserializeBundle(unpackBundle(bytes));
    const texts = ['房间干净，服务很好', '质量太差了，用了两天就坏了'];
    const expected = Array.from(await node.predictProbabilities(texts));
    node.dispose();
    const got = await call('scores', '@glossa/model-sentiment-zh', texts, 'wasm', `${base}/npm/`);
    if ('error' in got) throw new Error(got.error);
    expect(got.labels).toEqual(['negative', 'positive']);
    expect(maxAbsDiff(got.probabilities, expected)).toBeLessThanOrEqual(1e-5);
    await expect(call('scores', '@glossa/model-sentiment-fr', texts, 'wasm', `${base}/npm/`)).rejects.toThrow(
      /@glossa\/model-sentiment-fr reads as a model package name, and http:\/\/127\.0\.0\.1:\d+\/npm\/@glossa\/model-sentiment-fr\/package\.json could not be fetched \(.*HTTP 404/,
    );
  });

  it('has padded-start architectures to parity-test', () => {
    expect(PADDED.length).toBeGreaterThan(0);
  });

  // One test per bundle, so each has its own time budget (Chromium's software WebGL compiles each model's
  // shaders; on a loaded two-core CI host all of them together outran one test's 60 s) and a failure names it.
  for (const architecture of [...ARCHITECTURES, ...PADDED.map((a) => `${a}.padded`)]) {
    it(`scores a Node-trained ${architecture} bundle like Node does: to 1e-5 on wasm and cpu, max difference reported on webgl`, async () => {
      const expected = nodeScores.get(architecture)!;
      const { wasm, cpu } = await wasmAndCpuScores(`/bundles/${architecture}.glossa`);
      const webgl = await call('scores', `/bundles/${architecture}.glossa`, PARITY_TEXTS, 'webgl');
      const wasmDiff = maxAbsDiff(wasm, expected);
      const cpuDiff = maxAbsDiff(cpu, expected);
      console.info(
        `[browser] parity ${architecture}: max |page − node| wasm ${wasmDiff.toExponential(2)}, cpu ${cpuDiff.toExponential(2)}, webgl ${'error' in webgl ? `unavailable (${webgl.error.slice(0, 160)})` : maxAbsDiff(webgl.probabilities, expected).toExponential(2)}`,
      );
      expect(wasmDiff).toBeLessThanOrEqual(1e-5);
      expect(cpuDiff).toBeLessThanOrEqual(1e-5);
      if (!('error' in webgl)) expect(maxAbsDiff(webgl.probabilities, expected)).toBeLessThan(1e-2);
    });
  }

  it('scores quantized bundles (int8, float16) like Node does, to 1e-5 on wasm and cpu, also after an IndexedDB round trip', async () => {
    for (const [architecture, dtype] of QUANTIZED) {
      const name = `${architecture}.${dtype}`;
      const expected = nodeScores.get(name)!;
      const { wasm, cpu } = await wasmAndCpuScores(`/bundles/${name}.glossa`);
      const stored = await call('storedScores', `/bundles/${name}.glossa`, PARITY_TEXTS, 'wasm');
      console.info(
        `[browser] parity ${name}: max |page − node| wasm ${maxAbsDiff(wasm, expected).toExponential(2)}, cpu ${maxAbsDiff(cpu, expected).toExponential(2)}, after IndexedDB ${maxAbsDiff(stored.probabilities, expected).toExponential(2)}; ${bundles.get(`/bundles/${name}.glossa`)!.byteLength} bytes served, ${stored.storedBytes} stored`,
      );
      expect(maxAbsDiff(wasm, expected)).toBeLessThanOrEqual(1e-5);
      expect(maxAbsDiff(cpu, expected)).toBeLessThanOrEqual(1e-5);
      expect(maxAbsDiff(stored.probabilities, expected)).toBeLessThanOrEqual(1e-5);
      // Saved from the page, the model stays quantized: about the size it was served at, not float32's.
      expect(Math.abs(stored.storedBytes - bundles.get(`/bundles/${name}.glossa`)!.byteLength)).toBeLessThan(200);
    }
  });

  it('trains on two threads (a gradient Web Worker): the same model from the same seed, as good as one thread', async () => {
    const outcome = await call('parallelTraining');
    console.info(`[browser] data-parallel: ${JSON.stringify(outcome)}`);
    expect(outcome).toMatchObject({ workerBackend: 'wasm', threads: 2, sameWeights: true, differsFromOneThread: true, recordedThreads: 2 });
    expect(outcome.lastLoss).toBeLessThan(outcome.firstLoss);
    expect(outcome.accuracyTwoThreads).toBeGreaterThanOrEqual(outcome.accuracyOneThread - 0.1);
  });

  it('downloads a bundle that Node loads and scores identically', async () => {
    const downloading = page.waitForEvent('download');
    await call('download', '/bundles/lstm.glossa', 'my-model.glossa');
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('my-model.glossa');
    const path = await download.path();
    const bytes = new Uint8Array(await readFile(path));
    const loaded = await deserializeBundle(unpackBundle(bytes));
    expect(Array.from(await loaded.predictProbabilities(PARITY_TEXTS))).toEqual(nodeScores.get('lstm'));
    loaded.dispose();
  });

  it('builds page and worker bundles with one copy of tfjs-core and no Node module', async () => {
    const scripts = (await readdir(join(outDir, 'assets'))).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBe(3); // the page, the worker and the gradient worker
    for (const name of scripts) {
      const code = await readFile(join(outDir, 'assets', name), 'utf8');
      expect(code.match(/\bclass Engine\b/g), `${name}: tfjs-core's Engine`).toHaveLength(1);
      expect(code, name).not.toMatch(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)["']node:/);
    }
  });

  it('logs no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
