#!/usr/bin/env node
// A ~1 GB Parquet file of short texts through `glossa predict`, its resident set sampled as it runs (issue 11's
// target: RSS growth < 300 MB). Everything is written to the directory given (never into the repository):
//
//   1. big.parquet: short texts (6–14 words of a 60,000-word made-up vocabulary, a few with a sentiment word)
//      with an INT64 id and a low-cardinality `lang` column, snappy-compressed (Spark's default), in row
//      groups of 1,048,576 rows (pyarrow's default) — without offset indexes unless --offset-index (pyarrow
//      writes none by default; without them a slice of a row group needs the group's whole column chunk, the
//      harder case for memory);
//   2. a small bow model trained by `glossa train` on 4,000 generated rows (or --bundle <dir>);
//   3. a baseline: the same predict command on a 10,000-row Parquet file (the model, TensorFlow.js and the
//      worker threads loaded: what any run costs);
//   4. `glossa predict <bundle> --input big.parquet --verbose > /dev/null`, VmRSS and VmHWM of the process
//      sampled from /proc/<pid>/status every 100 ms (worker threads share the process, so they count).
//
// Reports the start RSS (the baseline's peak: what the command holds before the input's size matters), the
// big run's peak (the kernel's high-water mark VmHWM, which catches peaks between samples, and the highest
// sample), the growth between them, rows, wall time and rows/s, and the RSS over time.
//
// usage: pnpm build && node bench/scripts/parquet-rss.mjs <empty-or-new-temp-dir> [--gb 1] [--bundle dir]
//          [--offset-index] [--threads auto|N] [--keep] [--glossa path/to/apps/cli/dist/bin.js]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRng } from '@glossa/math';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const { values, positionals } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  allowPositionals: true,
  options: {
    gb: { type: 'string', default: '1' },
    bundle: { type: 'string' },
    'offset-index': { type: 'boolean', default: false },
    threads: { type: 'string', default: 'auto' },
    keep: { type: 'boolean', default: false },
    glossa: { type: 'string' },
  },
});
// --glossa: another build's bin.js (e.g. a copy of the built packages, safe from rebuilds during a long run).
const bin = resolve(values.glossa ?? join(repo, 'apps', 'cli', 'dist', 'bin.js'));
const dir = positionals[0];
if (dir === undefined) {
  console.error('usage: node bench/scripts/parquet-rss.mjs <temp-dir> [--gb 1] [--bundle dir] [--offset-index] [--threads auto|N] [--keep] [--glossa bin.js]');
  process.exit(2);
}
if (resolve(dir).startsWith(`${repo}/`)) {
  console.error(`parquet-rss: ${dir} is inside the repository; give a directory under /tmp or another disk.`);
  process.exit(2);
}
if (!existsSync(bin)) {
  console.error(`parquet-rss: ${bin} does not exist: run "pnpm build" first.`);
  process.exit(2);
}
mkdirSync(dir, { recursive: true });

// hyparquet-writer is node-runtime's dependency, not the bench's: load it from there.
const fromRuntime = createRequire(join(repo, 'packages', 'node-runtime', 'package.json'));
const { ParquetWriter, fileWriter } = await import(pathToFileURL(fromRuntime.resolve('hyparquet-writer')).href);

/** Uniform numbers in [0, 1) from @glossa/math's seeded generator: the same data on every run. */
function seeded(seed) {
  const rng = createRng(seed);
  return () => rng.next();
}

const random = seeded(42);
const letters = 'abcdefghijklmnopqrstuvwxyz';
const vocabulary = Array.from({ length: 60_000 }, () =>
  Array.from({ length: 3 + Math.floor(random() * 7) }, () => letters[Math.floor(random() * 26)]).join(''),
);
const POSITIVE = ['great', 'excellent', 'wonderful', 'superb', 'loved', 'fantastic'];
const NEGATIVE = ['awful', 'terrible', 'boring', 'horrible', 'hated', 'dreadful'];
const LANGS = ['en', 'en', 'en', 'de', 'fr', 'es'];

function text(rand, label) {
  const words = [];
  const n = 6 + Math.floor(rand() * 9);
  for (let i = 0; i < n; i++) words.push(vocabulary[Math.floor(rand() ** 2 * vocabulary.length)]);
  const strong = label === 'pos' ? POSITIVE : NEGATIVE;
  words[Math.floor(rand() * n)] = strong[Math.floor(rand() * strong.length)];
  return words.join(' ');
}

