import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runBin, seeded, sentimentRows, toCsv } from './helpers.js';

// glossa evaluate --report / --json through the built binary, on a small n-gram model (trains in seconds).

let dir: string;
let binaryModel: string;
let threeModel: string;

/** Sentiment rows whose label is flipped for about a fifth of them, so the model makes mistakes. */
function noisyRows(n: number, seed: number): Array<{ text: string; label: string }> {
  const random = seeded(seed + 100);
  return sentimentRows(n, seed).map((row) => (random() < 0.2 ? { ...row, label: row.label === 'pos' ? 'neg' : 'pos' } : row));
}

/** Three labels: the sentiment rows plus neutral ones. */
function threeLabelRows(n: number, seed: number): Array<{ text: string; label: string }> {
  const random = seeded(seed);
  const neutral = ['okay', 'average', 'fine', 'mediocre', 'ordinary'];
  return noisyRows(n, seed).map((row, i) =>
    i % 3 === 2
      ? { text: `the film was ${neutral[Math.floor(random() * neutral.length)]} and ${neutral[Math.floor(random() * neutral.length)]}`, label: 'meh' }
      : row,
  );
}

function htmlData(html: string): unknown {
  const match = /<script type="application\/json" id="glossa-data">([\s\S]*?)<\/script>/.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'glossa-report-'));
  await writeFile(join(dir, 'train.csv'), toCsv(noisyRows(300, 1)));
  await writeFile(join(dir, 'test.csv'), toCsv(noisyRows(120, 2)));
  await writeFile(join(dir, 'train3.csv'), toCsv(threeLabelRows(300, 3)));
  await writeFile(join(dir, 'test3.csv'), toCsv(threeLabelRows(90, 4)));
  binaryModel = join(dir, 'binary');
  threeModel = join(dir, 'three');
  const runs = await Promise.all([
    runBin(['train', join(dir, 'train.csv'), '--out', binaryModel, '--arch', 'ngram']),
    runBin(['train', join(dir, 'train3.csv'), '--out', threeModel, '--arch', 'ngram']),
  ]);
  for (const run of runs) expect(run.stderr).not.toMatch(/glossa:/);
}, 180_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('glossa evaluate --report and --json', () => {
  it('writes a self-contained HTML report holding the same data as --json', async () => {
    const report = join(dir, 'sub', 'report.html');
    const run = await runBin(['evaluate', binaryModel, join(dir, 'test.csv'), '--report', report, '--json', '--worst', '5']);
    expect(run.stderr).not.toMatch(/glossa:/);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`report written to ${report}`);
    const json = JSON.parse(run.stdout) as Record<string, unknown> & {
      n: number;
      rocAuc: number;
      confusionMatrix: number[][];
      curves: Array<{
        label: string;
        rocAuc: number;
        averagePrecision: number;
        roc: Array<{ fpr: number; tpr: number }>;
        pr: Array<{ recall: number; precision: number }>;
      }>;
      thresholds: Array<{ threshold: number; tp: number; fp: number; tn: number; fn: number }>;
      calibration: { bins: Array<{ count: number }>; expectedCalibrationError: number };
      misclassified: Array<{
        line: number;
        text: string;
        label: string;
        predicted: string;
        confidence: number;
        tokens: Array<{ token: string; score: number }>;
      }>;
      misclassifiedCount: number;
      positiveLabel: string;
    };
    expect(json.n).toBe(120);
    expect(json.positiveLabel).toBe('pos');
    expect(json.curves).toHaveLength(1);
    expect(json.curves[0]!.rocAuc).toBeCloseTo(json.rocAuc, 10);
    expect(json.curves[0]!.roc[0]).toMatchObject({ fpr: 0, tpr: 0, threshold: null });
    expect(json.curves[0]!.roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect(json.curves[0]!.pr[0]).toMatchObject({ recall: 0, precision: 1, threshold: null });
    expect(json.thresholds.map((t) => t.threshold)).toContain(0.5);
    for (const t of json.thresholds) expect(t.tp + t.fp + t.tn + t.fn).toBe(120);
    expect(json.calibration.bins).toHaveLength(10);
    expect(json.calibration.bins.reduce((s, b) => s + b.count, 0)).toBe(120);
    const [[tn, fp], [fn, tp]] = json.confusionMatrix as [[number, number], [number, number]];
    expect(json.misclassifiedCount).toBe(fp + fn);
    expect(json.misclassifiedCount).toBeGreaterThan(5);
    expect(json.misclassified).toHaveLength(5);
    expect(tn + tp).toBe(120 - json.misclassifiedCount);
    const confidences = json.misclassified.map((e) => e.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    for (const example of json.misclassified) {
      expect(example.predicted).not.toBe(example.label);
      expect(example.tokens.map((t) => t.token).join(' ')).toBe(example.text);
    }
    const html = await readFile(report, 'utf8');
    expect(htmlData(html)).toEqual(json);
    expect(html).toContain('<svg');
    for (const id of ['confusion', 'per-label', 'curves', 'calibration', 'thresholds', 'errors']) expect(html).toContain(`id="${id}"`);
    // Nothing is fetched: no external URL in any src or href, and a policy that forbids fetching.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain("default-src 'none'");
  });

  it('draws one-vs-rest curves and no threshold table for three labels', async () => {
    const run = await runBin(['evaluate', threeModel, join(dir, 'test3.csv'), '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as {
      labels: string[];
      curves: Array<{ label: string; rocAuc: number }>;
      thresholds: null;
      macroRocAuc: number;
      positiveLabel: null;
    };
    expect(json.labels).toEqual(['meh', 'neg', 'pos']);
    expect(json.curves.map((c) => c.label)).toEqual(['meh', 'neg', 'pos']);
    expect(json.thresholds).toBeNull();
    expect(json.positiveLabel).toBeNull();
    expect(json.macroRocAuc).toBeCloseTo(json.curves.reduce((s, c) => s + c.rocAuc, 0) / 3, 12);
    const html = join(dir, 'three.html');
    const written = await runBin(['evaluate', threeModel, join(dir, 'test3.csv'), '--report', html]);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(`report written to ${html}`);
    expect(written.stdout).toContain('Confusion matrix');
    const page = await readFile(html, 'utf8');
    expect(page).not.toContain('id="thresholds"');
    expect(page).toContain('macro ROC AUC');
  });

  it('keeps the plain output without --report, and says where a report cannot be written', async () => {
    const plain = await runBin(['evaluate', binaryModel, join(dir, 'test.csv')]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain('report written');
    const blocked = join(dir, 'blocked');
    await writeFile(blocked, 'a file, not a folder');
    const run = await runBin(['evaluate', binaryModel, join(dir, 'test.csv'), '--report', join(blocked, 'report.html')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^glossa: cannot write the report to .*blocked\/report\.html/);
    const usage = await runBin(['evaluate', binaryModel, join(dir, 'test.csv'), '--worst', '-1']);
    expect(usage.code).toBe(2);
  });
});
