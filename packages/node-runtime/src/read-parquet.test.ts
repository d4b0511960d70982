import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type ColumnChunk, parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { HAS_ZSTD_COMMAND, type TestCodec, writeParquetFile } from '../test/parquet-files.js';
import { useTempDir } from '../test/temp-dir.js';
import type { DataProblem } from './data-problem.js';
import { DataError, NodeRuntimeError } from './errors.js';
import { cachedParquetBytes, openParquetFile, parquetSource } from './internal/parquet-source.js';
import { DEFAULT_MAX_RECORD_SIZE, type SourceSettings } from './internal/record-source.js';
import { loadLabeledTexts } from './load-labeled-texts.js';
import { readLabeledTexts } from './read-labeled-texts.js';
import { readRecords } from './read-records.js';
import { readTextRecords, readTexts } from './read-texts.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const TEXTS = ['a great film', 'dull and long', '好看的电影 🙂', 'quoted "text", with commas\nand a line break'];

/** `n` rows: text, label (alternating pos/neg), stars (INT32), id (INT64). */
function reviewColumns(n: number) {
  return [
    { name: 'id', data: Array.from({ length: n }, (_, i) => BigInt(i + 1)), type: 'INT64' as const },
    { name: 'review', data: Array.from({ length: n }, (_, i) => `${TEXTS[i % TEXTS.length]} #${i + 1}`), type: 'STRING' as const },
    { name: 'label', data: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'pos' : 'neg')), type: 'STRING' as const },
    { name: 'stars', data: Array.from({ length: n }, (_, i) => (i % 5) + 1), type: 'INT32' as const },
  ];
}

