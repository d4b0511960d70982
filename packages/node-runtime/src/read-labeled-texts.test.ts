import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import type { DataProblem } from './data-problem.js';
import { DataError } from './errors.js';
import { type LabeledRecord, readLabeledTexts } from './read-labeled-texts.js';
import type { ReadRecordsOptions } from './read-records.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function dataErrorOf(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe('readLabeledTexts', () => {
  const tmp = useTempDir();
  const file = async (name: string, content: string | Uint8Array): Promise<string> => {
    const path = join(tmp(), name);
    await writeFile(path, content);
    return path;
  };
  const read = async (name: string, content: string, options?: ReadRecordsOptions): Promise<LabeledRecord[]> =>
    collect(readLabeledTexts(await file(name, content), options));

  it('reads quoted fields with commas, doubled quotes and line breaks', async () => {
    const csv = 'text,label\n"Hello, world",pos\n"She said ""hi""",neg\n"line one\nline two",pos\nplain text,neg\n';
    expect(await read('a.csv', csv)).toEqual([
      { text: 'Hello, world', label: 'pos', line: 2 },
      { text: 'She said "hi"', label: 'neg', line: 3 },
      { text: 'line one\nline two', label: 'pos', line: 4 },
      { text: 'plain text', label: 'neg', line: 6 },
    ]);
  });

  it('drops a BOM and handles CRLF, including inside quoted fields', async () => {
    const csv = '\uFEFFtext,label\r\nA,x\r\n"multi\r\nline",y\r\nB,z';
    expect(await read('bom.csv', csv)).toEqual([
      { text: 'A', label: 'x', line: 2 },
      { text: 'multi\nline', label: 'y', line: 3 },
      { text: 'B', label: 'z', line: 5 },
    ]);
  });

  it('handles mixed LF, CRLF and CR line breaks and blank lines', async () => {
    const csv = 'text,label\nA,x\r\nB,y\rC,z\n\n   \nD,w\n';
    expect((await read('mixed.csv', csv)).map((r) => [r.text, r.line])).toEqual([
      ['A', 2],
      ['B', 3],
      ['C', 4],
      ['D', 7],
    ]);
  });

  it('uses other column names and ignores extra columns', async () => {
    const csv = 'id,review,sentiment\n1,good,pos\n2,bad,neg\n';
    const rows = await read('cols.csv', csv, { textColumn: 'review', labelColumn: 'sentiment' });
    expect(rows).toEqual([
      { text: 'good', label: 'pos', line: 2 },
      { text: 'bad', label: 'neg', line: 3 },
    ]);
  });

  it('reads TSV, treating stray quotes literally and honouring quoted tabs', async () => {
    const tsv = 'text\tlabel\n5" screen\tpos\n"quoted\ttab"\tneg\n';
    expect(await read('a.tsv', tsv)).toEqual([
      { text: '5" screen', label: 'pos', line: 2 },
      { text: 'quoted\ttab', label: 'neg', line: 3 },
    ]);
  });

  it('reads JSONL and turns numeric labels into strings', async () => {
    const jsonl = '{"text":"good","label":1}\n\n{"text":"bad","label":0,"extra":{"a":1}}\r\n{"label":true,"text":"ok"}';
    expect(await read('a.jsonl', jsonl)).toEqual([
      { text: 'good', label: '1', line: 1 },
      { text: 'bad', label: '0', line: 3 },
      { text: 'ok', label: 'true', line: 4 },
    ]);
  });

  it('names the missing column, lists the columns and suggests the closest', async () => {
    const path = await file('typo.csv', 'Text,lable\na,b\n');
    const error = await dataErrorOf(collect(readLabeledTexts(path)));
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.file).toBe(path);
    expect(error.line).toBe(1);
    expect(error.message).toContain('no column "text"');
    expect(error.message).toContain('"Text", "lable"');
    expect(error.message).toContain('Did you mean "Text"?');
    const label = await dataErrorOf(collect(readLabeledTexts(path, { textColumn: 'Text' })));
    expect(label.message).toContain('no column "label"');
    expect(label.message).toContain('Did you mean "lable"?');
    expect(label.message).toContain('labelColumn');
  });

  it('lists the columns without a suggestion when nothing is close', async () => {
    const error = await dataErrorOf(read('far.csv', 'review,sentiment\na,b\n'));
    expect(error.message).toContain('"review", "sentiment"');
    expect(error.message).not.toContain('Did you mean');
  });

  it('fails on a ragged row with its line number and a fix', async () => {
    const error = await dataErrorOf(read('ragged.csv', 'text,label\na,b\nc,d,e\nf,g\n'));
    expect(error.code).toBe('BAD_DATA');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/ragged\.csv:3: expected 2 fields .* but found 3/);
    expect(error.message).toMatch(/Quote fields/);
  });

  it('fails on an unterminated quote, even in skip mode, pointing at where it opened', async () => {
    const csv = 'text,label\na,b\n"never closed,c\nd,e\nf,g\n';
    for (const onBadRow of ['fail', 'skip'] as const) {
      const error = await dataErrorOf(read(`open-${onBadRow}.csv`, csv, { onBadRow }));
      expect(error.code).toBe('BAD_DATA');
      expect(error.line).toBe(3);
      expect(error.message).toMatch(/never closed/);
    }
  });

  it('stops at maxRecordSize instead of buffering a runaway quoted field', async () => {
    const csv = `text,label\na,b\n"runaway,${'x'.repeat(500)}\n${'y,z\n'.repeat(100)}`;
    const error = await dataErrorOf(read('runaway.csv', csv, { maxRecordSize: 200 }));
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/longer than 200 characters/);
  });

  it('fails on a stray quote with line and field number, after the rows before it', async () => {
    const path = await file('stray.csv', 'text,label\na,b\nc,5" screen\nd,e\n');
    const seen: string[] = [];
    const error = await dataErrorOf(
      (async () => {
        for await (const row of readLabeledTexts(path)) seen.push(row.text);
      })(),
    );
    expect(seen).toEqual(['a']);
    expect(error.line).toBe(3);
    expect(error.column).toBe(2);
    expect(error.message).toMatch(/stray\.csv:3, field 2: a quote/);
  });

  it('treats empty texts and labels as bad rows', async () => {
    const empty = await dataErrorOf(read('empty.csv', 'text,label\n"  ",pos\n'));
    expect(empty.line).toBe(2);
    expect(empty.message).toMatch(/"text" value is empty/);
    const unlabeled = await dataErrorOf(read('unlabeled.jsonl', '{"text":"a","label":" "}\n'));
    expect(unlabeled.message).toMatch(/"label" value is empty/);
  });

  it('skips bad rows in skip mode and reports each one', async () => {
    const csv = 'text,label\ngood one,pos\nc,d,e\n"",neg\nno label,\nx,5" y\ngood two,neg\n';
    const problems: DataProblem[] = [];
    const rows = await read('skip.csv', csv, { onBadRow: 'skip', onSkip: (p) => problems.push(p) });
    expect(rows.map((r) => r.text)).toEqual(['good one', 'good two']);
    expect(problems.map((p) => [p.kind, p.line])).toEqual([
      ['ragged-row', 3],
      ['empty-text', 4],
      ['empty-label', 5],
      ['malformed-row', 6],
    ]);
    expect(problems.every((p) => p.file.endsWith('skip.csv'))).toBe(true);
  });

  it('reports bad JSONL lines with line and column', async () => {
    const jsonl = '{"text":"a","label":"b"}\n{"text":"a",}\n[1,2]\n{"txt":"a","label":"b"}\n';
    const error = await dataErrorOf(read('bad.jsonl', jsonl));
    expect(error.line).toBe(2);
    expect(error.column).toBe(13);
    expect(error.message).toMatch(/not valid JSON/);
    const problems: DataProblem[] = [];
    const rows = await read('bad2.jsonl', jsonl, { onBadRow: 'skip', onSkip: (p) => problems.push(p) });
    expect(rows).toHaveLength(1);
    expect(problems.map((p) => [p.kind, p.line])).toEqual([
      ['invalid-json', 2],
      ['not-an-object', 3],
      ['missing-field', 4],
    ]);
    expect(problems[2]?.message).toContain('Did you mean "txt"?');
    const missing = await dataErrorOf(read('missing.jsonl', '{"txt":"a","label":"b"}\n'));
    expect(missing.code).toBe('MISSING_COLUMN');
  });

  it('refuses txt files, which have no labels', async () => {
    const error = await dataErrorOf(read('a.txt', 'hello\n'));
    expect(error.code).toBe('UNKNOWN_FORMAT');
  });

  it('reports an empty CSV file and a missing file', async () => {
    expect((await dataErrorOf(read('empty.csv', ''))).code).toBe('EMPTY_FILE');
    expect((await dataErrorOf(read('bom-only.csv', '\uFEFF\n\n'))).code).toBe('EMPTY_FILE');
    const missing = await dataErrorOf(collect(readLabeledTexts(join(tmp(), 'nope.csv'))));
    expect(missing.code).toBe('FILE_NOT_FOUND');
    expect(missing.message).toMatch(/nope\.csv: file not found/);
  });

  it('yields nothing for a CSV with only a header', async () => {
    expect(await read('header.csv', 'text,label\n')).toEqual([]);
  });

  it('suggests --format for an unknown extension', async () => {
    const error = await dataErrorOf(read('data.xlsx', 'x'));
    expect(error.code).toBe('UNKNOWN_FORMAT');
    expect(error.message).toMatch(/--format/);
    expect(await read('data.xlsx', 'text,label\na,b\n', { format: 'csv' })).toHaveLength(1);
  });

  it('round-trips arbitrary texts and labels written by a quoting CSV writer', async () => {
    const tricky = fc.constantFrom('a', 'Z', ' ', ',', '"', '""', '\n', '\r', '\r\n', '\t', ';', 'é', '😀', '\u2028', '\uFEFF', '\\');
    const piece = fc.oneof(fc.string({ unit: tricky, maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 12 }));
    const usable = piece.filter((s) => s.trim() !== '');
    const row = fc.tuple(usable, usable);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), async (rows, eol, trailing) => {
        const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;
        const body = rows.map(([text, label]) => `${quote(text)},${quote(label)}`).join(eol);
        const path = await file(`prop-${run++}.csv`, `text,label${eol}${body}${trailing ? eol : ''}`);
        const read = await collect(readLabeledTexts(path));
        expect(read.map((r) => [r.text, r.label])).toEqual(rows.map(([text, label]) => [text.replace(/\r\n?/g, '\n'), label.replace(/\r\n?/g, '\n').trim()]));
      }),
      { numRuns: 150 },
    );
  });
});
