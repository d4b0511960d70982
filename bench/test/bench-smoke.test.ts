import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport, Measurement } from '../src/types.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = promisify(execFile);
const MEASUREMENT_KEYS: (keyof Measurement)[] = [
  'system',
  'architecture',
  'backend',
  'status',
  'threads',
  'trainThreads',
  'threading',
  'kernels',
  'trainExamples',
  'epochs',
  'trainSamplesPerSecond',
  'trainTokensPerSecond',
  'trainSeconds',
  'trainBudgeted',
  'trainBatches',
  'accuracy',
  'predictTexts',
  'predictTextsPerSecond',
  'predictAllCoresTextsPerSecond',
  'predictAllCoresThreads',
  'loadSeconds',
  'tokenizeTokens',
  'tokenizeTokensPerSecond',
  'bundleBytes',
  'peakRssBytes',
  'trainPeakRssBytes',
  'peakRssWithPoolBytes',
  'wallSeconds',
  'cpuSeconds',
  'glossaBuild',
];

let out: string | undefined;
afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('pnpm bench (smoke)', () => {
  it('measures bow on cpu for Glossa on 1 and 2 threads and stock tfjs in --quick mode and writes a complete JSON and Markdown table', async () => {
    expect(existsSync(cli), `${cli} is missing: run \`pnpm --filter @glossa/bench build\` first`).toBe(true);
    out = await mkdtemp(join(tmpdir(), 'glossa-bench-smoke-'));
    const args = [
      '--quick',
      '--archs',
      'bow',
      '--backends',
      'cpu',
      '--train-size',
      '300',
      '--test-size',
      '100',
      '--out',
      out,
      '--stock-budget-s',
      '5',
      '--stock-max-batches',
      '3',
      '--stock-predict',
      '100',
      '--threads',
      '1,2',
    ];
    const { stdout } = await run(process.execPath, [cli, ...args], { maxBuffer: 16 * 2 ** 20 });
    expect(stdout).toContain('| system | arch | backend | threads | train samples/s | train tokens/s |');
    expect(stdout).toContain('### Training on 1 thread\n');
    expect(stdout).toContain('### Training on 2 threads');

    const files = await readdir(out);
    const jsonName = files.find((f) => f.endsWith('.json'));
    expect(jsonName).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-.+\.json$/);
    expect(files).toContain('latest.md');
    expect(files.filter((f) => f.startsWith('.work-'))).toEqual([]);
    const report = JSON.parse(await readFile(join(out, jsonName!), 'utf8')) as BenchReport;

    expect(report.schema).toBe('glossa.bench');
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.cpuModel).not.toBe('');
    expect(report.versions.node).toBe(process.version);
    expect(report.dataset).toMatchObject({ name: 'synthetic', trainSize: 300, testSize: 100, labels: ['negative', 'positive'] });
    expect(report.settings).toMatchObject({ vocabSize: 20_000, maxLength: 100, batchSize: 64, embeddingDim: 64, units: 64, epochs: 1, seed: 42 });
    expect(report.schemaVersion).toBe(2);
    expect(report.threads).toEqual([1, 2]);
    // Synthetic sentences: at most 52 tokens, none cut at 100.
    const tokens = report.dataset.trainTokens;
    expect(tokens).toMatchObject({ texts: 300, truncatedTexts: 0, maxLength: 100, tokenizer: 'word' });
    expect(tokens.tokens).toBe(tokens.untruncatedTokens);
    expect(tokens.tokens).toBeGreaterThan(300);
    expect(report.results.map((r) => [r.system, r.trainThreads])).toEqual([
      ['glossa', 1],
      ['stock', 1],
      ['glossa', 2],
    ]);

    for (const r of report.results) {
      expect(
        Object.keys(r)
          .filter((k) => k !== 'reason')
          .sort(),
      ).toEqual([...MEASUREMENT_KEYS].sort());
      expect(r).toMatchObject({ architecture: 'bow', backend: 'cpu', status: 'ok', threads: 1, trainExamples: 300, epochs: 1 });
      expect(r.threading).toBe(r.trainThreads === 1 ? 'single-threaded' : availableParallelism() <= 2 ? 'all cores' : 'multi-threaded');
      // The bench child (a plain `node`) turns relaxed SIMD on as the glossa CLI does; stock tfjs has no Glossa kernels.
      expect(r.kernels).toBe(r.system === 'glossa' ? 'relaxed SIMD' : null);
      expect(r.trainTokensPerSecond).toBeCloseTo((r.trainSamplesPerSecond! * tokens.tokens) / tokens.texts, 6);
      for (const key of [
        'trainSamplesPerSecond',
        'trainSeconds',
        'trainBatches',
        'predictTexts',
        'predictTextsPerSecond',
        'bundleBytes',
        'peakRssBytes',
        'wallSeconds',
        'cpuSeconds',
      ] as const) {
        expect(r[key], `${r.system}.${key}`).toBeGreaterThan(0);
      }
      expect(r.loadSeconds).toBeGreaterThanOrEqual(0);
      if (r.system === 'glossa') {
        // Training alone ≤ training and one-thread prediction ≤ the whole child (the prediction pool included).
        expect(r.trainPeakRssBytes).toBeGreaterThan(0);
        expect(r.peakRssBytes).toBeGreaterThanOrEqual(r.trainPeakRssBytes!);
        expect(r.peakRssWithPoolBytes).toBeGreaterThanOrEqual(r.peakRssBytes!);
      } else {
        expect([r.trainPeakRssBytes, r.peakRssWithPoolBytes]).toEqual([null, null]);
      }
      expect(r.glossaBuild).toMatch(/^[0-9a-f]{12}$/);
    }
    const [glossa, stock, glossa2] = report.results as [Measurement, Measurement, Measurement];
    expect(glossa.accuracy).toBeGreaterThanOrEqual(0);
    expect(glossa.accuracy).toBeLessThanOrEqual(1);
    expect(glossa.predictTexts).toBe(100);
    // Every core (this machine has 2): the prediction pool's figure; stock has none.
    if (glossa.predictAllCoresThreads !== null) expect(glossa.predictAllCoresTextsPerSecond).toBeGreaterThan(0);
    expect(stock.predictAllCoresTextsPerSecond).toBeNull();
    expect(glossa.tokenizeTokensPerSecond).toBeGreaterThan(0);
    expect(glossa.tokenizeTokens).toBeGreaterThan(300);
    expect(glossa.trainBudgeted).toBe(false);
    // 300 texts are 5 batches; the budget stops stock after 3, so its rate is extrapolated and it has no accuracy.
    expect(stock.trainBudgeted).toBe(true);
    expect(stock.trainBatches).toBe(2);
    expect(stock.accuracy).toBeNull();
    expect(stock.predictTexts).toBe(100);

    expect(glossa2.accuracy).toBeGreaterThanOrEqual(0);
    expect(glossa2.trainBatches).toBe(5);

    // Stock trains on one thread: compared with Glossa at one thread only.
    expect(report.ratios.map((r) => r.threads)).toEqual([1, 2]);
    expect(report.ratios[0]!.trainVsStock).toBeGreaterThan(0);
    expect(report.ratios[0]!.predictVsStock).toBeGreaterThan(0);
    expect(report.ratios[1]).toMatchObject({ trainVsStock: null, predictVsStock: null, trainVsPytorch: null, predictVsPytorch: null });
    expect(report.peers).toEqual([]);
    expect(report.mixedBuilds).toBeUndefined();
    expect(await readFile(join(out, 'latest.md'), 'utf8')).toBe(stdout.trimStart());
  });
});
