#!/usr/bin/env node
// `pnpm bench:queue`: distributed scoring through `glossa queue` on this machine against one `glossa predict`.
// Generates --records short texts (one per line, seeded), scores them once with `glossa predict --threads 1`
// (the reference output and its time; or reuse one with --reference/--reference-seconds), then for each worker
// count in --workers: `queue submit`, that many `queue work` processes (one core each) until every chunk is
// scored (nothing else runs meanwhile but Redis and a status check every 5 s), then `queue collect`; reports
// records/s of the scoring phase (first chunk started → last chunk stored, from `queue status --json`), each
// worker's RSS over the run (sampled from /proc every second: after start-up, peak, last), and whether the
// collected file is byte-identical to predict's. Starts its own redis-server on a free loopback port unless
// --redis is given.
//
// usage: node bench/scripts/queue-throughput.mjs --bundle <model.glossa> [--records 10000000] [--workers 1,2]
//          [--chunk-size 10000] [--dir <scratch dir, default a new temp dir>] [--redis <url>] [--json <file>]
//          [--reference <predict output of the same texts> --reference-seconds <its time>]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    bundle: { type: 'string' },
    records: { type: 'string', default: '10000000' },
    workers: { type: 'string', default: '1,2' },
    'chunk-size': { type: 'string', default: '10000' },
    dir: { type: 'string' },
    redis: { type: 'string' },
    json: { type: 'string' },
    reference: { type: 'string' },
    'reference-seconds': { type: 'string' },
  },
});
if (values.bundle === undefined) {
  console.error('usage: node bench/scripts/queue-throughput.mjs --bundle <model.glossa> [--records N] [--workers 1,2]');
  process.exit(2);
}
const BIN = fileURLToPath(new URL('../../apps/cli/dist/bin.js', import.meta.url));
const records = Number(values.records);
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'glossa-queue-bench-'));
const log = (line) => console.error(`[queue bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

// --- input: short review-like texts, seeded ---------------------------------------------------------------
const input = join(dir, 'texts.txt');
if (values.reference === undefined) {
  const words = [
    'the',
    'film',
    'was',
    'great',
    'awful',
    'plot',
    'acting',
    'boring',
    'loved',
    'service',
    'slow',
    'friendly',
    'price',
    'too',
    'high',
    'would',
    'buy',
    'again',
    'never',
    'delivery',
    'late',
    'perfect',
    'broken',
    'after',
    'a',
    'week',
  ];
  let seed = 42;
  const next = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const out = createWriteStream(input);
  let buffer = '';
  for (let i = 0; i < records; i++) {
    const n = 3 + Math.floor(next() * 12);
    let text = words[Math.floor(next() * words.length)];
    for (let j = 1; j < n; j++) text += ` ${words[Math.floor(next() * words.length)]}`;
    buffer += `${text}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise((r) => out.once('drain', r));
      buffer = '';
    }
  }
  out.end(buffer);
  await new Promise((r) => out.once('finish', r));
  log(`${records.toLocaleString('en-US')} texts, ${(statSync(input).size / 2 ** 20).toFixed(0)} MiB: ${input}`);
}

// --- redis --------------------------------------------------------------------------------------------------
let redisUrl = values.redis;
let redisChild;
if (redisUrl === undefined) {
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  redisChild = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  redisUrl = `redis://127.0.0.1:${port}`;
  for (
    let i = 0;
    i < 100 &&
    spawnSync('redis-cli', ['-p', String(port), 'ping'])
      .stdout?.toString()
      .trim() !== 'PONG';
    i++
  )
    await new Promise((r) => setTimeout(r, 100));
}
const env = { ...process.env, NO_COLOR: '1', GLOSSA_REDIS_URL: redisUrl };

