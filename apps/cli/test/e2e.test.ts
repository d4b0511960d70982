import { execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, type BinRun, parseJsonl, runBin, sentimentRows, toCsv, toJsonl, toTsv } from './helpers.js';

// End-to-end: the BUILT binary (`pnpm build` first) on small files written here.

const SMALL_MODEL = [
  ...['--arch', 'bow', '--epochs', '3', '--batch-size', '16', '--learning-rate', '0.02'],
  ...['--max-length', '16', '--embedding-dim', '16', '--units', '16', '--seed', '7'],
];

let dir: string;
let trainCsv: string;
let model: string;
let trainRun: BinRun;

function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

function sumOf(scores: unknown): number {
  return Object.values(scores as Record<string, number>).reduce((a, b) => a + b, 0);
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'glossa-e2e-'));
  trainCsv = join(dir, 'train.csv');
  await writeFile(trainCsv, toCsv(sentimentRows(200, 1)));
  await writeFile(join(dir, 'test.tsv'), toTsv(sentimentRows(60, 2)));
  await writeFile(join(dir, 'test.jsonl'), toJsonl(sentimentRows(40, 3)));
  model = join(dir, 'model');
  trainRun = await runBin(['train', trainCsv, '--out', model, ...SMALL_MODEL, '--json']);
}, 180_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('glossa train', () => {
  it('trains with --json: one JSON object on stdout, progress lines on stderr, a bundle on disk', () => {
    expect(trainRun.stderr).not.toMatch(/glossa:/);
    expect(trainRun.code).toBe(0);
    const lines = trainRun.stdout.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(result.bundle).toBe(model);
    expect(existsSync(model)).toBe(true);
    expect(result.epochs).toBeGreaterThanOrEqual(1);
    expect(result.epochs).toBeLessThanOrEqual(3);
    expect(result.trainSeconds).toBeGreaterThan(0);
    expect(result.trainSamplesPerSecond).toBeGreaterThan(0);
    expect(typeof result.backend).toBe('string');
    expect(result.labels).toEqual(['neg', 'pos']);
    expect(result.trainSize).toBeGreaterThan(100);
    expect(result.trainSize).toBeLessThanOrEqual(200);
    const validation = result.validation as { accuracy: number; n: number };
    expect(validation.n).toBeGreaterThan(0);
    expect(validation.accuracy).toBeGreaterThanOrEqual(0.9);
    // stderr is not a TTY here: plain lines, one per epoch, no bars.
    expect(trainRun.stderr).toMatch(/^epoch 1\/3 {2}loss \d/m);
    expect(trainRun.stderr).not.toContain('\u001b[');
    expect(trainRun.stderr).toContain(`bundle written to ${model}`);
  });

  it('writes a single .glossa file and prints human tables when --json is absent', async () => {
    const packed = join(dir, 'model.glossa');
    const run = await runBin(['train', trainCsv, '--out', packed, ...SMALL_MODEL, '--validation-split', '0.2']);
    expect(run.code).toBe(0);
    expect(statSync(packed).isFile()).toBe(true);
    expect(run.stdout).toContain('Validation metrics');
    expect(run.stdout).toContain('Confusion matrix');
    expect(run.stdout).toContain(`bundle written to ${packed}`);
    const predict = await runBin(['predict', packed, 'a great and brilliant film']);
    expect(predict.code).toBe(0);
    expect(parseJsonl(predict.stdout)[0]?.label).toBe('pos');
  }, 180_000);

  it('trains with a separate --validation file in JSONL', async () => {
    const run = await runBin([
      'train',
      trainCsv,
      '--out',
      join(dir, 'model-val'),
      ...SMALL_MODEL,
      '--epochs',
      '1',
      '--validation',
      join(dir, 'test.jsonl'),
      '--json',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { validation: { n: number } };
    expect(result.validation.n).toBe(40);
  }, 180_000);

  it('stops after the current batch on Ctrl-C (SIGINT), saves a checkpoint but no bundle, and exits 130', async () => {
    const data = join(dir, 'long.csv');
    await writeFile(data, toCsv(sentimentRows(1200, 8)));
    const out = join(dir, 'interrupted');
    const child = spawn(process.execPath, [BIN, 'train', data, '--out', out, '--arch', 'bow', '--epochs', '1000', '--batch-size', '16', '--max-length', '16'], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      // Interrupt once training is provably under way (event-driven, no timing).
      if (!sent && /^epoch 1\/1000 /m.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(sent).toBe(true);
    expect(code).toBe(130);
    const lines = stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(`glossa: training interrupted; resume with --resume (checkpoint in ${out}.checkpoint)`);
    expect(stderr).toContain('interrupted: stopping training after the current batch');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(`${out}.checkpoint`, 'checkpoint.json'))).toBe(true);
  }, 180_000);

  it('exits 1 with one line naming the file and line of a malformed row', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'text,label\n"fine row",pos\n"another",neg\n"unterminated quote,pos\n');
    const run = await runBin(['train', bad, '--out', join(dir, 'never'), ...SMALL_MODEL]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const line = oneLine(run.stderr);
    expect(line).toMatch(/^glossa: /);
    expect(line).toContain('bad.csv');
    expect(line).toMatch(/\b4\b/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('skips bad rows with a warning when --on-bad-row skip', async () => {
    const ragged = join(dir, 'ragged.csv');
    const rows = sentimentRows(40, 9);
    await writeFile(ragged, `${toCsv(rows)}only-one-field\n`);
    const run = await runBin(['train', ragged, '--out', join(dir, 'model-skip'), ...SMALL_MODEL, '--epochs', '1', '--on-bad-row', 'skip', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: skipped 1 bad row in .*ragged\.csv/);
  }, 180_000);

  it('exits 1 with one line when the data file does not exist', async () => {
    const run = await runBin(['train', join(dir, 'missing.csv'), '--out', join(dir, 'x')]);
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toMatch(/^glossa: .*missing\.csv/);
  });

  it('exits 2 with one line on a bad option value', async () => {
    const run = await runBin(['train', trainCsv, '--out', join(dir, 'x'), '--epochs', '0']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(oneLine(run.stderr)).toBe('glossa: --epochs must be an integer from 1 to 10000 (got 0)');
  });
});

describe('the glossa command', () => {
  it('runs the built CLI from its bin shim, and says to build first when dist/ is missing', async () => {
    const shim = join(dirname(BIN), '..', 'bin', 'glossa.js');
    const version = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [shim, '--version'], (error, stdout) => (error ? reject(error) : resolve(stdout)));
    });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const lone = join(dir, 'lone', 'bin');
    await mkdir(lone, { recursive: true });
    await writeFile(join(lone, 'glossa.js'), await readFile(shim));
    const missing = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(lone, 'glossa.js'), '--version'], (error, _stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/the CLI is not built yet \(dist\/bin\.js is missing\)\. In the repository, run `pnpm build` first/);
  });

  it('npx glossa from a folder of the clone: paths relative to that folder, stdout only the output, help and hints spelled npx glossa', async () => {
    const apps = join(dirname(BIN), '..', '..');
    const npx = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile('npx', ['--no-install', 'glossa', ...args], { cwd: apps, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const predicted = await npx(['predict', '../packages/model-core/test/fixtures/bundles-v1/lstm.glossa', 'loved it']);
    expect(predicted.code, predicted.stderr).toBe(0);
    const lines = predicted.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ text: 'loved it', label: expect.any(String) });
    const help = await npx(['train', '--help']);
    expect(help.stdout).toMatch(/^Usage: npx glossa train /m);
    expect(help.stdout).toMatch(/\$ npx glossa train reviews\.csv --out \.\/model/);
    expect(help.stdout).not.toMatch(/\$ glossa /);
    const hint = await npx(['train', '../cli/README.md']);
    expect(hint.stderr).toMatch(/e\.g\. npx glossa train \.\.\/cli\/README\.md --out \.\/model/);
  }, 60_000);

  it('models by name: the published English and Chinese models, from any folder; a clear error for one not installed', async () => {
    const apps = join(dirname(BIN), '..', '..');
    const en = await runBin(['predict', '@glossa/model-sentiment-en', 'an utterly charming film', 'two hours I will never get back'], { cwd: apps });
    expect(en.code, en.stderr).toBe(0);
    expect(
      en.stdout
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { label: string }).label),
    ).toEqual(['positive', 'negative']);
    const zh = await runBin(['predict', '@glossa/model-sentiment-zh', '房间干净，服务很好，下次还会再来', '质量太差了，用了两天就坏了'], {
      cwd: join(apps, 'cli'),
    });
    expect(
      zh.stdout
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { label: string }).label),
    ).toEqual(['positive', 'negative']);
    const info = JSON.parse((await runBin(['info', '@glossa/model-sentiment-zh', '--json'])).stdout) as { bundle: string; manifest: { labels: string[] } };
    expect(info.bundle).toMatch(/models\/sentiment-zh\/model\.glossa$/);
    expect(info.manifest.labels).toEqual(['negative', 'positive']);
    const missing = await runBin(['predict', '@glossa/model-sentiment-fr', 'bonjour']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^glossa: @glossa\/model-sentiment-fr is neither a bundle here nor an installed model package: install it \(npm install @glossa\/model-sentiment-fr\)/,
    );
  }, 60_000);
});

