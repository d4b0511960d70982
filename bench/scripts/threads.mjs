#!/usr/bin/env node
// `pnpm bench:threads`: data-parallel training (createTrainingWorkers / `glossa train --threads`) against one
// thread, on synthetic full-length texts (every text --length tokens of a 20,000-word vocabulary, two
// labels), so the figure depends on the architecture and the text length only. Each configuration runs in a
// fresh process, one at a time, --repeats times; the table shows the median training samples/s and the
// ratio to one thread. Also runs two one-thread trainings at once, to show how much a second core adds on
// this machine at all (memory bandwidth, shared caches, vCPUs that are hyperthreads).
//
// usage: node bench/scripts/threads.mjs [--archs lstm,cnn,bow] [--threads 2] [--length 100] [--texts 2048]
//          [--repeats 3] [--child <json>]
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    archs: { type: 'string', default: 'lstm,cnn,bow' },
    threads: { type: 'string', default: String(availableParallelism()) },
    length: { type: 'string', default: '100' },
    texts: { type: 'string', default: '2048' },
    repeats: { type: 'string', default: '3' },
    child: { type: 'string' },
  },
});

if (values.child) {
  // One training run: prints {samplesPerSecond}.
  const { arch, threads, length, texts } = JSON.parse(values.child);
  const { createTextClassifier, createTrainingWorkers, initBackend } = await import('@glossa/node-runtime');
  await initBackend({ backend: 'wasm', job: 'train', threads: 1 });
  let seed = 7;
  const next = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const examples = Array.from({ length: texts }, (_, i) => ({
    text: Array.from({ length }, () => `w${Math.floor(next() ** 2 * 19_000)}`).join(' '),
    label: i % 2 === 0 ? 'a' : 'b',
  }));
  const workers = threads > 1 ? await createTrainingWorkers({ threads }) : undefined;
  const classifier = createTextClassifier({ architecture: arch, maxLength: length, ...(arch === 'cnn' ? { units: 128 } : {}) });
  const result = await classifier.fit(examples, { epochs: 1, validationSplit: 0, seed: 1, ...(workers ? { gradientWorkers: workers } : {}) });
  await workers?.close();
  console.log(JSON.stringify({ samplesPerSecond: result.trainSamplesPerSecond }));
  process.exit(0);
}

const run = (config) => {
  const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', JSON.stringify(config)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`threads bench child failed: ${r.stderr.slice(-1000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)).samplesPerSecond;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const threads = Number(values.threads);
const base = { length: Number(values.length), texts: Number(values.texts) };
const repeats = Number(values.repeats);
const lines = [
  `Data-parallel training, ${cpus()[0]?.model.trim()}, ${availableParallelism()} cores, Node ${process.version}, wasm: ${base.texts} synthetic texts of ${base.length} tokens, batch 64, 1 epoch, median of ${repeats}`,
  '',
  `| arch | 1 thread, samples/s | ${threads} threads, samples/s | ratio | two 1-thread runs at once, each |`,
  '|---|--:|--:|--:|--:|',
];
for (const arch of values.archs.split(',')) {
  const one = [];
  const many = [];
  for (let i = 0; i < repeats; i++) {
    one.push(run({ ...base, arch, threads: 1 }));
    many.push(run({ ...base, arch, threads }));
  }
  // Two independent one-thread runs at the same time: what a second core adds without any synchronisation.
  const pair = await Promise.all(
    [0, 1].map(
      () =>
        new Promise((resolve, reject) => {
          import('node:child_process').then(({ execFile }) =>
            execFile(process.execPath, [new URL(import.meta.url).pathname, '--child', JSON.stringify({ ...base, arch, threads: 1 })], (error, stdout) =>
              error ? reject(error) : resolve(JSON.parse(stdout.trim().split('\n').at(-1)).samplesPerSecond),
            ),
          );
        }),
    ),
  );
  const m1 = median(one);
  const mn = median(many);
  lines.push(
    `| ${arch} | ${Math.round(m1)} | ${Math.round(mn)} | ${(mn / m1).toFixed(2)}× | ${pair.map((p) => Math.round(p)).join(', ')} (${(pair.reduce((a, b) => a + b, 0) / m1).toFixed(2)}× together) |`,
  );
  console.error(lines.at(-1));
}
console.log(lines.join('\n'));
