import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeParquetFile } from '../../../packages/node-runtime/test/parquet-files.js';
import { assertBuilt, BIN, runBin, seeded, sentimentRows, toCsv, toJsonl } from './helpers.js';

// glossa analyze through the built binary, on data whose predicted labels are known: an n-gram model trained
// on separable sentiment rows labels texts made of the same words as intended.

const POSITIVE = ['great', 'excellent', 'wonderful', 'superb', 'loved'];
const NEGATIVE = ['awful', 'terrible', 'boring', 'horrible', 'hated'];

let dir: string;
let model: string;

interface Row {
  id: number;
  text: string;
  region: string;
  date: string;
}

/** Rows over six ISO weeks of 2024 (from Monday 2024-01-01); `negativeShare(region, week)` sets each cell's share. */
function rows(perCell: number, regions: readonly string[], negativeShare: (region: string, week: number) => number, seed: number): Row[] {
  const random = seeded(seed);
  const pick = (words: readonly string[]): string => words[Math.floor(random() * words.length)]!;
  const out: Row[] = [];
  for (let week = 0; week < 6; week++) {
    for (const region of regions) {
      const negatives = Math.round(perCell * negativeShare(region, week));
      for (let i = 0; i < perCell; i++) {
        const words = i < negatives ? NEGATIVE : POSITIVE;
        const day = new Date(Date.UTC(2024, 0, 1 + week * 7 + (i % 7), 10 + (i % 12)));
        out.push({ id: out.length + 1, text: `the film was ${pick(words)} and ${pick(words)}`, region, date: day.toISOString() });
      }
    }
  }
  return out;
}

function csv(data: readonly Row[]): string {
  return `id,text,region,date\n${data.map((r) => `${r.id},"${r.text}",${r.region},${r.date}`).join('\n')}\n`;
}

