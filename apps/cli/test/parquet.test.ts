import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readParquetFile, type TestCodec, writeParquetFile } from '../../../packages/node-runtime/test/parquet-files.js';
import { runCli } from '../src/run-cli.js';
import { assertBuilt, BIN, parseJsonl, runBin, sentimentRows, toCsv } from './helpers.js';

// Parquet through the built binary: train, evaluate, predict and explain read .parquet files (only the
// columns they need, row group by row group); predict writes Parquet to a file or a pipe.

let dir: string;
let model: string;

/** Review rows with ids, two without a usable text (a null and blanks) and an extra wide column. */
function reviewRows(n: number, seed: number) {
  return sentimentRows(n, seed).map((row, i) => ({
    id: `r-${i + 1}`,
    text: i === 5 ? null : i === 9 ? '   ' : row.text,
    label: row.label,
    stars: row.label === 'pos' ? 5 : 1,
  }));
}

function writeReviews(path: string, rows: ReturnType<typeof reviewRows>, codec: TestCodec = 'SNAPPY', rowGroupSize = 25): void {
  writeParquetFile(
    path,
    [
      { name: 'id', data: rows.map((r) => r.id), type: 'STRING' },
      { name: 'body', data: rows.map((r) => r.text), type: 'STRING' },
      { name: 'sentiment', data: rows.map((r) => r.label), type: 'STRING' },
      { name: 'stars', data: rows.map((r) => r.stars), type: 'INT32' },
      { name: 'html', data: rows.map((r) => `<p>${r.text ?? ''}</p>`.repeat(20)), type: 'STRING' },
    ],
    { codec, rowGroupSize, pageSize: 1024 },
  );
}

