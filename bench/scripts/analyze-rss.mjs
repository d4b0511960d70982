#!/usr/bin/env node
// `glossa analyze` over a large generated file in bounded memory: generates --rows CSV rows (seeded review-like
// texts, 20 regions, dates over 26 weeks, a few rows without a region or with an unreadable date) in a new
// temporary folder (never in the repository), trains a small n-gram model there unless --bundle is given, then
// runs `glossa analyze <bundle> data.csv --by region --time date --every week --report … --json` twice: on the
// first 10,000 rows (the baseline) and on all rows. Samples the process's resident set size from /proc every
// 200 ms and reports each run's peak, and the growth: peak(all rows) − peak(10,000 rows), the memory that grows
// with the input. Removes the folder at the end unless --keep.
//
// usage: node bench/scripts/analyze-rss.mjs [--rows 1000000] [--bundle <model>] [--bin apps/cli/dist/bin.js] [--keep] [--json <file>]
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRng } from '@glossa/math';

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    rows: { type: 'string', default: '1000000' },
    bundle: { type: 'string' },
    bin: { type: 'string', default: fileURLToPath(new URL('../../apps/cli/dist/bin.js', import.meta.url)) },
    keep: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const rows = Number(values.rows);
const BASELINE_ROWS = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'glossa-analyze-rss-'));

/** Uniform numbers in [0, 1) from @glossa/math's seeded generator: the same file on every run. */
function seeded(seed) {
  const rng = createRng(seed);
  return () => rng.next();
}

const POSITIVE = ['great', 'excellent', 'friendly', 'fast', 'helpful', 'love', 'perfect', 'recommend', 'quick', 'reliable'];
const NEGATIVE = ['late', 'broken', 'rude', 'slow', 'refund', 'never', 'worst', 'damaged', 'missing', 'waited'];
const FILLER = [
  'the',
  'delivery',
  'order',
  'staff',
  'product',
  'was',
  'really',
  'very',
  'service',
  'and',
  'a',
  'store',
  'app',
  'price',
  'again',
  'my',
  'it',
  'this',
  'time',
  'support',
];
const REGIONS = Array.from({ length: 20 }, (_, i) => `region-${String(i + 1).padStart(2, '0')}`);

/** Writes `n` rows; region-07 turns negative in the last week. */
async function writeData(path, n, seed, withMeta) {
  const random = seeded(seed);
  const pick = (words) => words[Math.floor(random() * words.length)];
  const out = createWriteStream(path);
  out.write(withMeta ? 'id,text,region,date\n' : 'text,label\n');
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    const region = REGIONS[Math.floor(random() * REGIONS.length)];
    const day = Math.floor(random() * 182);
    const late = region === 'region-07' && day >= 175;
    const positive = random() < (late ? 0.35 : 0.6);
    const words = Array.from({ length: 8 + Math.floor(random() * 10) }, () => (random() < 0.25 ? pick(positive ? POSITIVE : NEGATIVE) : pick(FILLER)));
    const text = words.join(' ');
    let line;
    if (withMeta) {
      const date = random() < 0.0005 ? 'unknown' : new Date(start + day * 86_400_000 + Math.floor(random() * 86_400_000)).toISOString();
      line = `${i},${text},${random() < 0.0005 ? '' : region},${date}\n`;
    } else line = `${text},${positive ? 'pos' : 'neg'}\n`;
    if (!out.write(line)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}

function rssKiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}

/** Runs analyze, sampling RSS; returns peak, samples and time. */
async function analyze(bundle, data, report, jsonOut) {
  const args = [values.bin, 'analyze', bundle, data, '--by', 'region', '--time', 'date', '--every', 'week', '--report', report, '--json'];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createWriteStream(jsonOut);
  child.stdout.pipe(out);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
    process.stderr.write(chunk);
  });
  const samples = [];
  const timer = setInterval(() => {
    const kib = rssKiB(child.pid);
    if (Number.isFinite(kib)) samples.push({ seconds: (performance.now() - started) / 1000, mib: kib / 1024 });
  }, 200);
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`glossa analyze exited ${code}:\n${stderr}`);
  const seconds = (performance.now() - started) / 1000;
  const peak = Math.max(...samples.map((s) => s.mib));
  const at = (fraction) => samples[Math.min(samples.length - 1, Math.floor(samples.length * fraction))]?.mib ?? Number.NaN;
  return { seconds, peakMiB: peak, rssAt25: at(0.25), rssAt50: at(0.5), rssAt75: at(0.75), samples: samples.length };
}

try {
  const data = join(dir, 'data.csv');
  const small = join(dir, 'first-10000.csv');
  console.error(`writing ${rows.toLocaleString('en-US')} rows to ${data} …`);
  await writeData(data, rows, 1, true);
  await writeData(small, BASELINE_ROWS, 1, true);
  let bundle = values.bundle;
  if (bundle === undefined) {
    const train = join(dir, 'train.csv');
    await writeData(train, 5_000, 2, false);
    bundle = join(dir, 'model');
    console.error('training a small n-gram model …');
    const trained = spawnSync(process.execPath, [values.bin, 'train', train, '--out', bundle, '--arch', 'ngram'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (trained.status !== 0) throw new Error('glossa train failed');
  }
  const baseline = await analyze(bundle, small, join(dir, 'small.html'), join(dir, 'small.json'));
  const full = await analyze(bundle, data, join(dir, 'report.html'), join(dir, 'analysis.json'));
  const analysis = JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8'));
  const commit = spawnSync('git', ['-C', fileURLToPath(new URL('.', import.meta.url)), 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const result = {
    date: new Date().toISOString(),
    commit,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    command: `glossa analyze <bundle> data.csv --by region --time date --every week --report report.html --json`,
    rows,
    fileMiB: statSync(data).size / 2 ** 20,
    analyzed: analysis.rows,
    baseline: { rows: BASELINE_ROWS, ...baseline },
    full,
    growthMiB: full.peakMiB - baseline.peakMiB,
    rowsPerSecond: analysis.rowsPerSecond,
    movedMost: analysis.movers[0] && { group: analysis.movers[0].group, label: analysis.movers[0].label, difference: analysis.movers[0].difference },
    reportBytes: statSync(join(dir, 'report.html')).size,
  };
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `\n${rows.toLocaleString('en-US')} rows (${result.fileMiB.toFixed(0)} MiB) in ${full.seconds.toFixed(0)} s (${Math.round(result.rowsPerSecond).toLocaleString('en-US')} rows/s while reading): ` +
      `peak RSS ${full.peakMiB.toFixed(0)} MiB, ${baseline.peakMiB.toFixed(0)} MiB on ${BASELINE_ROWS.toLocaleString('en-US')} rows: growth ${result.growthMiB.toFixed(0)} MiB`,
  );
} finally {
  if (values.keep) console.error(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
