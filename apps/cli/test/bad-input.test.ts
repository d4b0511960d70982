import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type BinRun, parseJsonl, runBin, sentimentRows, toCsv, toJsonl } from './helpers.js';

// The bad-input catalogue of issue 5 through the BUILT binary (`pnpm build` first): every case ends in
// exit 0 with the right output, or exit 1 with one `glossa:` line naming the file, the line (and column)
// and what to do. Never a stack trace, never a hang.

const SMALL = ['--arch', 'bow', '--epochs', '2', '--batch-size', '16', '--learning-rate', '0.02', '--max-length', '16', '--embedding-dim', '8', '--seed', '3'];

let dir: string;
let model: string;
let trainRun: BinRun;

const path = (name: string): string => join(dir, name);
const write = async (name: string, content: string | Uint8Array): Promise<string> => {
  await writeFile(path(name), content);
  return path(name);
};

/** The single `glossa:` line of a failed run (and no stack trace). */
function failureLine(run: BinRun): string {
  expect(run.code).toBe(1);
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return lines[0] ?? '';
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'glossa-bad-input-'));
  // Numeric labels, a BOM and mixed line endings: all fine.
  const rows = sentimentRows(160, 11).map((row) => ({ text: row.text, label: row.label === 'pos' ? 1 : 0 }));
  const lines = rows.map((row) => JSON.stringify(row));
  const body = lines.map((line, i) => line + ['\n', '\r\n', '\r'][i % 3]).join('');
  await write('train.jsonl', `\uFEFF${body}`);
  model = path('model');
  trainRun = await runBin(['train', path('train.jsonl'), '--out', model, ...SMALL, '--json']);
}, 180_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('glossa train on bad data files', () => {
  it('trains on JSONL with numeric labels, a BOM and LF, CRLF and CR line endings', () => {
    expect(trainRun.stderr).not.toMatch(/glossa:|warning:/);
    expect(trainRun.code).toBe(0);
    const result = JSON.parse(trainRun.stdout) as { labels: string[]; trainSize: number; validationSize: number };
    expect(result.labels).toEqual(['0', '1']);
    expect(result.trainSize + result.validationSize).toBe(160);
  });

  const failures: Array<[string, string | Uint8Array, string[], RegExp]> = [
    ['an empty file', '', [], /empty\.csv: the file is empty \(no header row\)\. A CSV file needs a header row naming its columns/],
    ['a header only', 'text,label\r\n', [], /header\.csv: no usable rows\. Add rows with a non-empty "text" and "label"/],
    [
      'a misspelt column',
      'txet,label\na,b\n',
      [],
      /misspelt\.csv:1: the header has no column "text" \(columns: "txet", "label"\)\. Did you mean "txet"\? .*--text-column/,
    ],
    ['a missing label column', 'text,sentiment\na,b\n', [], /missing\.csv:1: the header has no column "label" .*set labelColumn \(--label-column\)/],
    ['a ragged row', 'text,label\na,pos\nb,neg,extra\n', [], /ragged\.csv:3: expected 2 fields \("text", "label"\) but found 3\. .*--on-bad-row skip/],
    [
      'an unterminated quote',
      'text,label\na,pos\n"never closed,neg\nb,pos\n',
      ['--on-bad-row', 'skip'],
      /unterminated\.csv:3: a quoted field starting on this line .* is never closed.*Close the quote/,
    ],
    [
      'invalid UTF-8',
      Buffer.from('text,label\nok,pos\ncaf\u00e9,neg\n', 'latin1'),
      [],
      /latin1\.csv:3:4: invalid UTF-8 \(byte 0xE9 at character 4\).*iconv -f windows-1252 -t utf-8/,
    ],
    [
      'a file full of NUL bytes (binary)',
      `text,label\nok,pos\n${'\u0000'.repeat(40)},neg\n`,
      [],
      /nul\.csv:3:1: the row contains a NUL byte \(0x00\) at character 1\. Text files do not contain NUL bytes/,
    ],
    [
      'a UTF-16 file',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('text,label\r\na,b\r\n', 'utf16le')]),
      [],
      /utf16\.csv:1:1: the file is UTF-16 encoded.*Pass --encoding utf-16le/,
    ],
    ['an empty text', 'text,label\nok,pos\n"  ",neg\n', [], /empty-text\.csv:3: the "text" value is empty\. Remove the row or fill in the text/],
    ['a blank label', 'text,label\nok,pos\nfine,\n', [], /blank-label\.csv:3: the "label" value is empty\. Give every row a label/],
    ['a JSONL line that is not JSON', '{"text":"a","label":"x"}\n{"text":"b" "label":"y"}\n', [], /not-json\.jsonl:2:13: the line is not valid JSON/],
    [
      'a JSONL line without the text field',
      '{"text":"a","label":"x"}\n{"txt":"b","label":"y"}\n',
      [],
      /no-field\.jsonl:2: the object has no "text" field .*Did you mean "txt"\?/,
    ],
    [
      'a row longer than --max-record-size',
      `text,label\n"${'x'.repeat(3000)}",pos\n`,
      ['--max-record-size', '1000'],
      /long\.csv:2: the row starting here is longer than 1000 characters/,
    ],
    [
      'a TSV file saved as .csv',
      'text\tlabel\ngood\tpos\nbad\tneg\n',
      [],
      /tab\.csv:1: the header has no column "text" .*The header is tab-separated: this is a TSV file\. Pass --format tsv/,
    ],
  ];
  const names: Record<string, string> = {
    'an empty file': 'empty.csv',
    'a header only': 'header.csv',
    'a misspelt column': 'misspelt.csv',
    'a missing label column': 'missing.csv',
    'a ragged row': 'ragged.csv',
    'an unterminated quote': 'unterminated.csv',
    'invalid UTF-8': 'latin1.csv',
    'a file full of NUL bytes (binary)': 'nul.csv',
    'a UTF-16 file': 'utf16.csv',
    'an empty text': 'empty-text.csv',
    'a blank label': 'blank-label.csv',
    'a JSONL line that is not JSON': 'not-json.jsonl',
    'a JSONL line without the text field': 'no-field.jsonl',
    'a row longer than --max-record-size': 'long.csv',
    'a TSV file saved as .csv': 'tab.csv',
  };

  it('names a directory passed as data as a directory, and a data file with an unknown extension by its path', async () => {
    const folder = path('a-folder');
    await mkdir(folder, { recursive: true });
    expect(failureLine(await runBin(['train', folder, '--out', path('never-folder'), ...SMALL]))).toMatch(
      /^glossa: .*a-folder: this is a directory, not a data file\. Pass the path of a \.csv/,
    );
    const odd = await write('data.dat', 'text,label\na,b\n');
    const line = failureLine(await runBin(['train', odd, '--out', path('never-dat'), ...SMALL]));
    expect(line).toMatch(/^glossa: .*data\.dat: cannot tell the file's format from its extension \("\.dat"\)/);
    expect(line).not.toMatch(/detectFormat|loadBundle/);
  });

  it('asks for the data file before --out, and for --out with an example', async () => {
    const none = await runBin(['train']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing required argument 'data'/);
    const noOut = await runBin(['train', 'reviews.csv']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out <dir> is missing: where to save the trained model, e\.g\. glossa train reviews\.csv --out \.\/model/);
  });

  it.each(failures)('exits 1 with one line for %s', async (name, content, extra, message) => {
    const file = await write(names[name]!, content);
    const out = path(`never-${names[name]}`);
    const run = await runBin(['train', file, '--out', out, ...SMALL, ...extra]);
    expect(failureLine(run)).toMatch(message);
    expect(run.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('exits 1 when every row has the same label', async () => {
    const file = await write('one-class.csv', 'text,label\na,pos\nb,pos\nc,pos\n');
    const run = await runBin(['train', file, '--out', path('never-one'), ...SMALL]);
    expect(run.code).toBe(1);
    // Checked with the data, before a backend is initialised: one line naming the file.
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^glossa: .*one-class\.csv: every row has the label "pos"; a classifier needs at least two labels\./),
    ]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('skips bad rows with --on-bad-row skip, saying how many and which lines', async () => {
    const good = toCsv(sentimentRows(60, 12)).trimEnd().split('\n');
    const bad = ['only-one-field', Buffer.from('caf\u00e9 latin1,pos', 'latin1').toString('binary'), 'n\u0000l,neg', '"   ",pos', 'no label,'];
    // Bad rows at lines 5, 10, 15, 20, 25 (the header is line 1).
    const lines = [...good];
    bad.forEach((row, i) => {
      lines.splice(4 + 5 * i, 0, row);
    });
    const file = await write('skip.csv', Buffer.from(`${lines.join('\r\n')}\r\n`, 'binary'));
    const run = await runBin(['train', file, '--out', path('model-skip'), ...SMALL, '--epochs', '1', '--on-bad-row', 'skip', '--json']);
    expect(run.code).toBe(0);
    // The NUL byte of line 15 is read as a space (the row kept, with its own warning); the other four are skipped.
    expect(run.stderr).toMatch(/warning: skipped 4 bad rows in .*skip\.csv \(lines 5, 10, 20, 25\); first: .*skip\.csv:5: expected 2 fields/);
    expect(run.stderr).toMatch(/warning: .*skip\.csv: 1 NUL byte was read as a space, the rows kept \(line 15\)/);
    expect((JSON.parse(run.stdout) as { labels: string[] }).labels).toEqual(['neg', 'pos']);
  }, 120_000);

  it('caps the list of skipped lines', async () => {
    const rows = toCsv(sentimentRows(40, 13)).trimEnd().split('\n');
    const file = await write('many-bad.csv', `${[...rows, ...Array.from({ length: 25 }, () => 'x,y,z')].join('\n')}\n`);
    const run = await runBin(['train', file, '--out', path('model-many'), ...SMALL, '--epochs', '1', '--on-bad-row', 'skip', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: skipped 25 bad rows in .*many-bad\.csv \(lines 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, … 15 more\)/);
  }, 120_000);
});

describe('glossa evaluate on bad data files', () => {
  it('warns about labels never seen in training, naming the file, first line and label', async () => {
    const rows = sentimentRows(20, 14).map((row) => ({ text: row.text, label: row.label === 'pos' ? 1 : 0 }));
    const file = await write(
      'test.jsonl',
      toJsonl([...rows.slice(0, 5), { text: 'meh', label: 2 }, ...rows.slice(5), { text: 'so-so', label: 'neutral' }, { text: 'x', label: 2 }]),
    );
    const run = await runBin(['evaluate', model, file, '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /warning: 3 rows in .*test\.jsonl have labels never seen in training: 2 \(2\), neutral \(1\) \(first at .*test\.jsonl:6 "2", .*test\.jsonl:22 "neutral"\); the model can only predict 0, 1, so these rows are left out of the metrics/,
    );
    expect((JSON.parse(run.stdout) as { n: number }).n).toBe(20);
  });

  it('exits 1 when no row has a label the model knows', async () => {
    const file = await write('all-unknown.csv', 'text,label\na,pos\nb,neg\n');
    expect(failureLine(await runBin(['evaluate', model, file]))).toMatch(
      /^glossa: no row can be scored: 2 rows in .*all-unknown\.csv have labels never seen in training: neg \(1\), pos \(1\) \(first at .*all-unknown\.csv:3 "neg", .*all-unknown\.csv:2 "pos"\)/,
    );
  });

  it('fails on invalid UTF-8 in the test file with its line and column', async () => {
    const file = await write('test-latin1.tsv', Buffer.from('text\tlabel\nna\u00efve\t1\n', 'latin1'));
    expect(failureLine(await runBin(['evaluate', model, file]))).toMatch(/test-latin1\.tsv:2:3: invalid UTF-8 \(byte 0xEF at character 3\)/);
  });
});

describe('glossa predict on bad input', () => {
  it('labels a 10 MB text', async () => {
    const text = 'great film '.repeat(1024 * 1024);
    const file = await write('ten.txt', `${text}\nshort one\n`);
    const run = await runBin(['predict', model, '--input', file]);
    expect(run.code).toBe(0);
    const rows = parseJsonl(run.stdout);
    expect(rows.map((row) => (row.text as string).length)).toEqual([text.length, 9]);
  }, 120_000);

  it('reads a stray NUL byte in stdin as a space with a warning naming line and column, and skips a bad line in its place', async () => {
    const input = 'fine\nbro\u0000ken\n{"text": "also fine"}\n{"text": 5}\n';
    expect(failureLine(await runBin(['predict', model], { input }))).toMatch(/^glossa: stdin:4: JSON line has no string "text" field/);
    const run = await runBin(['predict', model, '--on-bad-row', 'skip'], { input });
    expect(run.code).toBe(0);
    // Output to a pipe: one line per input line, the bad one with an "error" field in its place.
    expect(parseJsonl(run.stdout).map((row) => row.text ?? `error at line ${row.line}`)).toEqual(['fine', 'bro ken', 'also fine', 'error at line 4']);
    expect(run.stderr).toMatch(
      /warning: stdin: 1 NUL byte was read as a space, the rows kept \(line 2\); first: stdin:2:4: a NUL byte \(0x00\) at character 4 was read as a space/,
    );
  });

  it('keeps a mail whose quoted body holds a NUL byte: training reads it as a space and warns', async () => {
    const rows = ['text,label', ...Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? `great film ${i},pos` : `awful film ${i},neg`))];
    rows.splice(5, 0, '"Subject: hi\n\nbody with a \u0000 inside, still a mail",pos');
    const file = await write('mail.csv', `${rows.join('\n')}\n`);
    const run = await runBin(['train', file, '--out', path('mail-model'), ...SMALL, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { trainSize: number; validationSize: number };
    expect(result.trainSize + result.validationSize).toBe(31);
    expect(run.stderr).toMatch(/warning: .*mail\.csv: 1 NUL byte was read as a space, the rows kept \(line 8\); first: .*mail\.csv:8:13:/);
  });

  it('reads CSV input by extension with --text-column, reporting a ragged row', async () => {
    const file = await write('input.csv', 'id,review\n1,"great, really"\n2,awful,extra\n3,superb\n');
    expect(failureLine(await runBin(['predict', model, '--input', file, '--text-column', 'review']))).toMatch(/input\.csv:3: expected 2 fields/);
    const run = await runBin(['predict', model, '--input', file, '--text-column', 'review', '--on-bad-row', 'skip', '--id-column', 'id']);
    expect(run.code).toBe(0);
    const rows = parseJsonl(run.stdout);
    expect(rows.map((row) => row.text ?? `error at line ${row.line}`)).toEqual(['great, really', 'error at line 3', 'superb']);
    expect(rows.map((row) => row.id)).toEqual(['1', undefined, '3']);
    expect(rows[1]!.error).toMatch(/input\.csv:3: expected 2 fields/);
    expect(failureLine(await runBin(['predict', model, '--input', file]))).toMatch(/input\.csv:1: the header has no column "text" \(columns: "id", "review"\)/);
  });

  it('fails on a line longer than --max-record-size, or skips it without reading it into memory', async () => {
    const file = await write('long.jsonl', `{"text":"ok"}\n{"text":"${'x'.repeat(5000)}"}\n{"text":"fine"}\n`);
    expect(failureLine(await runBin(['predict', model, '--input', file, '--max-record-size', '1000']))).toMatch(
      /long\.jsonl:2: the line is 5011 characters long, more than maxRecordSize \(1000\); it was not read/,
    );
    const run = await runBin(['predict', model, '--input', file, '--max-record-size', '1000', '--on-bad-row', 'skip']);
    expect(run.code).toBe(0);
    expect(parseJsonl(run.stdout).map((row) => row.text ?? `error at line ${row.line}`)).toEqual(['ok', 'error at line 2', 'fine']);
    expect(run.stderr).toMatch(
      /^warning: .*long\.jsonl: 1 record could not be labelled; its output line carries an "error" field instead \(first: .*long\.jsonl:2: the line is 5011 characters long/,
    );
  });

  it('fails on invalid UTF-8 in an --input file, and reads it with --encoding', async () => {
    const file = await write('latin1.txt', Buffer.from('ok\nd\u00e9j\u00e0 vu\n', 'latin1'));
    expect(failureLine(await runBin(['predict', model, '--input', file]))).toMatch(
      /latin1\.txt:2:2: invalid UTF-8 \(byte 0xE9 at character 2\).*--encoding gb18030/,
    );
    const run = await runBin(['predict', model, '--input', file, '--encoding', 'windows-1252']);
    expect(run.code, run.stderr).toBe(0);
    expect(parseJsonl(run.stdout).map((row) => row.text)).toEqual(['ok', 'd\u00e9j\u00e0 vu']);
    expect((await runBin(['predict', model, '--input', file, '--encoding', 'klingon'])).code).toBe(2);
  });

  it('trains, evaluates and predicts on a GB18030 (GBK) export with --encoding gb18030, every character kept', async () => {
    // "好看" (good) and "难看" (bad) in GBK, with ASCII filler so the tiny model separates them.
    const good = [0xba, 0xc3, 0xbf, 0xb4];
    const bad = [0xc4, 0xd1, 0xbf, 0xb4];
    const rows: Buffer[] = [Buffer.from('text,label\n')];
    for (let i = 0; i < 40; i++) {
      rows.push(Buffer.concat([Buffer.from(good), Buffer.from(` film ${i},pos\n`)]), Buffer.concat([Buffer.from(bad), Buffer.from(` film ${i},neg\n`)]));
    }
    const file = await write('gbk.csv', Buffer.concat(rows));
    expect(failureLine(await runBin(['train', file, '--out', path('gbk-model'), ...SMALL]))).toMatch(/gbk\.csv:2:1: invalid UTF-8 .*--encoding gb18030/);
    const trained = await runBin(['train', file, '--out', path('gbk-model'), ...SMALL, '--encoding', 'gb18030', '--json']);
    expect(trained.code, trained.stderr).toBe(0);
    expect((await runBin(['evaluate', path('gbk-model'), file, '--encoding', 'gbk', '--json'])).code).toBe(0);
    const predicted = await runBin(['predict', path('gbk-model'), '--input', file, '--encoding', 'gbk', '--on-bad-row', 'skip']);
    const out = parseJsonl(predicted.stdout);
    expect(out).toHaveLength(80);
    expect(out[0]!.text).toBe('好看 film 0');
    expect(out[1]!.text).toBe('难看 film 0');
  });
});

describe('glossa on damaged and tampered bundles', () => {
  const copy = async (name: string): Promise<string> => {
    const target = path(name);
    await cp(model, target, { recursive: true });
    return target;
  };
  const editManifest = async (dir: string, change: (manifest: Record<string, unknown>) => void): Promise<void> => {
    const file = join(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    change(manifest);
    await writeFile(file, JSON.stringify(manifest));
  };

  it.each([
    ['missing weights', async (dir: string) => rm(join(dir, 'weights.bin')), /^glossa: Bundle: weights\.bin is missing/],
    [
      'truncated weights',
      async (dir: string) => truncate(join(dir, 'weights.bin'), 10),
      /^glossa: Bundle: weights\.bin has 10 bytes but the model needs \d+ \(truncated or from another model\)/,
    ],
    [
      'a newer format version',
      async (dir: string) =>
        editManifest(dir, (m) => {
          m.formatVersion = 9;
        }),
      /^glossa: Bundle: manifest\.json has format version 9, but this @glossa\/model-core .* Upgrade Glossa/,
    ],
    [
      'weights at ../../etc/passwd',
      async (dir: string) =>
        editManifest(dir, (m) => {
          m.files = { ...(m.files as object), weights: '../../etc/passwd' };
        }),
      /^glossa: Bundle: manifest\.json is invalid .*files\.weights: must be a plain file name inside the bundle/,
    ],
    [
      'an unknown architecture',
      async (dir: string) =>
        editManifest(dir, (m) => {
          m.architecture = 'mamba';
        }),
      /^glossa: Bundle: manifest\.json is invalid .*architecture/,
    ],
    [
      'a vocabulary of 1e12',
      async (dir: string) =>
        editManifest(dir, (m) => {
          m.options = { ...(m.options as object), vocabSize: 1e12 };
        }),
      /^glossa: Bundle: manifest\.json is invalid .*options\.vocabSize/,
    ],
    [
      'a Lambda layer',
      async (dir: string) => {
        const file = join(dir, 'model.json');
        const topology = JSON.parse(await readFile(file, 'utf8')) as { modelTopology: { config: { layers: unknown[] } } };
        topology.modelTopology.config.layers.push({ class_name: 'Lambda', config: { function: 'require("child_process").execSync("touch pwned")' } });
        await writeFile(file, JSON.stringify(topology));
      },
      /^glossa: Bundle: model\.json is invalid .*"Lambda": not a layer Glossa builds/,
    ],
  ])('predict exits 1 with one line for a bundle with %s', async (_name, damage, message) => {
    const dir = await copy(`bundle-${Math.random().toString(36).slice(2)}`);
    await damage(dir);
    const run = await runBin(['predict', dir, 'great film'], { cwd: dir });
    expect(failureLine(run)).toMatch(message);
    expect(run.stdout).toBe('');
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('evaluate and info refuse a .glossa file with an entry leaving the bundle', async () => {
    const packed = path('packed.glossa');
    const run = await runBin(['train', path('train.jsonl'), '--out', packed, ...SMALL, '--epochs', '1']);
    expect(run.code).toBe(0);
    // Rename the manifest entry in place to a same-length name that leaves the bundle.
    const bytes = await readFile(packed);
    for (let at = bytes.indexOf('manifest.json'); at !== -1; at = bytes.indexOf('manifest.json', at + 1)) bytes.write('../../a.json!', at, 'latin1');
    await writeFile(packed, bytes);
    const test = await write('eval.csv', 'text,label\ngreat,1\nawful,0\n');
    expect(failureLine(await runBin(['evaluate', packed, test]))).toMatch(
      /^glossa: Bundle: the archive has entries a bundle never holds \(unsafe entry name "\.\.\/\.\.\/a\.json!": it leaves the bundle/,
    );
    expect(failureLine(await runBin(['info', packed]))).toMatch(/^glossa: .*unsafe entry name/);
  }, 120_000);

  it('refuses a truncated .glossa file and a data file passed as the bundle', async () => {
    const packed = path('cut.glossa');
    const bytes = await readFile(path('packed.glossa')).catch(() => undefined);
    if (bytes !== undefined) {
      await writeFile(packed, bytes.subarray(0, bytes.length >> 1));
      expect(failureLine(await runBin(['predict', packed, 'x']))).toMatch(/^glossa: Bundle: the archive cannot be read .*truncated or damaged/);
    }
    expect(failureLine(await runBin(['predict', path('train.jsonl'), 'x']))).toMatch(
      /^glossa: Bundle: the file is not a packed Glossa bundle \(no ZIP header\)/,
    );
  });
});
