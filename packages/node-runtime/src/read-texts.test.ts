import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import type { DataProblem } from './data-problem.js';
import { DataError } from './errors.js';
import { readTexts } from './read-texts.js';

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
    const texts = await collect(
      readTexts(input, { format: 'jsonl', sourceName: '<stdin>', onBadRow: 'skip', onSkip: (p) => problems.push(p) }),
    );
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