describe('glossa train --threads', () => {
  const LSTM = [
    '--arch',
    'lstm',
    '--epochs',
    '2',
    '--batch-size',
    '16',
    '--max-length',
    '16',
    '--embedding-dim',
    '8',
    '--units',
    '8',
    '--dropout',
    '0.1',
    '--learning-rate',
    '0.03',
    '--seed',
    '3',
    '--json',
  ];
  const manifestOf = async (bundle: string) => JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8')) as { training: { threads?: number } };

  it('trains on two threads (each batch in two shards): the same seed and thread count give the same bundle weights', async () => {
    const runs = await Promise.all(['a', 'b'].map((name) => runBin(['train', trainCsv, '--out', join(dir, `threads-${name}`), ...LSTM, '--threads', '2'])));
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('threads: 2 (each batch in 2 shards)');
    }
    expect((await manifestOf(join(dir, 'threads-a'))).training.threads).toBe(2);
    const [a, b] = await Promise.all(['a', 'b'].map((name) => readFile(join(dir, `threads-${name}`, 'weights.bin'))));
    expect(Buffer.compare(a!, b!)).toBe(0);
    const one = await runBin(['train', trainCsv, '--out', join(dir, 'threads-1'), ...LSTM, '--threads', '1']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).not.toContain('threads:');
    expect((await manifestOf(join(dir, 'threads-1'))).training.threads).toBeUndefined();
    expect(JSON.parse(one.stdout).validation.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(JSON.parse(runs[0]!.stdout).validation.accuracy).toBeGreaterThanOrEqual(0.85);
  }, 180_000);

  it('trains bow on one thread whatever --threads says, and says why', async () => {
    const bow = LSTM.map((a) => (a === 'lstm' ? 'bow' : a));
    const [two, one] = await Promise.all(
      [2, 1].map((threads) => runBin(['train', trainCsv, '--out', join(dir, `bow-threads-${threads}`), ...bow, '--threads', String(threads)])),
    );
    expect(two!.code, two!.stderr).toBe(0);
    expect(one!.code, one!.stderr).toBe(0);
    expect(two!.stderr).toContain("threads: 1, not 2 (bow: its step is mostly Adam's update of the whole embedding table");
    expect((await manifestOf(join(dir, 'bow-threads-2'))).training.threads).toBeUndefined();
    const [a, b] = await Promise.all([2, 1].map((threads) => readFile(join(dir, `bow-threads-${threads}`, 'weights.bin'))));
    expect(Buffer.compare(a!, b!)).toBe(0); // the one-thread model
  }, 180_000);

  it('refuses a thread count out of range', async () => {
    const run = await runBin(['train', trainCsv, '--out', join(dir, 'threads-bad'), '--threads', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--threads/);
  });
});

describe('glossa evaluate', () => {
  it('prints accuracy, macro-F1, per-class scores and the confusion matrix as JSON', async () => {
    const run = await runBin(['evaluate', model, join(dir, 'test.tsv'), '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      accuracy: number;
      macroF1: number;
      n: number;
      labels: string[];
      perClass: Array<{ label: string; support: number }>;
      confusionMatrix: number[][];
    };
    expect(report.n).toBe(60);
    expect(report.labels).toEqual(['neg', 'pos']);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.macroF1).toBeGreaterThanOrEqual(0.9);
    expect(report.perClass.map((row) => [row.label, row.support])).toEqual([
      ['neg', 30],
      ['pos', 30],
    ]);
    expect(report.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(60);
  });

  it('prints tables for people and warns about labels never seen in training', async () => {
    const withUnknown = join(dir, 'unknown.jsonl');
    await writeFile(withUnknown, toJsonl([...sentimentRows(10, 4), { text: 'meh film', label: 'neutral' }]));
    const run = await runBin(['evaluate', model, withUnknown]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/│ accuracy\s+│ \d\.\d{4} │/);
    expect(run.stdout).toContain('Per class');
    expect(run.stdout).toContain('Confusion matrix');
    expect(run.stderr).toMatch(/warning: 1 row in .*unknown\.jsonl has labels never seen in training: neutral \(1\)/);
  });

  it('exits 1 with one line when the bundle does not exist', async () => {
    const run = await runBin(['evaluate', join(dir, 'nope'), join(dir, 'test.tsv')]);
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toMatch(/^glossa: .*nope does not exist/);
  });
});

describe('glossa predict', () => {
  it('labels texts given as arguments, one JSON line each', async () => {
    const run = await runBin(['predict', model, 'a great and wonderful story', 'awful and boring acting']);
    expect(run.code).toBe(0);
    const rows = parseJsonl(run.stdout);
    expect(rows.map((row) => [row.text, row.label])).toEqual([
      ['a great and wonderful story', 'pos'],
      ['awful and boring acting', 'neg'],
    ]);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['text', 'label', 'scores']);
      expect(sumOf(row.scores)).toBeCloseTo(1, 5);
    }
  });

  it('reads --input files of plain lines in order, a blank line giving an error line in its place', async () => {
    const input = join(dir, 'texts.txt');
    const texts = sentimentRows(700, 5).map((row) => row.text);
    await writeFile(input, `${texts.slice(0, 300).join('\n')}\n\n${texts.slice(300).join('\r\n')}\n`);
    const run = await runBin(['predict', model, '--input', input, '--batch-size', '64']);
    expect(run.code).toBe(0);
    const rows = parseJsonl(run.stdout);
    expect(rows).toHaveLength(701);
    expect(rows[300]).toEqual({ line: 301, error: expect.stringMatching(/texts\.txt:301: blank line \(nothing to label\)/) });
    expect(rows.filter((row) => row.error === undefined).map((row) => row.text)).toEqual(texts);
  });

  it('gives the same output, in input order, on worker threads (--threads 2) as on one thread', async () => {
    const input = join(dir, 'threads.txt');
    const texts = sentimentRows(3000, 8).map((row, i) => (i % 97 === 0 ? `${row.text} ${'and the plot '.repeat(20)}` : row.text));
    await writeFile(input, `${texts.join('\n')}\n`);
    const one = await runBin(['predict', model, '--input', input, '--batch-size', '64', '--threads', '1']);
    const two = await runBin(['predict', model, '--input', input, '--batch-size', '64', '--threads', '2']);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(parseJsonl(two.stdout).map((row) => row.text)).toEqual(texts);
    expect(two.stdout).toBe(one.stdout);
    const bad = await runBin(['predict', model, '--input', input, '--threads', '0']);
    expect(bad.code).toBe(2);
    expect(oneLine(bad.stderr)).toContain('--threads must be an integer from 1 to 256 (got 0)');
  }, 120_000);

  it('reads stdin with JSONL and plain lines detected per line', async () => {
    const input = '{"id": 1, "text": "superb, brilliant acting"}\nterrible and dreadful plot\n{"text": "loved it"}\n';
    const run = await runBin(['predict', model], { input });
    expect(run.code).toBe(0);
    const rows = parseJsonl(run.stdout);
    expect(rows.map((row) => row.text)).toEqual(['superb, brilliant acting', 'terrible and dreadful plot', 'loved it']);
    expect(rows[0]?.label).toBe('pos');
    expect(rows[1]?.label).toBe('neg');
  });

  it('exits 1 naming stdin and the line of an invalid JSON line', async () => {
    const run = await runBin(['predict', model], { input: 'fine\n{"text": broken\n' });
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toMatch(/^glossa: stdin:2: /);
  });

  it('stops quietly with exit 0 when the reader goes away (| head)', async () => {
    const input = join(dir, 'many.txt');
    await writeFile(
      input,
      `${sentimentRows(20_000, 6)
        .map((row) => row.text)
        .join('\n')}\n`,
    );
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const shell = spawn('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" predict "${model}" --input "${input}" | head -n 3`], {
        env: { ...process.env, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      shell.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      shell.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      shell.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(parseJsonl(result.stdout)).toHaveLength(3);
  }, 120_000);
});

describe('glossa predict: the pipe contract (Spark RDD.pipe, Hadoop Streaming)', () => {
  const lines = ['a great and wonderful story', '', '{"text": "awful and boring acting", "id": 7}', '{"text": ', '   ', 'brilliant, lovely film'];
  const stdin = `${lines.join('\n')}\n`;

  it('writes exactly one line per input line, in order, from --input - (stdin), the blank and bad ones as errors', async () => {
    const run = await runBin(['predict', model, '--input', '-', '--on-bad-row', 'skip'], { input: stdin });
    expect(run.code, run.stderr).toBe(0);
    const rows = parseJsonl(run.stdout);
    expect(rows).toHaveLength(lines.length);
    expect(rows.map((row) => (row.error === undefined ? row.label : `error ${row.line}`))).toEqual(['pos', 'error 2', 'neg', 'error 4', 'error 5', 'pos']);
    expect(rows[3]!.error).toMatch(/stdin:4: line starts with "\{" but is not valid JSON/);
    expect(run.stderr).toMatch(/3 records could not be labelled/);
    // The same without --on-bad-row skip: blank lines are still error lines, a malformed one stops the run.
    const strict = await runBin(['predict', model, '--input', '-'], { input: stdin });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/glossa: stdin:4: line starts with "\{" but is not valid JSON/);
    const blanks = await runBin(['predict', model], { input: 'a great and wonderful story\n\nawful and boring acting\n' });
    expect(parseJsonl(blanks.stdout).map((row) => row.label ?? row.error)).toEqual(['pos', 'stdin:2: blank line (nothing to label).', 'neg']);
  });

  it('copies --id-column and --keep fields, and writes CSV and TSV with a header', async () => {
    const file = join(dir, 'tickets.csv');
    await writeFile(file, 'ticket,region,text\nT1,north,"a great, wonderful story"\nT2,south,\nT3,"east, coast",awful and boring acting\n');
    const jsonl = await runBin(['predict', model, '--input', file, '--id-column', 'ticket', '--keep', 'region']);
    expect(jsonl.code, jsonl.stderr).toBe(0);
    const rows = parseJsonl(jsonl.stdout);
    expect(rows.map((row) => Object.keys(row))).toEqual([
      ['ticket', 'region', 'text', 'label', 'scores'],
      ['ticket', 'region', 'line', 'error'],
      ['ticket', 'region', 'text', 'label', 'scores'],
    ]);
    expect(rows.map((row) => [row.ticket, row.region, row.label])).toEqual([
      ['T1', 'north', 'pos'],
      ['T2', 'south', undefined],
      ['T3', 'east, coast', 'neg'],
    ]);
    for (const [format, delimiter] of [
      ['csv', ','],
      ['tsv', '\t'],
    ] as const) {
      const run = await runBin(['predict', model, '--input', file, '--id-column', 'ticket', '--output-format', format]);
      expect(run.code, run.stderr).toBe(0);
      const table = parse(run.stdout, { delimiter, relax_quotes: false }) as string[][];
      expect(table[0]).toEqual(['ticket', 'text', 'label', 'score:neg', 'score:pos', 'error']);
      expect(table.slice(1).map((r) => [r[0], r[2], r[5] === '' ? '' : 'error'])).toEqual([
        ['T1', 'pos', ''],
        ['T2', '', 'error'],
        ['T3', 'neg', ''],
      ]);
      expect(Number(table[1]![3]) + Number(table[1]![4])).toBeCloseTo(1, 5);
    }
    const missing = await runBin(['predict', model, '--input', file, '--id-column', 'tickets']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/the header has no column "tickets".*Did you mean "ticket"\? Rename the column or set --id-column to "ticket"/);
    const reserved = await runBin(['predict', model, '--input', file, '--keep', 'text']);
    expect(reserved.code).toBe(2);
  });

  it('writes one readable line per text on a terminal (a real pseudo-terminal via util-linux script), JSONL to a pipe', async () => {
    // `script -qec CMD /dev/null` runs CMD with its stdout on a pseudo-terminal (Debian's util-linux).
    const command = [process.execPath, BIN, 'predict', model, 'a great and wonderful story', 'awful and boring acting']
      .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
      .join(' ');
    const tty = await new Promise<string>((resolve, reject) => {
      execFile('script', ['-qec', command, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' } }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
    });
    const lines = tty.replace(/\r/g, '').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^pos +0\.\d{4} {2}a great and wonderful story$/);
    expect(lines[1]).toMatch(/^neg +0\.\d{4} {2}awful and boring acting$/);
    const piped = await runBin(['predict', model, 'a great and wonderful story']);
    expect(Object.keys(parseJsonl(piped.stdout)[0]!)).toEqual(['text', 'label', 'scores']);
  });

  it('labels an empty argument as an error line instead of scoring it', async () => {
    const run = await runBin(['predict', model, 'a great and wonderful story', '']);
    expect(run.code).toBe(0);
    expect(parseJsonl(run.stdout).map((row) => row.label ?? row.error)).toEqual(['pos', 'argument 2: the text is empty (nothing to label).']);
  });
});

describe('glossa explain', () => {
  it('explains every record of --input, one JSON line each in input order, with ids and error lines', async () => {
    const file = join(dir, 'explain.jsonl');
    await writeFile(file, '{"id": "a1", "text": "a great and wonderful story"}\n{"id": "a2", "text": ""}\n{"id": "a3", "text": "awful and boring acting"}\n');
    const run = await runBin(['explain', model, '--input', file, '--id-column', 'id']);
    expect(run.code, run.stderr).toBe(0);
    const rows = parseJsonl(run.stdout);
    expect(rows.map((row) => [row.id, row.label ?? 'error'])).toEqual([
      ['a1', 'pos'],
      ['a2', 'error'],
      ['a3', 'neg'],
    ]);
    expect((rows[0]!.tokens as Array<{ token: string }>).map((t) => t.token)).toEqual(['a', 'great', 'and', 'wonderful', 'story']);
    const fromStdin = await runBin(['explain', model, '--input', '-'], { input: 'a great and wonderful story\n\n' });
    expect(parseJsonl(fromStdin.stdout).map((row) => row.label ?? row.error)).toEqual(['pos', 'stdin:2: blank line (nothing to label).']);
  });

  it('gives per-token attributions as JSON that agree with predict', async () => {
    const run = await runBin(['explain', model, 'a great and wonderful story', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      text: string;
      label: string;
      scores: Record<string, number>;
      tokens: Array<{ token: string; score: number }>;
      method: string;
    };
    expect(result.text).toBe('a great and wonderful story');
    expect(result.label).toBe('pos');
    expect(result.method).toBe('occlusion');
    expect(result.tokens.map((t) => t.token)).toEqual(['a', 'great', 'and', 'wonderful', 'story']);
    const predicted = parseJsonl((await runBin(['predict', model, 'a great and wonderful story'])).stdout)[0]!;
    expect(result.scores.pos).toBeCloseTo((predicted.scores as Record<string, number>).pos!, 6);
    const best = [...result.tokens].sort((a, b) => b.score - a.score)[0]!;
    expect(['great', 'wonderful']).toContain(best.token);
  });

  it('prints each token with its signed score for people, and rejects an unknown label', async () => {
    const run = await runBin(['explain', model, 'awful', 'acting']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^neg {2}\(neg 0\.\d{4}, pos 0\.\d{4}\)\nawful\([+-]\d\.\d\d\) acting\([+-]\d\.\d\d\)\n/);
    const bad = await runBin(['explain', model, 'awful', '--label', 'meh']);
    expect(bad.code).toBe(1);
    expect(oneLine(bad.stderr)).toMatch(/label "meh" is not one of the model's labels \(neg, pos\)/);
  });
});

describe('glossa info', () => {
  it('summarises the manifest as JSON', async () => {
    const run = await runBin(['info', model, '--json']);
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout) as {
      bundle: string;
      bytes: number;
      form: string;
      manifest: { labels: string[]; architecture: string; createdBy: { name: string } };
    };
    expect(info.bundle).toBe(model);
    expect(info.form).toBe('directory');
    expect(info.bytes).toBeGreaterThan(0);
    expect(info.manifest.labels).toEqual(['neg', 'pos']);
    expect(info.manifest.architecture).toBe('bow');
    expect(info.manifest.createdBy.name).toMatch(/glossa/);
  });

  it('prints a table for people', async () => {
    const run = await runBin(['info', model]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/│ architecture\s+│ bow/);
    expect(run.stdout).toMatch(/│ labels\s+│ 2: neg, pos/);
    expect(run.stdout).toMatch(/│ validation\s+│ accuracy \d\.\d{4}/);
  });
});

describe('glossa doctor', () => {
  it('reports backends, the choice for train and predict, and versions as JSON', async () => {
    const run = await runBin(['doctor', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      backends: Array<{ name: string; available: boolean }>;
      train: { backend: string; reason: string };
      predict: { backend: string; reason: string };
      kernels: { webAssemblySimd: boolean; relaxedSimd: boolean };
      versions: Record<string, string>;
    };
    expect(report.backends.map((b) => b.name)).toEqual(expect.arrayContaining(['cpu', 'wasm']));
    // The CLI turns relaxed SIMD on for itself (Node 20 has it only behind a V8 flag this child was not given).
    expect(report.kernels).toEqual({ webAssemblySimd: true, relaxedSimd: true });
    expect(report.backends.find((b) => b.name === 'cpu')?.available).toBe(true);
    expect(report.train.reason.length).toBeGreaterThan(0);
    expect(report.predict.reason.length).toBeGreaterThan(0);
    expect(report.versions.node).toBe(process.versions.node);
    expect(report.versions['@glossa/cli']).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.versions.tfjsCore).toBe('4.22.0');
  });

  it('prints tables for people, honouring GLOSSA_BACKEND, with a verdict and what to do', async () => {
    const run = await runBin(['doctor'], { env: { GLOSSA_BACKEND: 'cpu' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Backends');
    expect(run.stdout).toMatch(/train {3}→ cpu\n/);
    expect(run.stdout).toMatch(/predict → cpu\n/);
    expect(run.stdout).toMatch(/Verdict: works, but slowly: training runs on plain JavaScript and prediction on plain JavaScript/);
    expect(run.stdout).toMatch(/ {2}- A faster backend is available: unset GLOSSA_BACKEND or drop --backend cpu\./);
  });

  it('prints every note whole, once, without internal file paths, and says the installation is ready', async () => {
    const run = await runBin(['doctor']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('…');
    expect(run.stdout).not.toMatch(/chunk-[A-Z0-9]+\.js|imported from/);
    expect(run.stdout).toMatch(/^ {2}tensorflow: @tensorflow\/tfjs-node is not installed \(optional\)$/m);
    expect(run.stdout.match(/tfjs-node is not installed/g)).toHaveLength(1);
    expect(run.stdout).toMatch(/Verdict: ready: training runs on WebAssembly SIMD, prediction on WebAssembly SIMD/);
    expect(run.stdout).toMatch(/^kernels → WebAssembly SIMD, relaxed \(fused multiply-add\)$/m);
    expect(run.stdout).toMatch(/ {2}- Optional, for native speed: npm install @tensorflow\/tfjs-node@4\.22\.0/);
    const json = JSON.parse((await runBin(['doctor', '--json'])).stdout) as { verdict: { status: string; advice: string[] } };
    expect(json.verdict.status).toBe('ready');
    expect(json.verdict.advice[0]).toMatch(/tfjs-node/);
  });
});

describe('glossa quickstart', () => {
  it('runs the whole spam demo on a small sample and reports test metrics as JSON', async () => {
    const out = join(dir, 'quick');
    const run = await runBin(['quickstart', '--sample', '300', '--epochs', '1', '--arch', 'bow', '--max-length', '50', '--out', out, '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      bundle: string;
      labels: string[];
      trainSize: number;
      testSize: number;
      test: { n: number; accuracy: number };
      examples: Array<{ text: string; label: string; scores: Record<string, number> }>;
    };
    expect(result.bundle).toBe(out);
    expect(existsSync(out)).toBe(true);
    expect(result.labels).toEqual(['ham', 'spam']);
    expect(result.trainSize + result.testSize).toBe(300);
    expect(result.test.n).toBe(result.testSize);
    expect(result.examples).toHaveLength(4);
    expect(run.stderr).toContain('Test metrics');
  }, 300_000);
});
