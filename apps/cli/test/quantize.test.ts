import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../../../packages/queue/test/redis-server.js';
import { assertBuilt, BIN, type BinRun, parseJsonl, runBin, seeded, sentimentRows, toCsv } from './helpers.js';

// glossa quantize and train --quantize through the BUILT binary (`pnpm build` first), and quantized bundles
// in every command that loads one: evaluate, predict (one thread and the worker pool), info, serve, queue.

/** Sentiment rows with two of 300 filler words each, so the embedding table is big enough to be int8. */
function rows(n: number, seed: number): Array<{ text: string; label: string }> {
  const random = seeded(seed + 100);
  return sentimentRows(n, seed).map((row) => ({ ...row, text: `${row.text} w${Math.floor(random() * 300)} w${Math.floor(random() * 300)}` }));
}

const BOW = ['--arch', 'bow', '--epochs', '3', '--batch-size', '16', '--learning-rate', '0.02', '--embedding-dim', '32', '--seed', '7'];

let dir: string;
let train: string;
let test: string;
let model: string;

function failure(run: BinRun): string {
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'glossa-quantize-'));
  train = join(dir, 'train.csv');
  test = join(dir, 'test.csv');
  await writeFile(train, toCsv(rows(300, 1)));
  await writeFile(test, toCsv(rows(120, 2)));
  model = join(dir, 'model');
  const trained = await runBin(['train', train, '--out', model, ...BOW]);
  expect(trained.code, trained.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('glossa quantize', () => {
  it('writes an int8 bundle, prints the sizes and, with --eval, the accuracy change', async () => {
    const out = join(dir, 'model-int8');
    const run = await runBin(['quantize', model, '--out', out, '--eval', test]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^evaluating both bundles on .*test\.csv \(120 rows, backend \w+\)…\n$/);
    expect(run.stdout).toMatch(new RegExp(`│ float32 bundle +│ ${model} \\(directory, [\\d.]+ KiB\\)`));
    expect(run.stdout).toMatch(new RegExp(`│ int8 bundle +│ ${out} \\(directory, [\\d.]+ KiB\\)`));
    expect(run.stdout).toMatch(/│ size +│ \d\.\d\d× smaller \([\d,]+ → [\d,]+ bytes\)/);
    expect(run.stdout).toMatch(/│ accuracy +│ \d\.\d{4} → \d\.\d{4} \([+−±]\d\.\d\d points\)/);
    expect(run.stdout).toMatch(/│ macro-F1 +│ \d\.\d{4} → \d\.\d{4} \([+−±]\d\.\d\d points\)/);
    expect(run.stdout).toMatch(/│ changed labels +│ \d+ of 120 rows \(\d+\.\d\d%\)/);
    expect((await readdir(out)).sort()).toEqual(['manifest.json', 'model.json', 'preprocessing.json', 'weights.q.bin']);
  });

  it('--json: sizes, ratio and both evaluations; evaluate, predict and info read the quantized bundle', async () => {
    const out = join(dir, 'model-json.glossa');
    const run = await runBin(['quantize', model, '--out', out, '--eval', test, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as {
      dtype: string;
      float32: { bytes: number; form: string };
      quantized: { bytes: number; form: string };
      ratio: number;
      evaluation: { n: number; float32: { accuracy: number }; quantized: { accuracy: number }; accuracyChange: number; changedPredictions: number };
    };
    expect(report.dtype).toBe('int8');
    expect(report.quantized.form).toBe('file');
    expect(report.ratio).toBeCloseTo(report.float32.bytes / report.quantized.bytes, 10);
    expect(report.ratio).toBeGreaterThan(2.5);
    expect(report.evaluation.n).toBe(120);
    expect(report.evaluation.accuracyChange).toBeCloseTo(report.evaluation.quantized.accuracy - report.evaluation.float32.accuracy, 12);
    // What glossa evaluate says of the quantized bundle is what quantize said.
    const evaluated = JSON.parse((await runBin(['evaluate', out, test, '--json'])).stdout) as { accuracy: number };
    expect(evaluated.accuracy).toBe(report.evaluation.quantized.accuracy);
    // Predictions: close to the float32 model's.
    const texts = rows(20, 3).map((r) => r.text);
    const a = parseJsonl((await runBin(['predict', model, ...texts])).stdout);
    const b = parseJsonl((await runBin(['predict', out, ...texts])).stdout);
    b.forEach((line, i) => {
      const pa = a[i]!.scores as Record<string, number>;
      const pb = line.scores as Record<string, number>;
      for (const label of Object.keys(pa)) expect(Math.abs(pa[label]! - pb[label]!)).toBeLessThan(0.05);
    });
    const info = await runBin(['info', out]);
    expect(info.stdout).toMatch(/│ format +│ glossa-bundle v3/);
    expect(info.stdout).toMatch(/│ weights +│ int8 \(quantized\): embeddings int8 per row/);
    expect((await runBin(['info', model])).stdout).toMatch(/│ weights +│ float32 /);
    const infoJson = JSON.parse((await runBin(['info', out, '--json'])).stdout) as { manifest: { quantization: { dtype: string } } };
    expect(infoJson.manifest.quantization.dtype).toBe('int8');
  });

  it('float16: about half the weights; predictions within 1e-3', async () => {
    const out = join(dir, 'model-f16');
    const run = await runBin(['quantize', model, '--dtype', 'float16', '--out', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { dtype: string }).dtype).toBe('float16');
    const texts = rows(10, 4).map((r) => r.text);
    const a = parseJsonl((await runBin(['predict', model, ...texts])).stdout);
    const b = parseJsonl((await runBin(['predict', out, ...texts])).stdout);
    b.forEach((line, i) => {
      expect(line.label).toBe(a[i]!.label);
      for (const [label, p] of Object.entries(line.scores as Record<string, number>))
        expect(Math.abs(p - (a[i]!.scores as Record<string, number>)[label]!)).toBeLessThan(1e-3);
    });
  });

  it('refuses a quantized input, an unknown dtype, a missing or identical --out, a missing bundle', async () => {
    const once = join(dir, 'once');
    expect((await runBin(['quantize', model, '--out', once])).code).toBe(0);
    const twice = await runBin(['quantize', once, '--out', join(dir, 'twice')]);
    expect(twice.code).toBe(1);
    expect(failure(twice)).toBe(`glossa: ${once} is already quantized (int8). Quantize the float32 bundle it was made from: quantizing twice only adds error`);
    const dtype = await runBin(['quantize', model, '--dtype', 'int4', '--out', join(dir, 'x')]);
    expect(dtype.code).toBe(2);
    expect(failure(dtype)).toBe('glossa: --dtype must be one of int8, float16 (got int4)');
    const noOut = await runBin(['quantize', model]);
    expect(noOut.code).toBe(2);
    expect(failure(noOut)).toBe(`glossa: --out <path> is missing: where to write the quantized bundle, e.g. glossa quantize ${model} --out ${model}-int8`);
    const same = await runBin(['quantize', model, '--out', model]);
    expect(same.code).toBe(2);
    expect(failure(same)).toMatch(
      /^glossa: --out .* is the bundle being quantized: write the quantized copy elsewhere \(e\.g\. --out .*model-int8\) and keep the float32 bundle$/,
    );
    const missing = await runBin(['quantize', join(dir, 'nothing'), '--out', join(dir, 'y')]);
    expect(missing.code).toBe(1);
    expect(failure(missing)).toMatch(/nothing does not exist: no model there/);
  });
});

describe('glossa train --quantize', () => {
  it('saves the trained model quantized and says how much smaller it is', async () => {
    const out = join(dir, 'ngram-int8.glossa');
    const run = await runBin(['train', train, '--out', out, '--arch', 'ngram', '--quantize', 'int8']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/bundle written to .*ngram-int8\.glossa \([\d.]+ KiB, int8: \d\.\d\d× smaller than float32's [\d.]+ KiB\)/);
    const info = JSON.parse((await runBin(['info', out, '--json'])).stdout) as {
      manifest: { formatVersion: number; quantization: { dtype: string; ngram: { keyBits: number } } };
    };
    expect(info.manifest.formatVersion).toBe(3);
    expect(info.manifest.quantization.dtype).toBe('int8');
    expect(info.manifest.quantization.ngram.keyBits).toBeGreaterThanOrEqual(32);
    const json = await runBin(['train', train, '--out', join(dir, 'ngram-f16'), '--arch', 'ngram', '--quantize', 'float16', '--json']);
    const result = JSON.parse(json.stdout) as { bundleBytes: number; quantization: { dtype: string; float32Bytes: number } };
    expect(result.quantization.dtype).toBe('float16');
    expect(result.quantization.float32Bytes).toBeGreaterThan(result.bundleBytes);
    const bad = await runBin(['train', train, '--out', join(dir, 'z'), '--quantize', 'int2']);
    expect(bad.code).toBe(2);
    expect(failure(bad)).toBe('glossa: --quantize must be one of int8, float16 (got int2)');
  });
});

describe('quantized bundles in the prediction pool, serve and the queue', () => {
  let quantized: string;
  let input: string;
  beforeAll(async () => {
    quantized = join(dir, 'pool-int8');
    expect((await runBin(['quantize', model, '--out', quantized])).code).toBe(0);
    input = join(dir, 'many.jsonl');
    await writeFile(
      input,
      `${rows(3000, 9)
        .map((r, i) => JSON.stringify({ id: i, text: r.text }))
        .join('\n')}\n`,
    );
  });

  it('predict --threads 2 (worker threads) writes what one thread writes', async () => {
    const one = await runBin(['predict', quantized, '--input', input, '--threads', '1', '--id-column', 'id']);
    const two = await runBin(['predict', quantized, '--input', input, '--threads', '2', '--id-column', 'id']);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout.split('\n')).toHaveLength(3001);
    expect(two.stdout).toBe(one.stdout);
  });

  it('serve answers with the quantized model, as predict scores it', async () => {
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, 'serve', quantized, '--port', '0', '--log-level', 'silent'], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.stdout.resume();
      const started = Date.now();
      let url: string | undefined;
      while (url === undefined) {
        if (Date.now() - started > 60_000) throw new Error(`serve did not get ready: ${stderr}`);
        url = /POST (http:\/\/127\.0\.0\.1:\d+)\/v1\/predict/.exec(stderr)?.[1];
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const texts = rows(5, 6).map((r) => r.text);
      const response = await fetch(`${url}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts }) });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { predictions: Array<{ label: string; scores: Record<string, number> }> };
      const expected = parseJsonl((await runBin(['predict', quantized, ...texts])).stdout);
      body.predictions.forEach((p, i) => {
        expect(p.label).toBe(expected[i]!.label);
        for (const [label, score] of Object.entries(p.scores)) expect(score).toBeCloseTo((expected[i]!.scores as Record<string, number>)[label]!, 6);
      });
      const described = (await (await fetch(`${url}/v1/model`)).json()) as { manifest: { quantization?: { dtype: string } } };
      expect(described.manifest.quantization?.dtype).toBe('int8');
    } finally {
      child.kill('SIGTERM');
    }
  });

  describe('on a real Redis', () => {
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it('queue workers score a quantized bundle exactly as predict does', async () => {
      const env = { GLOSSA_REDIS_URL: redis.url };
      const expected = await runBin(['predict', quantized, '--input', input, '--id-column', 'id']);
      expect((await runBin(['queue', 'submit', quantized, input, '--name', 'int8', '--chunk-size', '1000', '--id-column', 'id'], { env })).code).toBe(0);
      const worker = spawn(process.execPath, [BIN, 'queue', 'work'], { env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
      worker.stdout.resume();
      worker.stderr.resume();
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      const out = join(dir, 'queued.jsonl');
      const collected = await runBin(['queue', 'collect', 'int8', '--out', out, '--wait'], { env });
      worker.kill('SIGTERM');
      await exited;
      expect(collected.code, collected.stderr).toBe(0);
      expect(await readFile(out, 'utf8')).toBe(expected.stdout);
    }, 120_000);
  });
});