/** Runs the binary through the shell, stdout redirected as given (a file, or a pipe into a file). */
function runShell(args: readonly string[], redirect: string): { code: number | null; stderr: string } {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const result = spawnSync('sh', ['-c', `${quoted} ${redirect}`], { env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' });
  return { code: result.status, stderr: result.stderr };
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'glossa-parquet-'));
  await writeFile(join(dir, 'train.csv'), toCsv(sentimentRows(160, 5)));
  model = join(dir, 'model');
  const run = await runBin(['train', join(dir, 'train.csv'), '--out', model, '--arch', 'bow', '--epochs', '2', '--max-length', '16', '--embedding-dim', '8']);
  expect(run.code).toBe(0);
}, 180_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('glossa train and evaluate on Parquet', () => {
  it('train and evaluate read the named columns of a .parquet file (or --format parquet), skipping the null and blank texts', async () => {
    const data = join(dir, 'reviews.parquet');
    writeReviews(data, reviewRows(120, 8));
    const trained = await runBin([
      'train',
      data,
      '--out',
      join(dir, 'pq-model'),
      '--text-column',
      'body',
      '--label-column',
      'sentiment',
      '--arch',
      'bow',
      '--epochs',
      '1',
      '--on-bad-row',
      'skip',
      '--json',
    ]);
    expect(trained.code).toBe(0);
    expect(JSON.parse(trained.stdout)).toMatchObject({ labels: ['neg', 'pos'] });
    expect(trained.stderr).toContain(`warning: skipped 2 bad rows in ${data} (rows 6, 10); first: ${data}, row 6: the "body" value is null.`);

    const renamed = join(dir, 'reviews.bin');
    writeReviews(renamed, reviewRows(40, 9), 'GZIP');
    const evaluated = await runBin([
      'evaluate',
      join(dir, 'pq-model'),
      renamed,
      '--format',
      'parquet',
      '--text-column',
      'body',
      '--label-column',
      'stars',
      '--on-bad-row',
      'skip',
      '--json',
    ]);
    // Stars (INT32) as labels are strings "1" and "5", which this model never saw: every row unknown.
    expect(evaluated.code).toBe(1);
    expect(evaluated.stderr).toContain(`warning: skipped 2 bad rows in ${renamed} (rows 6, 10); first: ${renamed}, row 6: the "body" value is null.`);
    expect(evaluated.stderr).toContain(
      `glossa: no row can be scored: 38 rows in ${renamed} have labels never seen in training: 5 (20), 1 (18) (first at ${renamed}, row 1 "5", ${renamed}, row 2 "1")`,
    );

    const failed = await runBin(['train', data, '--out', join(dir, 'never'), '--text-column', 'body', '--label-column', 'sentiment']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(
      `glossa: ${data}, row 6: the "body" value is null. Remove the row or fill in the text; or pass onBadRow: "skip" (--on-bad-row skip) to skip such rows.\n`,
    );
  });

  it('exits 2 for --encoding with Parquet, 1 with the columns for a missing one, and names a file that is not Parquet', async () => {
    const data = join(dir, 'cols.parquet');
    writeReviews(data, reviewRows(10, 1));
    const encoding = await runBin(['train', data, '--out', join(dir, 'x'), '--encoding', 'gb18030']);
    expect(encoding).toMatchObject({
      code: 2,
      stderr: 'glossa: --encoding does not apply to Parquet input: Parquet stores text as UTF-8 by specification. Leave out --encoding gb18030\n',
    });

    const missing = await runBin(['evaluate', model, data]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `glossa: ${data}: the Parquet file has no column "text" (columns: "id" (string), "body" (string), "sentiment" (string), "stars" (int32), "html" (string)). Rename a column to "text" or set textColumn (--text-column) to one of the available names.\n`,
    );

    const fake = join(dir, 'fake.parquet');
    await writeFile(fake, toCsv(sentimentRows(4, 1)));
    const notParquet = await runBin(['predict', model, '--input', fake]);
    expect(notParquet.code).toBe(1);
    expect(notParquet.stderr).toMatch(
      /^glossa: .*fake\.parquet: this is not a Parquet file \(it starts with "text", not "PAR1"\)\. If it holds CSV, TSV or JSON Lines, give it that extension or pass --format csv\|tsv\|jsonl/,
    );
  });
});

describe('glossa predict on Parquet', () => {
  it.each<TestCodec>(['SNAPPY', 'GZIP', 'ZSTD'])(
    'labels every row of a %s file with several row groups as the CSV of the same rows, an error line for each text-less row',
    async (codec) => {
      const rows = reviewRows(90, 3);
      const data = join(dir, `in-${codec}.parquet`);
      writeReviews(data, rows, codec);
      const csv = join(dir, `in-${codec}.csv`);
      const quote = (value: string): string => `"${value.replace(/"/g, '""')}"`;
      await writeFile(csv, `id,body\n${rows.map((r) => `${r.id},${quote(r.text ?? '')}`).join('\n')}\n`);

      const fromParquet = await runBin(['predict', model, '--input', data, '--text-column', 'body', '--id-column', 'id', '--threads', '2']);
      const fromCsv = await runBin(['predict', model, '--input', csv, '--text-column', 'body', '--id-column', 'id', '--threads', '1']);
      expect(fromParquet.code).toBe(0);
      expect(fromCsv.code).toBe(0);
      const a = parseJsonl(fromParquet.stdout);
      const b = parseJsonl(fromCsv.stdout);
      expect(a).toHaveLength(90);
      expect(a.filter((line) => line.error === undefined)).toEqual(b.filter((line) => line.error === undefined));
      expect(a[5]).toEqual({ id: 'r-6', line: 6, error: `${data}, row 6: the "body" value is null (nothing to label).` });
      expect(a[9]).toEqual({ id: 'r-10', line: 10, error: `${data}, row 10: the "body" value is empty (nothing to label).` });
      expect(fromParquet.stderr).toContain(`warning: ${data}: 2 records could not be labelled`);
    },
  );

  it("--output-format parquet to a file (shell redirection) and to a pipe: the CSV output's columns and values, scores as DOUBLE", async () => {
    const rows = reviewRows(70, 4);
    const data = join(dir, 'score-me.parquet');
    writeReviews(data, rows);
    const args = ['predict', model, '--input', data, '--text-column', 'body', '--id-column', 'id', '--keep', 'stars'];
    const toFile = join(dir, 'scored.parquet');
    expect(runShell([...args, '--output-format', 'parquet'], `> '${toFile}'`)).toMatchObject({ code: 0 });
    const throughPipe = join(dir, 'piped.parquet');
    expect(runShell([...args, '--output-format', 'parquet'], `| cat > '${throughPipe}'`)).toMatchObject({ code: 0 });
    const csv = await runBin([...args, '--output-format', 'csv']);
    expect(csv.code).toBe(0);

    const written = await readParquetFile(toFile);
    expect(await readParquetFile(throughPipe)).toEqual(written);
    expect(written.types).toEqual({
      id: 'BYTE_ARRAY',
      stars: 'BYTE_ARRAY',
      text: 'BYTE_ARRAY',
      label: 'BYTE_ARRAY',
      'score:neg': 'DOUBLE',
      'score:pos': 'DOUBLE',
      error: 'BYTE_ARRAY',
    });
    const table = parse(csv.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(written.rows).toHaveLength(70);
    expect(written.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? '' : String(v)])))).toEqual(table);
    expect(written.rows[5]).toMatchObject({
      id: 'r-6',
      stars: '1',
      text: null,
      label: null,
      'score:pos': null,
      error: `${data}, row 6: the "body" value is null (nothing to label).`,
    });

    // And read back as input: the written texts are labelled the same again.
    const again = await runBin(['predict', model, '--input', toFile, '--on-bad-row', 'skip']);
    const labels = parseJsonl(again.stdout).map((line) => line.label ?? null);
    expect(labels).toEqual(written.rows.map((row) => row.label));
  });

  it('explain reads Parquet too, one JSON line per row', async () => {
    const data = join(dir, 'explain.parquet');
    writeReviews(data, reviewRows(12, 6));
    const run = await runBin(['explain', model, '--input', data, '--text-column', 'body', '--id-column', 'id']);
    expect(run.code).toBe(0);
    const lines = parseJsonl(run.stdout);
    expect(lines).toHaveLength(12);
    expect(lines[0]).toMatchObject({ id: 'r-1', method: 'occlusion' });
    expect(lines[5]).toEqual({ id: 'r-6', line: 6, error: `${data}, row 6: the "body" value is null (nothing to label).` });
  });

  it('exits 2 for Parquet on stdin, for --encoding, for a non-string text column, and for Parquet output to a terminal', async () => {
    const data = join(dir, 'usage.parquet');
    writeReviews(data, reviewRows(10, 2));
    expect(await runBin(['predict', model, '--input', '-', '--format', 'parquet'])).toMatchObject({
      code: 2,
      stderr:
        'glossa: Parquet cannot be read from stdin: a Parquet file keeps its index at the end, so glossa needs the file itself. Save it and pass --input <file>.parquet\n',
    });
    expect(await runBin(['explain', model, '--input', data, '--encoding', 'latin1'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--encoding does not apply to Parquet input'),
    });
    const numeric = await runBin(['predict', model, '--input', data, '--text-column', 'stars']);
    expect(numeric.code).toBe(1);
    expect(numeric.stderr).toBe(
      `glossa: ${data}: the "stars" column holds int32 values, not text, so it cannot be the text to classify. Set textColumn (--text-column) to a string column: "id", "body", "sentiment", "html".\n`,
    );

    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const code = await runCli(['predict', model, '--input', data, '--text-column', 'body', '--output-format', 'parquet'], {
      stdout: terminal,
      stderr,
      stdin: Readable.from([]),
    });
    expect(code).toBe(2);
    expect(err).toBe('glossa: --output-format parquet writes binary data, and stdout is a terminal: redirect it to a file (> scored.parquet) or a pipe\n');
  });
});