interface Analysis {
  labels: string[];
  rows: { read: number; analyzed: number; withoutGroup: number; withoutTime: number; inOtherGroups: number };
  withoutGroup: Array<{ line: number }>;
  withoutTime: Array<{ line: number; value?: string }>;
  overall: { n: number; shares: Array<{ label: string; count: number; share: number; lower: number; upper: number }> };
  groups: Array<{ group: string; n: number; shares: Array<{ label: string; count: number; share: number; lower: number; upper: number }> }>;
  periods: string[];
  series: Array<{ group: string; period: string; n: number }>;
  comparison: { before: string; after: string };
  movers: Array<{
    group: string;
    label: string;
    difference: number;
    lower: number;
    upper: number;
    atLeast: number;
    qValue: number;
    before: { n: number };
    after: { n: number };
  }>;
  terms: {
    sampling: { perGroupAndLabel: number; seed: number; groups: string[]; textsExplained: number };
    groups: Array<{
      group: string;
      label: string;
      textsExplained: number;
      textsPredicted: number;
      terms: Array<{ term: string; contribution: number; texts: number }>;
    }>;
  };
  timezone: string;
  every: string | null;
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'glossa-analyze-'));
  await writeFile(join(dir, 'train.csv'), toCsv(sentimentRows(300, 1)));
  model = join(dir, 'model');
  const trained = await runBin(['train', join(dir, 'train.csv'), '--out', model, '--arch', 'ngram']);
  expect(trained.stderr).not.toMatch(/glossa:/);
}, 120_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('glossa analyze', () => {
  it('aggregates label shares by group and ISO week, finds the group that moved, explains a sample, and writes JSON, CSV and a report', async () => {
    // north turns negative in the last week (2024-W06): 20% → 80%; the others stay at 30%.
    const data = rows(40, ['north', 'south', 'east'], (region, week) => (region === 'north' && week === 5 ? 0.8 : region === 'north' ? 0.2 : 0.3), 5);
    data[83]!.region = '';
    data[10]!.date = 'last tuesday';
    data[11]!.date = '';
    await writeFile(join(dir, 'reviews.csv'), csv(data));
    const report = join(dir, 'analysis.html');
    const tables = join(dir, 'tables');
    const run = await runBin([
      'analyze',
      model,
      join(dir, 'reviews.csv'),
      '--by',
      'region',
      '--time',
      'date',
      '--every',
      'week',
      '--json',
      '--report',
      report,
      '--csv',
      tables,
      '--sample',
      '5',
    ]);
    expect(run.stderr).not.toMatch(/glossa:/);
    expect(run.code).toBe(0);
    const r = JSON.parse(run.stdout) as Analysis;
    expect(r.labels).toEqual(['neg', 'pos']);
    expect(r.timezone).toBe('UTC');
    expect(r.rows).toEqual({ read: 720, analyzed: 720, skipped: 0, withoutGroup: 1, withoutTime: 2, inOtherGroups: 0 });
    // Lines: the header is line 1, row i is line i + 2.
    expect(r.withoutGroup).toEqual([{ line: 85 }]);
    expect(r.withoutTime).toEqual([
      { line: 12, value: 'last tuesday' },
      { line: 13, value: '' },
    ]);
    expect(run.stderr).toMatch(/1 row without a "region" value.*first at line 85/);
    expect(run.stderr).toMatch(/2 rows without a readable "date" time.*line 12 "last tuesday"/);
    expect(r.periods).toEqual(['2024-W01', '2024-W02', '2024-W03', '2024-W04', '2024-W05', '2024-W06']);
    const north = r.groups.find((g) => g.group === 'north')!;
    expect(north.n).toBe(240);
    const northNeg = north.shares.find((s) => s.label === 'neg')!;
    expect(northNeg.count).toBe(5 * 8 + 32);
    expect(northNeg.lower).toBeLessThan(northNeg.share);
    expect(northNeg.upper).toBeGreaterThan(northNeg.share);
    expect(r.overall.n).toBe(720);
    expect(r.overall.shares.reduce((s, x) => s + x.count, 0)).toBe(720);
    expect(r.series.filter((p) => p.group === '(all)').map((p) => p.period)).toEqual(r.periods);
    expect(r.comparison).toEqual({ before: '2024-W05', after: '2024-W06' });
    expect(r.movers[0]).toMatchObject({ group: 'north', label: 'neg' });
    expect(r.movers[0]!.difference).toBeCloseTo(0.8 - 0.2, 1);
    expect(r.movers[0]!.lower).toBeGreaterThan(0);
    expect(r.movers[0]!.qValue).toBeLessThan(0.001);
    expect(r.movers.slice(1).every((m) => m.atLeast === 0)).toBe(true);
    expect(r.terms.sampling).toMatchObject({ perGroupAndLabel: 5, seed: 42, textsExplained: 30 });
    const northTerms = r.terms.groups.find((t) => t.group === 'north' && t.label === 'neg')!;
    expect(northTerms.textsExplained).toBe(5);
    expect(northTerms.terms.map((t) => t.term).every((t) => NEGATIVE.includes(t) || ['the', 'film', 'was', 'and'].includes(t))).toBe(true);
    expect(NEGATIVE).toContain(northTerms.terms[0]!.term);
    expect(r.terms.groups.filter((t) => t.group === '(all)').map((t) => t.label)).toEqual(['neg', 'pos']);

    const html = await readFile(report, 'utf8');
    const embedded = JSON.parse(/<script type="application\/json" id="glossa-data">([\s\S]*?)<\/script>/.exec(html)![1]!);
    expect(embedded).toEqual(r);
    for (const id of ['shares', 'over-time', 'movers', 'terms', 'data']) expect(html).toContain(`id="${id}"`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);

    const shares = parse(await readFile(join(tables, 'shares.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(shares.map((s) => s.region)).toEqual(['(all)', 'north', 'south', 'east']);
    expect(Number(shares.find((s) => s.region === 'north')!['count:neg'])).toBe(72);
    const movers = parse(await readFile(join(tables, 'movers.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(movers[0]).toMatchObject({ region: 'north', label: 'neg', before: '2024-W05', after: '2024-W06' });
    const series = parse(await readFile(join(tables, 'series.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(series.length).toBe(6 * 4);
    expect((await readFile(join(tables, 'terms.csv'), 'utf8')).split('\n')[0]).toBe(
      'region,label,rank,term,contribution,texts,texts_explained,texts_predicted',
    );
  });

  it('compares the first half of the input with the second without --time, and reads JSONL', async () => {
    // west: 10% negative in the first half of the file, 70% in the second; east stays at 40%.
    const half = (negativeShare: (region: string) => number, seed: number): Row[] =>
      rows(25, ['east', 'west'], (region) => negativeShare(region), seed).slice(0, 150);
    const data = [...half((r) => (r === 'west' ? 0.1 : 0.4), 7), ...half((r) => (r === 'west' ? 0.7 : 0.4), 8)];
    await writeFile(join(dir, 'halves.jsonl'), toJsonl(data.map(({ text, region }) => ({ text, shop: { west: 'West', east: 'East' }[region] }))));
    const run = await runBin(['analyze', model, join(dir, 'halves.jsonl'), '--by', 'shop', '--json']);
    expect(run.stderr).not.toMatch(/glossa:/);
    const r = JSON.parse(run.stdout) as Analysis;
    expect(r.every).toBeNull();
    expect(r.periods).toEqual([]);
    expect(r.comparison).toEqual({ before: 'first half', after: 'second half' });
    expect(r.movers[0]).toMatchObject({ group: 'West', label: 'neg' });
    expect(r.movers[0]!.before.n + r.movers[0]!.after.n).toBe(150);
    expect(r.movers[0]!.difference).toBeGreaterThan(0.4);
    expect(r.movers.find((m) => m.group === 'East')!.atLeast).toBe(0);
  });

  it('reads epoch seconds and milliseconds, buckets by month, and folds groups beyond --max-groups', async () => {
    const data = Array.from({ length: 60 }, (_, i) => ({
      text: `the film was ${i % 2 === 0 ? 'great' : 'awful'}`,
      store: `store-${i % 4}`,
      at: i % 3 === 0 ? String(Date.UTC(2024, i % 3 === 0 ? 0 : 1, 15)) : String(Date.UTC(2024, (i % 2) + 1, 10) / 1000),
    }));
    await writeFile(join(dir, 'epochs.jsonl'), toJsonl(data));
    const run = await runBin(['analyze', model, join(dir, 'epochs.jsonl'), '--by', 'store', '--time', 'at', '--every', 'month', '--max-groups', '2', '--json']);
    expect(run.code).toBe(0);
    const r = JSON.parse(run.stdout) as Analysis;
    expect(r.periods).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(r.rows.withoutTime).toBe(0);
    expect(r.groups.map((g) => g.group).sort()).toEqual(['(other groups)', 'store-0', 'store-1']);
    expect(r.rows.inOtherGroups).toBe(30);
    expect(run.stderr).toMatch(
      /more than 2 distinct "store" values: 30 rows of further groups are counted together as "\(other groups\)" \(raise --max-groups\)/,
    );
  });

  it('reads Parquet, naming its records by row', async () => {
    const data = rows(10, ['north', 'south'], (region, week) => (region === 'south' && week === 5 ? 0.9 : 0.2), 12);
    data[6]!.region = '';
    const path = join(dir, 'reviews.parquet');
    writeParquetFile(path, [
      { name: 'text', data: data.map((r) => r.text), type: 'STRING' },
      { name: 'region', data: data.map((r) => r.region), type: 'STRING' },
      { name: 'date', data: data.map((r) => r.date), type: 'STRING' },
    ]);
    const run = await runBin(['analyze', model, path, '--by', 'region', '--time', 'date', '--json']);
    expect(run.code).toBe(0);
    const r = JSON.parse(run.stdout) as Analysis & { format: string };
    expect(r.format).toBe('parquet');
    expect(r.rows).toMatchObject({ read: 120, analyzed: 120, withoutGroup: 1 });
    expect(r.withoutGroup).toEqual([{ line: 7 }]);
    expect(run.stderr).toMatch(/1 row without a "region" value.*first at row 7\)/);
    expect(r.movers[0]).toMatchObject({ group: 'south', label: 'neg' });
  });

  it('names --by in a missing-column message, and refuses --every without --time', async () => {
    await writeFile(join(dir, 'regions.csv'), csv(rows(2, ['north'], () => 0.5, 9)));
    const missing = await runBin(['analyze', model, join(dir, 'regions.csv'), '--by', 'regoin']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no column "regoin".*Did you mean "region"\? Rename the column or set --by to "region"/);
    const usage = await runBin(['analyze', model, join(dir, 'regions.csv'), '--by', 'region', '--every', 'day']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--every needs --time <column>');
    const noBy = await runBin(['analyze', model, join(dir, 'regions.csv')]);
    expect(noBy.code).toBe(2);
    expect(noBy.stderr).toMatch(/--by <column>/);
  });

  it('shows a progress bar on a terminal (a real pseudo-terminal via util-linux script) and tables on stdout', async () => {
    await writeFile(join(dir, 'tty.csv'), csv(rows(30, ['north', 'south'], () => 0.5, 11)));
    const command = [process.execPath, BIN, 'analyze', model, join(dir, 'tty.csv'), '--by', 'region', '--time', 'date']
      .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
      .join(' ');
    const tty = await new Promise<string>((resolve, reject) => {
      execFile('script', ['-qec', command, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' } }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
    });
    expect(tty).toMatch(/reading .*%\s+[\d,]+ rows/);
    expect(tty).toContain('Label shares by region');
    expect(tty).toContain('Groups that moved most: 2024-W05 → 2024-W06');
    expect(tty).toContain('Terms that drive each label');
    const piped = await runBin(['analyze', model, join(dir, 'tty.csv'), '--by', 'region']);
    expect(piped.stderr).not.toContain('reading');
    expect(piped.stderr).toMatch(/analyzed 360 rows in/);
  });
});
