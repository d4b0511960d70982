import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import { NodeRuntimeError } from './errors.js';
import { createParquetPredictionWriter, type PredictionRecord } from './parquet-prediction-writer.js';
import { readRecords } from './read-records.js';

const LABELS = ['neg', 'pos'];

/** Record i: a text, or (every 7th) an error; predictions for the texts. */
function run(from: number, to: number): { records: PredictionRecord[]; predictions: Array<{ label: string; scores: Record<string, number> }> } {
  const records: PredictionRecord[] = [];
  const predictions: Array<{ label: string; scores: Record<string, number> }> = [];
  for (let i = from; i < to; i++) {
    const kept = { id: `t-${i}`, ...(i % 3 === 0 ? {} : { region: i % 2 === 0 ? 'eu' : 'us' }) };
    if (i % 7 === 6) {
      records.push({ line: i + 1, error: `row ${i + 1}: the "text" value is empty`, kept });
      continue;
    }
    records.push({ line: i + 1, text: `text ${i} 好 "quoted", ok`, kept });
    const pos = ((i * 37) % 100) / 100 + 0.001;
    predictions.push({ label: pos >= 0.5 ? 'pos' : 'neg', scores: { neg: 1 - pos, pos } });
  }
  return { records, predictions };
}

function arrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

describe('createParquetPredictionWriter', () => {
  const tmp = useTempDir();

  it('writes the CSV output columns, typed, with null for what a record lacks, in row groups as they fill', async () => {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    });
    const writer = await createParquetPredictionWriter(stream, { labels: LABELS, copied: ['id', 'region'], rowGroupRows: 40 });
    const first = run(0, 50);
    await writer.write(first.records, first.predictions);
    // The first group of 40 rows went out before the writer is closed; the other 10 rows wait for their group.
    const afterFirst = Buffer.concat(chunks).length;
    expect(afterFirst).toBeGreaterThan(1000);
    const second = run(50, 100);
    await writer.write(second.records, second.predictions);
    expect(writer.rows).toBe(100);
    expect(Buffer.concat(chunks).length).toBeGreaterThan(afterFirst);
    await writer.close();
    const bytes = Buffer.concat(chunks);

    const metadata = parquetMetadata(arrayBuffer(bytes));
    expect(metadata.row_groups.map((group) => Number(group.num_rows))).toEqual([40, 40, 20]);
    expect(metadata.created_by).toMatch(/^glossa/);
    expect(
      parquetSchema(metadata).children.map(({ element }) => [element.name, element.type, element.converted_type ?? null, element.repetition_type]),
    ).toEqual([
      ['id', 'BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
      ['region', 'BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
      ['text', 'BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
      ['label', 'BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
      ['score:neg', 'DOUBLE', null, 'OPTIONAL'],
      ['score:pos', 'DOUBLE', null, 'OPTIONAL'],
      ['error', 'BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
    ]);

    const rows = await parquetReadObjects({ file: arrayBuffer(bytes) });
    expect(rows).toHaveLength(100);
    const all = run(0, 100);
    let p = 0;
    all.records.forEach((record, i) => {
      const prediction = record.error === undefined ? all.predictions[p++] : undefined;
      expect(rows[i]).toEqual({
        id: record.kept?.id,
        region: record.kept?.region ?? null,
        text: record.text ?? null,
        label: prediction?.label ?? null,
        'score:neg': prediction?.scores.neg ?? null,
        'score:pos': prediction?.scores.pos ?? null,
        error: record.error ?? null,
      });
    });
  });

  it('writes a file atomically: nothing at the path until close, the whole file after; abort leaves nothing', async () => {
    const path = join(tmp(), 'scores.parquet');
    const writer = await createParquetPredictionWriter(path, { labels: LABELS, compression: 'gzip', rowGroupRows: 10 });
    const { records, predictions } = run(0, 30);
    await writer.write(records, predictions);
    expect(await readdir(tmp())).not.toContain('scores.parquet');
    await writer.close();
    expect(await readdir(tmp())).toEqual(['scores.parquet']);
    expect(parquetMetadata(arrayBuffer(await readFile(path))).row_groups[0]?.columns[0]?.meta_data?.codec).toBe('GZIP');
    // Read back through the readers: the same strings the CSV output holds (scores as String(number)).
    const back = await collect(readRecords(path));
    expect(back[0]).toEqual({
      line: 1,
      fields: {
        text: records[0]!.text,
        label: predictions[0]!.label,
        'score:neg': String(predictions[0]!.scores.neg),
        'score:pos': String(predictions[0]!.scores.pos),
      },
    });
    expect(back[6]).toEqual({ line: 7, fields: { error: records[6]!.error } });

    const aborted = await createParquetPredictionWriter(join(tmp(), 'failed.parquet'), { labels: LABELS });
    await aborted.write(records, predictions);
    await aborted.abort();
    expect(await readdir(tmp())).toEqual(['scores.parquet']);
  });

  it('writes a valid file with the columns and no rows for an empty input, and uncompressed on request', async () => {
    const path = join(tmp(), 'empty.parquet');
    const writer = await createParquetPredictionWriter(path, { labels: ['a', 'b', 'c'], compression: 'uncompressed' });
    await writer.close();
    const metadata = parquetMetadata(arrayBuffer(await readFile(path)));
    expect(Number(metadata.num_rows)).toBe(0);
    expect(parquetSchema(metadata).children.map((c) => c.element.name)).toEqual(['text', 'label', 'score:a', 'score:b', 'score:c', 'error']);
  });

  it('rejects options that would make a bad file, and a run with too few predictions', async () => {
    const stream = new PassThrough();
    await expect(createParquetPredictionWriter(stream, { labels: [] })).rejects.toThrow(/labels is empty/);
    await expect(createParquetPredictionWriter(stream, { labels: LABELS, copied: ['score:pos'] })).rejects.toThrow(
      /the column "score:pos" would be written twice/,
    );
    await expect(createParquetPredictionWriter(stream, { labels: LABELS, rowGroupRows: 0 })).rejects.toBeInstanceOf(NodeRuntimeError);
    await expect(createParquetPredictionWriter(stream, { labels: LABELS, compression: 'lzo' as 'gzip' })).rejects.toThrow(
      /compression must be one of "snappy", "gzip", "uncompressed"/,
    );
    const writer = await createParquetPredictionWriter(stream, { labels: LABELS });
    await expect(
      writer.write(
        [
          { line: 1, text: 'a' },
          { line: 2, text: 'b' },
        ],
        [{ label: 'pos', scores: { pos: 1, neg: 0 } }],
      ),
    ).rejects.toThrow(/only 1 predictions/);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
