import { describe, expect, it } from 'vitest';
import { UndecodableTextError } from '@glossa/web-runtime';
import { NotTextError, delimiterOf, detectFormat, parseDataset, suggestColumns } from './parse-dataset.js';

describe('detectFormat', () => {
  it('picks the format from the extension, case-insensitively, defaulting to CSV', () => {
    expect(detectFormat('a.TSV')).toBe('tsv');
    expect(detectFormat('a.tab')).toBe('tsv');
    expect(detectFormat('a.jsonl')).toBe('jsonl');
    expect(detectFormat('a.ndjson')).toBe('jsonl');
    expect(detectFormat('a.csv')).toBe('csv');
    expect(detectFormat('data')).toBe('csv');
  });
});

describe('parseDataset (JSONL)', () => {
  it('streams records, stringifies values, keeps first-seen field order and skips bad lines', async () => {
    const lines = ['{"text":"好 👍","label":1}', '', 'not json', '[1,2]', '{"label":"neg","text":"bad","extra":null}\r', '{"text":"x","label":true}'];
    // Split across tiny chunks: a record must survive being cut mid-line and mid-character.
    const bytes = new TextEncoder().encode(lines.join('\n'));
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) => bytes.slice(i * 3, i * 3 + 3));
    const progress: number[] = [];
    const data = await parseDataset(new Blob(chunks), { format: 'jsonl', onProgress: (f) => progress.push(f) });
    expect(data.columns).toEqual(['text', 'label']);
    expect(data.rows).toEqual([
      { text: '好 👍', label: '1' },
      { label: 'neg', text: 'bad' },
      { text: 'x', label: 'true' },
    ]);
    expect(data.skipped).toBe(2);
    expect(data.problems).toEqual(['line 3: not valid JSON', 'line 4: not a JSON object']);
    expect(progress.at(-1)).toBe(1);
  });
});

describe('parseDataset (CSV/TSV, encodings)', () => {
  const latin1 = (text: string): Blob => new Blob([Uint8Array.from(Array.from(text, (c) => c.charCodeAt(0)))]);

  it('keeps every character, also one cut by the 1 MB pieces and the stream chunks', async () => {
    const filler = `${'x'.repeat(60)},pos\n`;
    const head = `text,label\n${filler.repeat(Math.floor((1 << 20) / filler.length))}`;
    // A three-byte character astride the first megabyte, in a row of its own.
    const pad = 'y'.repeat((1 << 20) - new TextEncoder().encode(head).length - 1);
    const csv = `${head}${pad}中文 ok,中性\n"quoted, 👍",neg\n`;
    const data = await parseDataset(new Blob([csv]), { format: 'csv' });
    expect(data.rows.at(-2)).toEqual({ text: `${pad}中文 ok`, label: '中性' });
    expect(data.rows.at(-1)).toEqual({ text: 'quoted, 👍', label: 'neg' });
    expect([data.encoding, data.encodingFromByteOrderMark, data.formatNote]).toEqual(['utf-8', false, undefined]);
  });

  it('refuses Latin-1 read as UTF-8 with the line, character and byte, naming the Encoding list', async () => {
    const error = await parseDataset(latin1('text,label\nnice day,pos\nso caf\u00e9 bad,neg\n'), { format: 'csv', name: 'latin1.csv' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UndecodableTextError);
    expect((error as Error).message).toMatch(
      /^latin1\.csv:3:7: invalid UTF-8 \(byte 0xE9 at character 7\); .* Name it with the Encoding list, e\.g\. windows-1252, or convert it to UTF-8/,
    );
  });

  it('reads the encoding chosen, or the one a byte-order mark names', async () => {
    const chosen = await parseDataset(latin1('text,label\ncaf\u00e9,pos\nna\u00efve,n\u00e9g\n'), { format: 'csv', encoding: 'latin1' });
    expect(chosen.rows).toEqual([
      { text: 'café', label: 'pos' },
      { text: 'naïve', label: 'nég' },
    ]);
    expect(chosen.encoding).toBe('windows-1252');
    const text = 'text\tlabel\n中文\t正面\n';
    const utf16 = new Uint8Array(2 + 2 * text.length);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16.set([text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8], 2 + 2 * i);
    const marked = await parseDataset(new Blob([utf16]), { format: 'tsv' });
    expect(marked.rows).toEqual([{ text: '中文', label: '正面' }]);
    expect([marked.encoding, marked.encodingFromByteOrderMark]).toEqual(['utf-16le', true]);
  });

  it('refuses UTF-16 without a byte-order mark (valid UTF-8, but NUL in every other byte) instead of reading garbage', async () => {
    const utf16 = Buffer.from('text,label\nhello,pos\nbye,neg\n', 'utf16le');
    const error = await parseDataset(new Blob([utf16]), { format: 'csv', name: 'export.csv' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotTextError);
    expect((error as Error).message).toBe(
      'export.csv: 29 of its first 58 characters are NUL bytes (0x00), which text files do not contain: the file is UTF-16 without a byte-order mark, binary or damaged. Choose utf-16le or utf-16be in the Encoding list, or save it as UTF-8 text.',
    );
    const read = await parseDataset(new Blob([utf16]), { format: 'csv', encoding: 'utf-16le' });
    expect(read.rows).toEqual([
      { text: 'hello', label: 'pos' },
      { text: 'bye', label: 'neg' },
    ]);
  });

  it('reads a tab-separated file named .csv as TSV, and says so', async () => {
    const data = await parseDataset(new Blob(['id\tlabel\ttext\n1\tpos\tfine, thanks\n']), { format: 'csv' });
    expect(data.format).toBe('tsv');
    expect(data.columns).toEqual(['id', 'label', 'text']);
    expect(data.rows).toEqual([{ id: '1', label: 'pos', text: 'fine, thanks' }]);
    expect(data.formatNote).toBe('the header is tab-separated, so it was read as TSV');
    expect(delimiterOf('tsv', 'text,label\n')).toEqual({ format: 'csv', note: 'the header is comma-separated, so it was read as CSV' });
    expect(delimiterOf('csv', 'text,label\tx\n')).toEqual({ format: 'csv' });
  });
});

describe('suggestColumns', () => {
  it('prefers columns named text and label', () => {
    expect(suggestColumns({ columns: ['id', 'label', 'text'], rows: [] })).toEqual({ text: 'text', label: 'label' });
  });

  it('knows common synonyms, case-insensitively', () => {
    expect(suggestColumns({ columns: ['Sentiment', 'Review'], rows: [] })).toEqual({ text: 'Review', label: 'Sentiment' });
  });

  it('falls back to the longest column for text and the least varied other column for the label', () => {
    const rows = [
      { a: 'x', b: 'a long piece of text', c: '1' },
      { a: 'y', b: 'another long piece of text', c: '1' },
      { a: 'z', b: 'and a third one', c: '2' },
    ];
    expect(suggestColumns({ columns: ['a', 'b', 'c'], rows })).toEqual({ text: 'b', label: 'c' });
  });
});