describe('Parquet input', () => {
  const tmp = useTempDir();
  const path = (name: string): string => join(tmp(), name);

  it.each<TestCodec>(['SNAPPY', 'GZIP', 'ZSTD', 'BROTLI', 'UNCOMPRESSED'])('reads %s-compressed files with every reader', async (codec) => {
    const file = path(`reviews-${codec}.parquet`);
    writeParquetFile(file, reviewColumns(50), { codec, rowGroupSize: 16 });
    expect(parquetMetadata(await readFile(file)).row_groups[0]?.columns[1]?.meta_data?.codec).toBe(codec);

    const labeled = await collect(readLabeledTexts(file, { textColumn: 'review' }));
    expect(labeled).toHaveLength(50);
    expect(labeled[2]).toEqual({ text: `${TEXTS[2]} #3`, label: 'pos', line: 3 });
    expect(labeled[49]).toEqual({ text: `${TEXTS[1]} #50`, label: 'neg', line: 50 });

    const texts = await collect(readTexts(file, { textColumn: 'review', requiredColumns: ['id'] }));
    expect(texts[3]).toEqual({ text: `${TEXTS[3]} #4`, line: 4, fields: { review: `${TEXTS[3]} #4`, id: '4' } });

    const { records } = await loadLabeledTexts(file, { textColumn: 'review', labelColumn: 'stars' });
    expect(records.slice(0, 6).map((r) => r.label)).toEqual(['1', '2', '3', '4', '5', '1']);
  });

  it.runIf(HAS_ZSTD_COMMAND)('reads pages compressed by the zstd command (real zstd blocks, not stored ones)', async () => {
    const file = path('real-zstd.parquet');
    writeParquetFile(file, reviewColumns(400), { codec: 'ZSTD', realZstd: true, rowGroupSize: 100 });
    const labeled = await collect(readLabeledTexts(file, { textColumn: 'review' }));
    expect(labeled.map((r) => r.text)).toEqual(reviewColumns(400)[1]!.data);
  });

  it('reads only the columns it needs', async () => {
    const file = path('wide.parquet');
    const n = 300;
    writeParquetFile(
      file,
      [...reviewColumns(n), { name: 'body_html', data: Array.from({ length: n }, (_, i) => `<p>${'lorem ipsum '.repeat(200)}${i}</p>`), type: 'STRING' }],
      { rowGroupSize: 100, offsetIndex: false },
    );
    const bytes = await readFile(file);
    const unwanted = parquetMetadata(bytes)
      .row_groups.flatMap((group) => group.columns)
      .filter((chunk) => chunk.meta_data?.path_in_schema[0] !== 'review' && chunk.meta_data?.path_in_schema[0] !== 'label')
      .map(chunkRange);
    const reads: Array<[number, number]> = [];
    const buffer = cachedParquetBytes(bytes.length, async (start, end) => {
      reads.push([start, end]);
      return bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end);
    });
    const items = await collect(parquetSource(buffer, settings(file, ['review', 'label'])));
    expect(items).toHaveLength(n);
    expect(items[0]?.record?.fields).toEqual({ review: `${TEXTS[0]} #1`, label: 'pos' });
    // Apart from the footer (read first, as the file's last 512 KiB: here all of it), no read touches another column's data.
    const dataReads = reads.filter(([, end]) => end < bytes.length);
    expect(dataReads.length).toBeGreaterThanOrEqual(3); // one per row group at least
    for (const [start, end] of dataReads) {
      for (const [from, to] of unwanted) expect(start >= to || end <= from, `read ${start}-${end} overlaps ${from}-${to}`).toBe(true);
    }
  });

  it('reads row group by row group, each in slices, never ahead of the rows taken (deterministic: counted reads)', async () => {
    const file = path('groups.parquet');
    const n = 2000;
    for (const offsetIndex of [true, false]) {
      writeParquetFile(file, reviewColumns(n), { rowGroupSize: 500, pageSize: 2048, offsetIndex });
      const bytes = await readFile(file);
      const metadata = parquetMetadata(bytes);
      expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([500, 500, 500, 500]);
      const groupEnds = metadata.row_groups.map((group) => Math.max(...group.columns.map((c) => chunkRange(c)[1])));
      const footerStart = groupEnds[3]!;

      let readBytes = 0;
      let furthest = 0;
      const buffer = cachedParquetBytes(bytes.length, async (start, end) => {
        // The footer is read first, as the file's last 512 KiB (here: all of it); count the rest.
        if (start < footerStart && end < bytes.length) {
          readBytes += end - start;
          furthest = Math.max(furthest, end);
        }
        return bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end);
      });
      const slices: Array<{ group: number; rowStart: number; rowEnd: number }> = [];
      // About 4 KiB of review + label per slice: each group of 500 rows comes in several slices.
      const source = parquetSource(buffer, settings(file, ['review', 'label']), { sliceBytes: 4096, onSlice: (slice) => slices.push(slice) });
      let row = 0;
      for await (const item of source) {
        row++;
        expect(item.record?.line).toBe(row);
        // Only the slice holding this row has been read, and no data past the row group holding it.
        const last = slices.at(-1)!;
        expect(row).toBeGreaterThan(last.rowStart);
        expect(row).toBeLessThanOrEqual(last.rowEnd);
        expect(furthest).toBeLessThanOrEqual(groupEnds[last.group]!);
      }
      expect(row).toBe(n);
      expect(slices.length).toBeGreaterThan(8);
      expect(new Set(slices.map((s) => s.group))).toEqual(new Set([0, 1, 2, 3]));
      expect(Math.max(...slices.map((s) => s.rowEnd - s.rowStart))).toBeLessThan(500);
      // Without an offset index a slice needs its group's whole column chunks: they are read once per
      // group (kept while the group's slices last), not once per slice.
      const selected = metadata.row_groups
        .flatMap((group) => group.columns)
        .filter((chunk) => ['review', 'label'].includes(chunk.meta_data?.path_in_schema[0] ?? ''))
        .reduce((sum, chunk) => sum + Number(chunk.meta_data?.total_compressed_size), 0);
      expect(readBytes).toBeLessThan(selected * 1.5);
    }
  });

  it('reads a single huge row group in slices, with the same rows as a whole read', async () => {
    const file = path('one-group.parquet');
    writeParquetFile(file, reviewColumns(5000), { rowGroupSize: 5000, pageSize: 4096 });
    const slices: unknown[] = [];
    const sliced = await collect(parquetSource(await openParquetFile(file), settings(file, ['review']), { sliceBytes: 8192, onSlice: (s) => slices.push(s) }));
    expect(slices.length).toBeGreaterThan(10);
    const whole = await collect(readRecords(file, { requiredColumns: ['review'] }));
    expect(sliced.map((item) => item.record)).toEqual(whole);
    expect(whole[4999]).toEqual({ line: 5000, fields: { review: `${TEXTS[3]} #5000` } });
  });

  it('gives every column as a string when no column is required, null left out (as JSONL)', async () => {
    const file = path('types.parquet');
    writeParquetFile(file, [
      { name: 'text', data: ['a', null], type: 'STRING' },
      { name: 'n', data: [2.5, -0], type: 'DOUBLE' },
      { name: 'big', data: [9007199254740993n, null], type: 'INT64' },
      { name: 'ok', data: [true, false], type: 'BOOLEAN' },
      { name: 'at', data: [new Date('2026-01-02T03:04:05.678Z'), null], type: 'TIMESTAMP' },
      { name: 'meta', data: [{ k: [1, 2] }, null], type: 'JSON' },
    ]);
    expect(await collect(readRecords(file))).toEqual([
      { line: 1, fields: { text: 'a', n: '2.5', big: '9007199254740993', ok: 'true', at: '2026-01-02T03:04:05.678Z', meta: '{"k":[1,2]}' } },
      { line: 2, fields: { n: '0', ok: 'false' } },
    ]);
  });

  it('gives a null or empty text as a problem record in its place (line = 1-based row), and fails or skips it when labelled', async () => {
    const file = path('nulls.parquet');
    writeParquetFile(file, [
      { name: 'id', data: ['a', 'b', 'c', 'd'], type: 'STRING' },
      { name: 'text', data: ['fine', null, '  ', 'also fine'], type: 'STRING' },
      { name: 'label', data: ['pos', 'neg', 'pos', null], type: 'STRING' },
    ]);
    const records = await collect(readTextRecords(file, { requiredColumns: ['id'] }));
    expect(records.map((r) => (r.kind === 'text' ? r.text : r.problem.message))).toEqual([
      'fine',
      `${file}, row 2: the "text" value is null (nothing to label).`,
      `${file}, row 3: the "text" value is empty (nothing to label).`,
      'also fine',
    ]);
    expect(records[1]).toMatchObject({ kind: 'problem', line: 2, fields: { id: 'b' }, problem: { kind: 'empty-text', line: 2 } });

    await expect(collect(readLabeledTexts(file))).rejects.toThrow(`${file}, row 2: the "text" value is null. Remove the row or fill in the text`);
    const problems: DataProblem[] = [];
    const kept = await collect(readLabeledTexts(file, { onBadRow: 'skip', onSkip: (p) => problems.push(p) }));
    expect(kept).toEqual([{ text: 'fine', label: 'pos', line: 1 }]);
    expect(problems.map((p) => [p.kind, p.line])).toEqual([
      ['empty-text', 2],
      ['empty-text', 3],
      ['empty-label', 4],
    ]);
    expect(problems[2]?.message).toBe(
      `${file}, row 4: the "label" value is null. Give every row a label; or pass onBadRow: "skip" (--on-bad-row skip) to skip unlabeled rows.`,
    );
  });

  it('reports a string that is not UTF-8 as a bad row at its row and character', async () => {
    const file = path('latin1.parquet');
    const schema = [
      { name: 'root', num_children: 2 },
      { name: 'text', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
      { name: 'label', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
    ];
    const cafe = Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6f, 0x6b]); // "café ok" in Latin-1
    writeParquetFile(
      file,
      [
        { name: 'text', data: ['good', cafe, 'fine'] },
        { name: 'label', data: ['a', 'b', 'c'] },
      ],
      { schema },
    );
    const records = await collect(readTextRecords(file));
    expect(records.map((r) => r.kind)).toEqual(['text', 'problem', 'text']);
    const problem = records[1]?.kind === 'problem' ? records[1].problem : undefined;
    expect(problem).toMatchObject({ kind: 'invalid-utf8', line: 2, column: 4 });
    expect(problem?.message).toMatch(/, row 2: the "text" value is not valid UTF-8 \(at character 4\)\. Parquet strings are UTF-8 by specification/);
    await expect(collect(readTexts(file))).rejects.toThrow(/row 2: the "text" value is not valid UTF-8/);
  });

  it('reports a value over maxRecordSize as a bad row', async () => {
    const file = path('long.parquet');
    writeParquetFile(file, [{ name: 'text', data: ['short', 'x'.repeat(500)], type: 'STRING' }]);
    const records = await collect(readTextRecords(file, { maxRecordSize: 100 }));
    expect(records[1]).toMatchObject({ kind: 'problem', line: 2, problem: { kind: 'line-too-long' } });
  });

  describe('file-level errors', () => {
    it('names the missing column, lists the columns with their types, suggests the closest', async () => {
      const file = path('cols.parquet');
      writeParquetFile(file, reviewColumns(3));
      const error = await collect(readTexts(file, { textColumn: 'Review ' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      expect(error).toMatchObject({ code: 'MISSING_COLUMN', line: 0 });
      expect((error as Error).message).toBe(
        `${file}: the Parquet file has no column "Review " (columns: "id" (int64), "review" (string), "label" (string), "stars" (int32)). ` +
          'Did you mean "review"? Rename the column or set textColumn (--text-column) to "review".',
      );
      await expect(collect(readLabeledTexts(file, { textColumn: 'review', labelColumn: 'sentiment' }))).rejects.toThrow(
        /no column "sentiment".*labelColumn \(--label-column\)/,
      );
    });

    it('refuses a text column that does not hold strings, naming the string columns', async () => {
      const file = path('numeric.parquet');
      writeParquetFile(file, reviewColumns(3));
      await expect(collect(readTexts(file, { textColumn: 'stars' }))).rejects.toThrow(
        `${file}: the "stars" column holds int32 values, not text, so it cannot be the text to classify. Set textColumn (--text-column) to a string column: "review", "label".`,
      );
      // A number is fine as a label (it becomes a string) or a copied field.
      await expect(collect(readLabeledTexts(file, { textColumn: 'review', labelColumn: 'id' }))).resolves.toHaveLength(3);
    });

    it('recognises a file that is not Parquet, one cut short, an encrypted one and a tiny one', async () => {
      const csv = path('really-a-csv.parquet');
      await writeFile(csv, 'text,label\nhello,pos\n');
      await expect(collect(readTexts(csv))).rejects.toThrow(
        `${csv}: this is not a Parquet file (it starts with "text", not "PAR1"). If it holds CSV, TSV or JSON Lines, give it that extension or pass --format csv|tsv|jsonl`,
      );

      const good = path('good.parquet');
      writeParquetFile(good, reviewColumns(20));
      const bytes = await readFile(good);
      const cut = path('cut.parquet');
      await writeFile(cut, bytes.subarray(0, bytes.length - 100));
      await expect(collect(readTexts(cut, { textColumn: 'review' }))).rejects.toThrow(
        /the Parquet file is incomplete: it starts with "PAR1" but does not end with it.*copy it again/,
      );

      const encrypted = path('encrypted.parquet');
      await writeFile(encrypted, Buffer.concat([bytes.subarray(0, bytes.length - 4), Buffer.from('PARE')]));
      await expect(collect(readTexts(encrypted))).rejects.toThrow(/is encrypted/);

      const tiny = path('tiny.parquet');
      await writeFile(tiny, 'PAR1');
      await expect(collect(readTexts(tiny))).rejects.toMatchObject({ code: 'BAD_DATA', message: expect.stringMatching(/not a Parquet file \(4 bytes/) });

      const damaged = path('damaged.parquet');
      const copy = Buffer.from(bytes);
      copy.writeUInt32LE(0x7fffffff, copy.length - 8); // footer length past the start of the file
      await writeFile(damaged, copy);
      await expect(collect(readTexts(damaged))).rejects.toThrow(/the Parquet footer cannot be read \(.*\): the file is damaged/);
    });

    it('names the row group of damaged data', async () => {
      const file = path('garbled.parquet');
      writeParquetFile(file, reviewColumns(300), { rowGroupSize: 100 });
      const bytes = Buffer.from(await readFile(file));
      const chunk = parquetMetadata(bytes).row_groups[1]!.columns[1]!.meta_data!;
      const start = Number(chunk.data_page_offset);
      bytes.fill(0xff, start, start + Number(chunk.total_compressed_size));
      await writeFile(file, bytes);
      const texts: string[] = [];
      const error = await (async () => {
        for await (const { text } of readTexts(file, { textColumn: 'review' })) texts.push(text);
      })().catch((e: unknown) => e);
      expect(texts).toHaveLength(100);
      expect(error).toMatchObject({ code: 'BAD_DATA', line: 101 });
      expect((error as Error).message).toMatch(/row group 2 of 3 \(rows 101–200\) cannot be read \(.*\)\. The file is damaged or was cut short/);
    });

    it('says which codecs it reads when a file uses another', async () => {
      const file = path('lzo.parquet');
      const { parquetWriteFile } = await import('hyparquet-writer');
      parquetWriteFile({
        filename: file,
        columnData: [{ name: 'text', data: ['a', 'b'], type: 'STRING' }],
        codec: 'LZO',
        compressors: { LZO: (input: Uint8Array) => input },
      });
      await expect(collect(readTexts(file))).rejects.toThrow(
        /cannot be read \(parquet unsupported compression codec: LZO\)\. Glossa reads Parquet compressed with snappy, gzip, zstd, brotli or lz4, not LZO/,
      );
    });

    it('refuses an encoding and a stream, and a txt-only reader gets no labels', async () => {
      const file = path('enc.parquet');
      writeParquetFile(file, reviewColumns(3));
      const error = await collect(readTexts(file, { encoding: 'gb18030' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeRuntimeError);
      expect(error).toMatchObject({
        code: 'INVALID_OPTION',
        message: `${file}: encoding does not apply to Parquet files: Parquet stores text as UTF-8 by specification. Leave out encoding (--encoding).`,
      });
      const stream = Readable.from([await readFile(file)]);
      await expect(collect(readTexts(stream, { format: 'parquet', sourceName: '<stdin>' }))).rejects.toThrow(
        '<stdin>: Parquet cannot be read from a stream such as stdin: its index of columns and row groups is at the end of the file, so the reader needs the file itself.',
      );
    });

    it('reads a file of zero rows as empty', async () => {
      const file = path('empty.parquet');
      writeParquetFile(file, [
        { name: 'text', data: [], type: 'STRING' },
        { name: 'label', data: [], type: 'STRING' },
      ]);
      expect(await collect(readTextRecords(file))).toEqual([]);
      await expect(loadLabeledTexts(file)).rejects.toMatchObject({ code: 'EMPTY_FILE' });
    });
  });
});

/** The bytes a column chunk takes, dictionary page included. */
function chunkRange(chunk: ColumnChunk): readonly [number, number] {
  const start = Number(chunk.meta_data?.dictionary_page_offset ?? chunk.meta_data?.data_page_offset);
  return [start, start + Number(chunk.meta_data?.total_compressed_size)];
}

function settings(file: string, requiredColumns: string[]): SourceSettings {
  return { file, format: 'parquet', textColumn: requiredColumns[0]!, requiredColumns, maxRecordSize: DEFAULT_MAX_RECORD_SIZE };
}