const sha256 = (path) =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => hash.update(d))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
const run = (args, stdoutFile) =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', stdoutFile ? 'pipe' : 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    if (stdoutFile) child.stdout.pipe(createWriteStream(stdoutFile));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve({ seconds: (performance.now() - started) / 1000, stderr })
        : reject(new Error(`glossa ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
const rssMiB = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

// --- the reference: one glossa predict process, one thread -------------------------------------------------
const reference = values.reference ?? join(dir, 'predict.jsonl');
let predictRun;
if (values.reference === undefined) {
  log('glossa predict --threads 1 (reference) …');
  predictRun = await run(['predict', values.bundle, '--input', input, '--threads', '1'], reference);
} else {
  predictRun = { seconds: Number(values['reference-seconds']) };
  log(`reusing ${reference} (${predictRun.seconds} s) and ${input}`);
}
const referenceHash = await sha256(reference);
log(`predict: ${predictRun.seconds.toFixed(1)} s, ${(records / predictRun.seconds).toFixed(0)} records/s`);

const results = [];
for (const workers of values.workers.split(',').map(Number)) {
  const name = `bench-${workers}w-${Date.now()}`;
  log(`${workers} worker(s): submit …`);
  const submit = await run(['queue', 'submit', values.bundle, input, '--name', name, '--chunk-size', values['chunk-size']]);
  const procs = Array.from({ length: workers }, () => {
    const child = spawn(process.execPath, [BIN, 'queue', 'work', '--quiet'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const samples = [];
    child.stderr.on('data', () => {});
    return { child, samples };
  });
  const sampler = setInterval(() => {
    for (const p of procs) {
      const rss = rssMiB(p.child.pid);
      if (rss !== undefined) p.samples.push(rss);
    }
  }, 1000);
  // Score to the end before collecting, so the workers have the cores to themselves.
  log(`${workers} worker(s): scoring …`);
  const statusOf = () => JSON.parse(spawnSync(process.execPath, [BIN, 'queue', 'status', name, '--json'], { env, encoding: 'utf8' }).stdout);
  let status = statusOf();
  while (status.state !== 'done' && status.state !== 'failed') {
    await new Promise((r) => setTimeout(r, 5000));
    status = statusOf();
  }
  clearInterval(sampler);
  for (const p of procs) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((r) => (p.child.exitCode !== null ? r() : p.child.once('exit', r)))));
  const collected = join(dir, `${name}.jsonl`);
  log(`${workers} worker(s): collect …`);
  const collect = await run(['queue', 'collect', name, '--out', collected]);
  const scoringSeconds = (Date.parse(status.lastDoneAt) - Date.parse(status.startedAt)) / 1000;
  const identical = (await sha256(collected)) === referenceHash;
  const rss = procs.map((p) => ({
    // Skip the first samples (start-up and the model load): "flat" is about the steady state.
    afterStart: Math.round(p.samples[Math.min(5, p.samples.length - 1)] ?? 0),
    peak: Math.round(Math.max(...p.samples)),
    last: Math.round(p.samples.at(-1) ?? 0),
  }));
  results.push({
    workers,
    submitSeconds: submit.seconds,
    scoringSeconds,
    recordsPerSecond: records / scoringSeconds,
    collectSeconds: collect.seconds,
    identical,
    rss,
  });
  log(
    `${workers} worker(s): scoring ${scoringSeconds.toFixed(1)} s = ${(records / scoringSeconds).toFixed(0)} records/s; collect ${collect.seconds.toFixed(1)} s; identical to predict: ${identical}; RSS ${JSON.stringify(rss)}`,
  );
  spawnSync(process.execPath, [BIN, 'queue', 'remove', name], { env });
  rmSync(collected, { force: true });
}

const one = results.find((r) => r.workers === 1);
const lines = [
  `Queue scoring, ${cpus()[0]?.model.trim()}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}: ${records.toLocaleString('en-US')} short texts (3–14 words), chunk size ${values['chunk-size']}, bundle ${values.bundle}`,
  `glossa predict --threads 1 (one process): ${predictRun.seconds.toFixed(1)} s, ${Math.round(records / predictRun.seconds).toLocaleString('en-US')} records/s`,
  '',
  '| workers | submit s | scoring s | records/s | vs 1 worker | collect s (after scoring) | identical to predict | worker RSS MiB (after start → peak → last) |',
  '|--:|--:|--:|--:|--:|--:|---|---|',
  ...results.map(
    (r) =>
      `| ${r.workers} | ${r.submitSeconds.toFixed(1)} | ${r.scoringSeconds.toFixed(1)} | ${Math.round(r.recordsPerSecond).toLocaleString('en-US')} | ${one ? `${(r.recordsPerSecond / one.recordsPerSecond).toFixed(2)}×` : '—'} | ${r.collectSeconds.toFixed(1)} | ${r.identical ? 'yes' : '**no**'} | ${r.rss.map((x) => `${x.afterStart} → ${x.peak} → ${x.last}`).join('; ')} |`,
  ),
];
console.log(lines.join('\n'));
if (values.json) writeFileSync(values.json, JSON.stringify({ records, predictSeconds: predictRun.seconds, results }, null, 2));
redisChild?.kill('SIGKILL');
if (values.dir === undefined) rmSync(dir, { recursive: true, force: true });
