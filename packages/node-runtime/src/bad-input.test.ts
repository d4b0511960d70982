import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import type { DataProblem } from './data-problem.js';
import { DataError, NodeRuntimeError } from './errors.js';
import { loadLabeledTexts } from './load-labeled-texts.js';
import { readLabeledTexts } from './read-labeled-texts.js';
import { type ReadRecordsOptions, readRecords } from './read-records.js';
import { readTexts } from './read-texts.js';

// The bad-input catalogue of issue 5, through the library readers: every case ends in rows or in a
// DataError naming the file, the line (and the column when there is one) and what to do.

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe('readers on bad input', () => {
  const tmp = useTempDir();
  const file = async (name: string, content: string | Uint8Array): Promise<string> => {
    const path = join(tmp(), name);
    await writeFile(path, content);
    return path;
  };
  const labeled = async (name: string, content: string | Uint8Array, options?: ReadRecordsOptions) =>
    collect(readLabeledTexts(await file(name, content), options));
  const skipping = async (name: string, content: string | Uint8Array, options: ReadRecordsOptions = {}) => {
    const problems: DataProblem[] = [];
    const rows = await labeled(name, content, { ...options, onBadRow: 'skip', onSkip: (p) => problems.push(p) });
    return { rows, problems };
  };

  describe('empty files and header-only files', () => {
    it.each(['csv', 'tsv'])('fails on an empty .%s file with EMPTY_FILE and an example header', async (ext) => {
      const error = await failure(labeled(`empty.${ext}`, ''));
      expect(error.code).toBe('EMPTY_FILE');
      expect(error.file).toMatch(new RegExp(`empty\\.${ext}$`));
      expect(error.message).toMatch(/needs a header row/);
    });

    it.each([
      ['empty.jsonl', ''],
      ['blank.jsonl', '\n\n  \n'],
      ['header.csv', 'text,label\n'],
      ['header-crlf.tsv', 'text\tlabel\r\n\r\n'],
    ])('loadLabeledTexts says %s has no usable rows and what to add', async (name, content) => {
      const error = await failure(loadLabeledTexts(await file(name, content)));
      expect(error.code).toBe('EMPTY_FILE');
      expect(error.message).toContain(name);
      expect(error.message).toMatch(/no usable rows.*Add rows with a non-empty "text" and "label"/);
    });

    it('reads an empty txt stream as no texts', async () => {
      expect(await collect(readTexts(Readable.from([])))).toEqual([]);
    });
  });

  describe('columns', () => {
    it.each([
      ['typo.csv', 'txet,label\na,b\n', 'Did you mean "txet"?'],
      ['case.tsv', 'Text\tlabel\na\tb\n', 'Did you mean "Text"?'],
      ['typo.jsonl', '{"texts":"a","label":"b"}\n', 'Did you mean "texts"?'],
    ])('names the missing column of %s and suggests the closest name', async (name, content, hint) => {
      const error = await failure(labeled(name, content));
      expect(error.code).toBe('MISSING_COLUMN');
      expect(error.line).toBe(1);
      expect(error.message).toContain(`${name}:1:`);
      expect(error.message).toContain(hint);
      expect(error.message).toMatch(/textColumn \(--text-column\)/);
    });
  });

  describe('rows', () => {
    it('fails on a ragged row naming the line and the expected fields, and skips it on request', async () => {
      const csv = 'text,label\nok,a\ntoo,many,fields\nshort\nfine,b\n';
      const error = await failure(labeled('ragged.csv', csv));
      expect(error.line).toBe(3);
      expect(error.message).toMatch(/ragged\.csv:3: expected 2 fields \("text", "label"\) but found 3.*--on-bad-row skip/);
      const { rows, problems } = await skipping('ragged2.csv', csv);
      expect(rows.map((r) => r.text)).toEqual(['ok', 'fine']);
      expect(problems.map((p) => [p.kind, p.line])).toEqual([
        ['ragged-row', 3],
        ['ragged-row', 4],
      ]);
    });

    it('fails on an unterminated quote at the line where it opened, even when skipping', async () => {
      for (const onBadRow of ['fail', 'skip'] as const) {
        const error = await failure(labeled(`open-${onBadRow}.csv`, 'text,label\na,b\n"never closed,c\nd,e\n', { onBadRow }));
        expect(error.line).toBe(3);
        expect(error.message).toMatch(/:3: a quoted field starting on this line .* is never closed.*Close the quote/);
      }
    });

    it.each([
      ['csv', '\uFEFFtext,label\r\na,x\nb,y\rc,z\r\n'],
      ['tsv', '\uFEFFtext\tlabel\r\na\tx\nb\ty\rc\tz\r\n'],
      ['jsonl', '\uFEFF{"text":"a","label":"x"}\r\n{"text":"b","label":"y"}\n{"text":"c","label":"z"}\r{"text":"d","label":"w"}'],
    ])('drops a BOM and reads CRLF, LF and CR line endings alike in %s', async (ext, content) => {
      const rows = await labeled(`endings.${ext}`, content);
      expect(rows.map((r) => [r.text, r.label, r.line]).slice(0, 3)).toEqual([
        ['a', 'x', ext === 'jsonl' ? 1 : 2],
        ['b', 'y', ext === 'jsonl' ? 2 : 3],
        ['c', 'z', ext === 'jsonl' ? 3 : 4],
      ]);
    });

    it('drops a BOM and mixed line endings in txt input', async () => {
      const texts = await collect(readTexts(await file('a.txt', '\uFEFFone\r\ntwo\rthree\n\nfour')));
      expect(texts.map((t) => [t.text, t.line])).toEqual([
        ['one', 1],
        ['two', 2],
        ['three', 3],
        ['four', 5],
      ]);
    });

    it('treats empty texts and blank labels as bad rows, naming the column', async () => {
      const csv = 'text,label\n"",pos\n   ,neg\nfine,\nok,  \ngood,pos\n';
      const first = await failure(labeled('blank.csv', csv));
      expect(first.message).toMatch(/blank\.csv:2: the "text" value is empty\. Remove the row or fill in the text/);
      const { rows, problems } = await skipping('blank2.csv', csv);
      expect(rows.map((r) => r.text)).toEqual(['good']);
      expect(problems.map((p) => [p.kind, p.line])).toEqual([
        ['empty-text', 2],
        ['empty-text', 3],
        ['empty-label', 4],
        ['empty-label', 5],
      ]);
    });

    it('reads numeric and boolean labels as strings in every format', async () => {
      expect((await labeled('n.csv', 'text,label\na,1\nb,0\n')).map((r) => r.label)).toEqual(['1', '0']);
      expect((await labeled('n.jsonl', '{"text":"a","label":1}\n{"text":"b","label":0.5}\n{"text":"c","label":false}\n')).map((r) => r.label)).toEqual([
        '1',
        '0.5',
        'false',
      ]);
    });

    it('treats a null JSONL label as missing and a JSON line that is not an object as bad', async () => {
      const { problems } = await skipping('nulls.jsonl', '{"text":"a","label":null}\n"just a string"\n42\n{"text":"b","label":"x"}\n');
      expect(problems.map((p) => [p.kind, p.line])).toEqual([
        ['missing-field', 1],
        ['not-an-object', 2],
        ['not-an-object', 3],
      ]);
    });

    it('reports a JSONL line that is not JSON with its line and column', async () => {
      const error = await failure(labeled('bad.jsonl', '{"text":"a","label":"b"}\n{"text": "a" "label": "b"}\n'));
      expect(error.line).toBe(2);
      expect(error.column).toBe(14);
      expect(error.message).toMatch(/bad\.jsonl:2:14: the line is not valid JSON .*Each line of a JSONL file must be one JSON object/);
    });
  });

  describe('encodings', () => {
    const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');

    it.each([
      ['csv', (t: string) => `text,label\nfine,pos\n${t},neg\nalso fine,pos\n`, 3],
      ['tsv', (t: string) => `text\tlabel\nfine\tpos\n${t}\tneg\nalso fine\tpos\n`, 3],
      ['jsonl', (t: string) => `{"text":"fine","label":"pos"}\n{"text":"${t}","label":"neg"}\n{"text":"also fine","label":"pos"}\n`, 2],
    ])('names the line and character of invalid UTF-8 in %s and skips only that row', async (ext, make, line) => {
      const bytes = latin1(make('caf\u00e9 cr\u00e8me'));
      const error = await failure(labeled(`latin1.${ext}`, bytes));
      expect(error.code).toBe('BAD_DATA');
      expect(error.line).toBe(line);
      const column = ext === 'jsonl' ? 13 : 4;
      expect(error.column).toBe(column);
      expect(error.message).toContain(`latin1.${ext}:${line}:${column}: invalid UTF-8 (byte 0xE9 at character ${column})`);
      expect(error.message).toMatch(
        /Windows-1252, GB18030 or Big5\. Name it with --encoding \(encoding\), e\.g\. --encoding gb18030, or convert it to UTF-8 \(e\.g\. `iconv -f windows-1252 -t utf-8/,
      );
      // Named, the same bytes read as what they are.
      const named = await collect(readLabeledTexts(await file(`latin1-named.${ext}`, bytes), { encoding: 'windows-1252' }));
      expect(named.map((r) => r.text)).toEqual(['fine', 'caf\u00e9 cr\u00e8me', 'also fine']);
      const { rows, problems } = await skipping(`latin1-skip.${ext}`, bytes);
      expect(rows.map((r) => r.text)).toEqual(['fine', 'also fine']);
      expect(problems.map((p) => [p.kind, p.line, p.column])).toEqual([['invalid-utf8', line, column]]);
    });

    it('reports invalid UTF-8 inside a multi-line quoted CSV field on the line where it is', async () => {
      const bytes = Buffer.concat([Buffer.from('text,label\n"first line\nsecond '), Buffer.from([0xff]), Buffer.from('",pos\nok,neg\n')]);
      const { rows, problems } = await skipping('multi.csv', bytes);
      expect(rows.map((r) => r.text)).toEqual(['ok']);
      expect(problems.map((p) => [p.kind, p.line, p.column])).toEqual([['invalid-utf8', 3, 8]]);
    });

    it('fails on a header row that is not UTF-8, even when skipping', async () => {
      const error = await failure(labeled('header.csv', latin1('t\u00e9xt,label\na,b\n'), { onBadRow: 'skip' }));
      expect(error.line).toBe(1);
      expect(error.message).toMatch(/header\.csv:1:2: invalid UTF-8.*The header row cannot be skipped\./);
    });

    it('reports a truncated multi-byte character and overlong or surrogate encodings', async () => {
      const cases: Array<[number[], number]> = [
        [[0xe2, 0x82], 2], // "€" cut short by the line break
        [[0xc0, 0xaf], 2], // overlong "/"
        [[0xed, 0xa0, 0x80], 2], // a UTF-16 surrogate encoded in UTF-8
        [[0xf4, 0x90, 0x80, 0x80], 2], // beyond U+10FFFF
      ];
      for (const [bad, column] of cases) {
        const bytes = Buffer.concat([Buffer.from('x'), Buffer.from(bad), Buffer.from('\nfine\n')]);
        const problems: DataProblem[] = [];
        const texts = await collect(readTexts(await file('bytes.txt', bytes), { onBadRow: 'skip', onSkip: (p) => problems.push(p) }));
        expect(texts.map((t) => t.text)).toEqual(['fine']);
        expect(problems.map((p) => [p.kind, p.line, p.column])).toEqual([['invalid-utf8', 1, column]]);
      }
    });

    it('accepts valid multi-byte text split across read chunks', async () => {
      const text = '好看 🙂 café '.repeat(20_000);
      const rows = await labeled('big-utf8.csv', `text,label\n"${text}",pos\n`);
      expect(rows[0]?.text).toBe(text);
    });

    it.each(['csv', 'jsonl', 'txt'])('names the line and character of a NUL byte in %s', async (ext) => {
      const rows: Record<string, string> = {
        csv: 'text,label\nok,a\nnul\u0000here,b\n',
        jsonl: '{"text":"ok","label":"a"}\n{"text":"nul\u0000here","label":"b"}\n',
        txt: 'ok\nnul\u0000here\n',
      };
      const path = await file(`nul.${ext}`, rows[ext]!);
      const read = ext === 'txt' ? collect(readTexts(path)) : collect(readLabeledTexts(path));
      const error = await failure(read);
      expect(error.line).toBe(ext === 'csv' ? 3 : 2);
      expect(error.message).toMatch(/the row contains a NUL byte \(0x00\) at character \d+\. Text files do not contain NUL bytes/);
    });

    it.each([
      ['utf-16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('text,label\r\na,b\r\n', 'utf16le')])],
      ['utf-16be', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('text,label\r\na,b\r\n', 'utf16le').swap16()])],
    ])('fails at once on a %s file, saying how to convert it', async (_name, bytes) => {
      for (const onBadRow of ['fail', 'skip'] as const) {
        const error = await failure(labeled('excel.csv', bytes, { onBadRow }));
        expect(error.line).toBe(1);
        expect(error.message).toMatch(/excel\.csv:1:1: the file is UTF-16 encoded.*Pass --encoding utf-16(le|be).*save it as UTF-8.*iconv -f UTF-16 -t utf-8/);
      }
      const named = await collect(readLabeledTexts(await file('excel-named.csv', bytes), { encoding: _name }));
      expect(named.map((r) => [r.text, r.label])).toEqual([['a', 'b']]);
    });
  });

  describe('huge fields and lines', () => {
    const ten = 'word '.repeat(2 * 1024 * 1024); // 10 MiB

    it.each(['csv', 'tsv', 'jsonl', 'txt'])('reads a 10 MB field in %s', async (ext) => {
      const content: Record<string, string> = {
        csv: `text,label\n"${ten}",pos\nsmall,neg\n`,
        tsv: `text\tlabel\n${ten}\tpos\nsmall\tneg\n`,
        jsonl: `${JSON.stringify({ text: ten, label: 'pos' })}\n{"text":"small","label":"neg"}\n`,
        txt: `${ten}\nsmall\n`,
      };
      const path = await file(`ten.${ext}`, content[ext]!);
      const rows = ext === 'txt' ? await collect(readTexts(path)) : await collect(readLabeledTexts(path));
      expect(rows.map((r) => r.text.length)).toEqual([ten.length, 5]);
    });

    it('fails on a CSV row longer than maxRecordSize, naming the limit and the option', async () => {
      const error = await failure(labeled('long.csv', `text,label\n"${'x'.repeat(5000)}",pos\n`, { maxRecordSize: 1000 }));
      expect(error.line).toBe(2);
      expect(error.message).toMatch(/longer than 1000 characters \(maxRecordSize\).*--max-record-size/);
    });

    it('skips a JSONL or txt line longer than maxRecordSize without holding it', async () => {
      const long = `{"text":"${'x'.repeat(5000)}","label":"a"}`;
      const jsonl = `{"text":"ok","label":"a"}\n${long}\n{"text":"fine","label":"b"}\n`;
      const error = await failure(labeled('long.jsonl', jsonl, { maxRecordSize: 1000 }));
      expect(error.line).toBe(2);
      expect(error.message).toMatch(/long\.jsonl:2: the line is 5023 characters long, more than maxRecordSize \(1000\)/);
      const { rows, problems } = await skipping('long2.jsonl', jsonl, { maxRecordSize: 1000 });
      expect(rows.map((r) => r.text)).toEqual(['ok', 'fine']);
      expect(problems.map((p) => [p.kind, p.line])).toEqual([['line-too-long', 2]]);
      const texts = await collect(readTexts(Readable.from([`a\n${'y'.repeat(3000)}`]), { maxRecordSize: 100, onBadRow: 'skip' }));
      expect(texts.map((t) => t.text)).toEqual(['a']);
    });
  });

  describe('options', () => {
    const bad: Array<[string, ReadRecordsOptions, RegExp]> = [
      ['maxRecordSize 0', { maxRecordSize: 0 }, /maxRecordSize must be an integer from 1 to 536870888 \(got 0\)/],
      ['maxRecordSize NaN', { maxRecordSize: Number.NaN }, /maxRecordSize must be an integer from 1 to 536870888 \(got NaN\)/],
      ['maxRecordSize Infinity', { maxRecordSize: Number.POSITIVE_INFINITY }, /\(got Infinity\)/],
      ['maxRecordSize 1.5', { maxRecordSize: 1.5 }, /\(got 1\.5\)/],
      ['maxRecordSize -1', { maxRecordSize: -1 }, /\(got -1\)/],
      ['maxRecordSize "10"', { maxRecordSize: '10' as unknown as number }, /\(got "10"\)/],
      ['onBadRow', { onBadRow: 'ignore' as 'skip' }, /onBadRow must be one of "fail", "skip" \(got "ignore"\)/],
      ['format', { format: 'xlsx' as 'csv' }, /format must be one of "csv", "tsv", "jsonl", "txt", "parquet" \(got "xlsx"\)/],
      ['textColumn', { textColumn: '' }, /textColumn must be a non-empty column name/],
      ['encoding', { encoding: 'latin-one' }, /"latin-one" is not an encoding label \(WHATWG\)\. Common ones: utf-8, gb18030/],
    ];
    it.each(bad)('rejects %s with INVALID_OPTION and the allowed values', async (_name, options, message) => {
      const path = await file('ok.csv', 'text,label\na,b\n');
      for (const read of [() => collect(readRecords(path, options)), () => collect(readTexts(path, options)), () => collect(readLabeledTexts(path, options))]) {
        const error = await read().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NodeRuntimeError);
        expect(error).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(message) });
      }
    });

    it.each([Number.NaN, -1, 2.5, Number.POSITIVE_INFINITY])('rejects maxProblems %s', async (maxProblems) => {
      const path = await file('ok.csv', 'text,label\na,b\n');
      await expect(loadLabeledTexts(path, { maxProblems })).rejects.toMatchObject({
        code: 'INVALID_OPTION',
        message: expect.stringMatching(/maxProblems must be an integer from 0 to/),
      });
    });
  });
});
