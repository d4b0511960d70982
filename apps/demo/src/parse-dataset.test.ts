import { describe, expect, it } from 'vitest';
import { detectFormat, parseDataset, suggestColumns } from './parse-dataset.js';

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
    const data = await parseDataset(new Blob(chunks), 'jsonl', (f) => progress.push(f));
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