const schema = [
  { name: 'root', num_children: 3 },
  { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' },
  { name: 'text', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'lang', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
];

/** Writes `path` with row groups of `groupRows` until it reaches `targetBytes` (or `maxRows`); returns the rows. */
function writeParquet(path, targetBytes, groupRows, maxRows = Number.POSITIVE_INFINITY) {
  const writer = new ParquetWriter({ writer: fileWriter(path), schema, codec: 'SNAPPY' });
  const rand = seeded(7);
  let rows = 0;
  const offsetIndex = values['offset-index'];
  while (rows < maxRows && statSync(path).size < targetBytes) {
    const n = Math.min(groupRows, maxRows - rows);
    const ids = new BigInt64Array(n);
    const texts = new Array(n);
    const langs = new Array(n);
    for (let i = 0; i < n; i++) {
      ids[i] = BigInt(rows + i + 1);
      texts[i] = text(rand, rand() < 0.5 ? 'pos' : 'neg');
      langs[i] = LANGS[(rows + i) % LANGS.length];
    }
    writer.write({
      columnData: [
        { name: 'id', data: ids, offsetIndex },
        { name: 'text', data: texts, offsetIndex },
        { name: 'lang', data: langs, offsetIndex },
      ],
      rowGroupSize: n,
    });
    rows += n;
    process.stderr.write(`\r  ${path}: ${rows.toLocaleString('en-US')} rows, ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB`);
  }
  writer.finish();
  process.stderr.write('\n');
  return rows;
}

function glossa(args) {
  const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.status !== 0) throw new Error(`glossa ${args.join(' ')} failed: ${run.stderr.slice(-2000)}`);
  return run;
}

/** `VmRSS` and `VmHWM` of a live process, in bytes (undefined once it has gone). */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Runs `glossa predict` on `input` with stdout to /dev/null, sampling memory every 100 ms. */
async function measuredPredict(bundle, input) {
  const args = ['predict', bundle, '--input', input, '--threads', values.threads, '--verbose'];
  const started = performance.now();
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
  });
  const samples = [];
  let hwm = 0;
  const timer = setInterval(() => {
    const memory = memoryOf(child.pid);
    if (memory === undefined || Number.isNaN(memory.rss)) return;
    samples.push({ seconds: (performance.now() - started) / 1000, rss: memory.rss });
    hwm = Math.max(hwm, memory.hwm);
  }, 100);
  const code = await new Promise((done) => child.on('close', done));
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`glossa predict failed (${code}): ${stderr.slice(-2000)}`);
  const predicted = /predicted (\d+) texts in ([\d.]+)s/.exec(stderr);
  const peakSampled = Math.max(...samples.map((s) => s.rss));
  return {
    command: `node apps/cli/dist/bin.js ${args.join(' ')} > /dev/null`,
    seconds,
    predictSeconds: predicted ? Number(predicted[2]) : undefined,
    texts: predicted ? Number(predicted[1]) : undefined,
    peakRss: Math.max(peakSampled, hwm),
    peakSampledRss: peakSampled,
    samples,
  };
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const big = join(dir, 'big.parquet');
const target = Number(values.gb) * 2 ** 30;
console.error(
  `writing ${mib(target)} of Parquet to ${big} (snappy, row groups of 1,048,576 rows, ${values['offset-index'] ? 'with' : 'without'} offset indexes)…`,
);
const generateStarted = performance.now();
const rows = writeParquet(big, target, 1_048_576);
const generateSeconds = (performance.now() - generateStarted) / 1000;
const small = join(dir, 'small.parquet');
writeParquet(small, Number.POSITIVE_INFINITY, 10_000, 10_000);

let bundle = values.bundle;
if (bundle === undefined) {
  const rand = seeded(3);
  const lines = ['text,label'];
  for (let i = 0; i < 4000; i++) {
    const label = i % 2 === 0 ? 'pos' : 'neg';
    lines.push(`"${text(rand, label)}",${label}`);
  }
  writeFileSync(join(dir, 'train.csv'), `${lines.join('\n')}\n`);
  bundle = join(dir, 'model');
  console.error(`training a bow model on 4,000 rows → ${bundle}…`);
  glossa(['train', join(dir, 'train.csv'), '--out', bundle, '--arch', 'bow', '--epochs', '2', '--seed', '1']);
}

console.error('baseline: predict on a 10,000-row Parquet file…');
const baseline = await measuredPredict(bundle, small);
console.error(`predict on ${big} (${rows.toLocaleString('en-US')} rows)…`);
const run = await measuredPredict(bundle, big);

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
const summary = {
  date: new Date().toISOString(),
  commit,
  machine: `${cpus()[0]?.model.trim()}, ${availableParallelism()} cores, ${mib(totalmem())} RAM, Node ${process.version}`,
  file: { path: big, bytes: statSync(big).size, rows, rowGroups: Math.ceil(rows / 1_048_576), offsetIndex: values['offset-index'], generateSeconds },
  command: run.command,
  startRss: baseline.peakRss,
  peakRss: run.peakRss,
  peakSampledRss: run.peakSampledRss,
  growth: run.peakRss - baseline.peakRss,
  seconds: run.seconds,
  predictSeconds: run.predictSeconds,
  texts: run.texts,
  rowsPerSecond: rows / run.seconds,
  textsPerSecondPredicting: run.texts !== undefined && run.predictSeconds ? run.texts / run.predictSeconds : undefined,
  rssTimeline: run.samples.filter((_, i) => i % 50 === 0).map((s) => [Number(s.seconds.toFixed(1)), Math.round(s.rss / 2 ** 20)]),
};
writeFileSync(join(dir, 'parquet-rss.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(
  [
    `machine: ${summary.machine}`,
    `date: ${summary.date}, commit ${commit}`,
    `file: ${big}, ${mib(summary.file.bytes)}, ${rows.toLocaleString('en-US')} rows in ${summary.file.rowGroups} row groups, snappy, ${values['offset-index'] ? 'with' : 'no'} offset indexes (written in ${generateSeconds.toFixed(0)} s)`,
    `command: ${run.command}`,
    `start RSS: ${mib(baseline.peakRss)} (the same command's peak on a 10,000-row file: model, TensorFlow.js, worker threads)`,
    `peak RSS: ${mib(run.peakRss)} (VmHWM; highest 100 ms sample ${mib(run.peakSampledRss)})`,
    `RSS growth: ${mib(summary.growth)}`,
    `time: ${run.seconds.toFixed(1)} s wall (${run.predictSeconds?.toFixed(1)} s reading and predicting), ${Math.round(summary.rowsPerSecond).toLocaleString('en-US')} rows/s end to end`,
    `RSS timeline (s, MiB): ${summary.rssTimeline.map(([s, m]) => `${s}:${m}`).join(' ')}`,
    `summary: ${join(dir, 'parquet-rss.json')}`,
  ].join('\n'),
);
if (!values.keep) {
  for (const file of [big, small]) spawnSync('rm', ['-f', file]);
}
