import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import type { DataProblem } from './data-problem.js';
import { DataError } from './errors.js';
import { type TextRecord, readTextRecords, readTexts } from './read-texts.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('readTexts', () => {
  const tmp = useTempDir();

  it('reads one text per line from a stream split at awkward places', async () => {
    const bytes = Buffer.from('\uFEFFcafé one\r\nsecond 😀\r\n\r\nthird\n', 'utf8');
    // Split inside the BOM, inside "é", between \r and \n and inside the emoji.
    const cuts = [1, 5, 12, 13, 21, bytes.length];
    const chunks = cuts.map((end, i) => bytes.subarray(i === 0 ? 0 : cuts[i - 1], end));
    const texts = await collect(readTexts(Readable.from(chunks)));
    expect(texts.map((t) => [t.text, t.line])).toEqual([
      ['café one', 1],
      ['second 😀', 2],
      ['third', 4],
    ]);
  });

  it('reads JSONL from a stream, naming the stream in problems', async () => {
    const input = Readable.from(['{"text":"a","id":7}\n', '{"id":8}\n', '{"text":"b"}\n']);
    const problems: DataProblem[] = [];
    const texts = await collect(readTexts(input, { format: 'jsonl', sourceName: '<stdin>', onBadRow: 'skip', onSkip: (p) => problems.push(p) }));
    expect(texts).toEqual([
      { text: 'a', line: 1, fields: { text: 'a', id: '7' } },
      { text: 'b', line: 3, fields: { text: 'b' } },
    ]);
    expect(problems).toEqual([expect.objectContaining({ kind: 'missing-field', file: '<stdin>', line: 2 })]);
  });

  it('reads CSV from a stream when the format is given', async () => {
    const input = Readable.from([Buffer.from('text,id\n"a, b",1\n'), Buffer.from('"c\r\nd",2\n')]);
    const texts = await collect(readTexts(input, { format: 'csv' }));
    expect(texts.map((t) => [t.text, t.line, t.fields.id])).toEqual([
      ['a, b', 2, '1'],
      ['c\nd', 3, '2'],
    ]);
  });

  it('reads the text column of a CSV file and fails on an empty text', async () => {
    const path = join(tmp(), 'in.csv');
    await writeFile(path, 'id,review\n1,great\n2,\n');
    const texts: string[] = [];
    const error = await (async () => {
      for await (const { text } of readTexts(path, { textColumn: 'review' })) texts.push(text);
    })().catch((e: unknown) => e);
    expect(texts).toEqual(['great']);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).line).toBe(3);
    expect((error as DataError).message).toMatch(/"review" value is empty/);
  });
});

describe('readTextRecords', () => {
  const tmp = useTempDir();
  const shape = (r: TextRecord) => (r.kind === 'text' ? [r.line, r.text] : [r.line, r.problem.kind]);

  it('yields every line of a stream in order, blank and undecodable ones as problems', async () => {
    const bytes = Buffer.concat([Buffer.from('first\n\n  \nbad \u00e9'), Buffer.from([0xff]), Buffer.from('\nlast\n')]);
    const records = await collect(readTextRecords(Readable.from([bytes])));
    expect(records.map(shape)).toEqual([
      [1, 'first'],
      [2, 'empty-text'],
      [3, 'empty-text'],
      [4, 'invalid-utf8'],
      [5, 'last'],
    ]);
    const problem = records[3]!;
    expect(problem.kind === 'problem' && problem.problem.message).toMatch(/<stream>:4/);
  });

  it('keeps the fields of CSV rows, also of rows with an empty text, and reports malformed rows in place', async () => {
    const file = join(tmp(), 'rows.csv');
    await writeFile(file, 'id,text\n1,good film\n2,\n3,"bad "quote" here"\n4,fine\n');
    const records = await collect(readTextRecords(file));
    expect(records.map(shape)).toEqual([
      [2, 'good film'],
      [3, 'empty-text'],
      [4, 'malformed-row'],
      [5, 'fine'],
    ]);
    expect(records[1]!.fields).toEqual({ id: '2', text: '' });
    expect(records[3]!.fields).toEqual({ id: '4', text: 'fine' });
  });

  it('still throws for problems of the whole file', async () => {
    const file = join(tmp(), 'nocol.csv');
    await writeFile(file, 'id,body\n1,x\n');
    await expect(collect(readTextRecords(file))).rejects.toThrow(DataError);
  });
});
