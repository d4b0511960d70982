#!/usr/bin/env node
// `pnpm bench:accuracy`: the accuracy table of the README from one run. For each dataset of ../shared/data
// (SST-2, IMDB, AG News, ChnSentiCorp, SMS spam split 80/20 by the peers' split_csv.py), trains Glossa with
// `glossa train <train.csv> --out m` (no other flag: the default) and with each `--arch`, evaluates with
// `glossa evaluate m <test.csv>`, and runs the peers (../shared/peers/run_all.sh) on the same CSVs in the
// same run. Writes bench/results/accuracy-<time>.{json,md} and prints the Markdown table.
//
// usage: node bench/scripts/accuracy.mjs --data ../shared/data [--peers-dir ../shared/peers]
//          [--datasets sst2,imdb,ag-news,chnsenticorp,sms-spam] [--archs default,ngram,lstm,bow,cnn]
//          [--peers "torch-lstm torch-gru torch-cnn torch-bow fasttext-wng2 sklearn-tfidf-lr" | --no-peers]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderAccuracyTable } from './accuracy-table.mjs';

const here = dirname(new URL(import.meta.url).pathname);
const repo = resolve(here, '..', '..');
const cwd = process.env.INIT_CWD ?? process.cwd();
// pnpm passes a `--` separator through (`pnpm bench:accuracy --data …` runs `accuracy.mjs -- --data …`).
const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    data: { type: 'string' },
    'peers-dir': { type: 'string' },
    datasets: { type: 'string', default: 'sst2,imdb,ag-news,chnsenticorp,sms-spam' },
    archs: { type: 'string', default: 'default,ngram,lstm,bow,cnn' },
    peers: { type: 'string', default: 'torch-lstm torch-gru torch-cnn torch-bow fasttext-wng2 sklearn-tfidf-lr' },
    'no-peers': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
if (!values.data) {
  console.error('accuracy: --data <dir> is required (the folder with sst2/, imdb/, ag-news/, chnsenticorp/, sms-spam/), e.g. --data ../shared/data');
  process.exit(2);
}
const data = resolve(cwd, values.data);
const peersDir = resolve(cwd, values['peers-dir'] ?? join(values.data, '..', 'peers'));
const outDir = resolve(cwd, values.out ?? join(repo, 'bench', 'results'));
const cli = join(repo, 'apps', 'cli', 'dist', 'bin.js');
if (!existsSync(cli)) {
  console.error(`accuracy: ${cli} is missing; run \`pnpm build\` first`);
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'glossa-accuracy-'));

/** train/test CSVs of a dataset; SMS spam has one file, split 80/20 (de-duplicated, stratified, seed 42) by the peers' script. */
function splits(name) {
  const dir = join(data, name);
  if (name === 'sms-spam') {
    const split = join(work, 'sms-spam');
    if (!existsSync(join(split, 'train.csv')))
      execFileSync('/usr/bin/python3', [join(peersDir, 'split_csv.py'), join(dir, 'all.csv'), split], { stdio: ['ignore', 'ignore', 'inherit'] });
    return { train: join(split, 'train.csv'), test: join(split, 'test.csv') };
  }
  return { train: join(dir, 'train.csv'), test: join(dir, 'test.csv') };
}

function glossa(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`glossa ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { json: JSON.parse(r.stdout), seconds };
}

const rows = [];
const datasets = values.datasets.split(',');
// Rows so far, after every dataset's Glossa and peer runs: an interrupted run keeps what it measured.
const partial = join(work, 'accuracy-partial.json');
const savePartial = () => writeFileSync(partial, `${JSON.stringify({ rows }, null, 2)}\n`);
console.error(`accuracy: rows so far go to ${partial}`);
for (const name of datasets) {
  const { train, test } = splits(name);
  for (const arch of values.archs.split(',')) {
    const model = join(work, `${name}-${arch}`);
    const extra = arch === 'default' ? [] : ['--arch', arch];
    console.error(`[${new Date().toISOString()}] glossa ${arch} on ${name}`);
    try {
      const trained = glossa(['train', train, '--out', model, '--json', ...extra]);
      const evaluated = glossa(['evaluate', model, test, '--json']);
      rows.push({
        dataset: name,
        system: arch === 'default' ? 'Glossa default (auto)' : `Glossa ${arch}`,
        accuracy: evaluated.json.accuracy,
        macroF1: evaluated.json.macroF1,
        trainWallSeconds: trained.seconds,
        chosen: trained.json.portfolio?.chosen,
        bundleBytes: trained.json.bundleBytes,
      });
    } catch (error) {
      rows.push({ dataset: name, system: `Glossa ${arch}`, error: String(error.message).slice(0, 300) });
    }
  }
  savePartial();
  if (!values['no-peers']) {
    const out = join(work, `peers-${name}`);
    console.error(`[${new Date().toISOString()}] peers on ${name}: ${values.peers}`);
    spawnSync(
      'bash',
      [
        join(peersDir, 'run_all.sh'),
        train,
        test,
        '--out',
        out,
        '--threads',
        '1',
        '--systems',
        values.peers,
        ...(name === 'chnsenticorp' ? ['--cjk-split'] : []),
      ],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    for (const system of values.peers.split(/\s+/)) {
      const file = join(out, `${system}.json`);
      if (!existsSync(file)) {
        rows.push({ dataset: name, system, error: 'failed (see its .err file)' });
        continue;
      }
      const r = JSON.parse(readFileSync(file, 'utf8'));
      rows.push({
        dataset: name,
        system,
        accuracy: r.accuracy,
        macroF1: r.macro_f1,
        trainWallSeconds: r.time_v_wall_seconds ?? r.train_total_seconds ?? r.train_seconds ?? null,
        epochs: r.epochs,
      });
    }
  }
}

savePartial();
const machine = { cpu: cpus()[0]?.model.trim(), cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const lines = renderAccuracyTable({ machine, commit, rows }, datasets);
writeFileSync(join(outDir, `accuracy-${stamp}.json`), `${JSON.stringify({ machine, commit, rows }, null, 2)}\n`);
writeFileSync(join(outDir, `accuracy-${stamp}.md`), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
