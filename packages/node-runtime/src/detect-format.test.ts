import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect-format.js';
import { DataError } from './errors.js';

describe('detectFormat', () => {
  it.each([
    ['a.csv', 'csv'],
    ['dir.v2/A.CSV', 'csv'],
    ['a.tsv', 'tsv'],
    ['a.tab', 'tsv'],
    ['a.jsonl', 'jsonl'],
    ['a.ndjson', 'jsonl'],
    ['notes.txt', 'txt'],
  ])('detects %s as %s', (path, format) => {
    expect(detectFormat(path)).toBe(format);
  });

  it('rejects an unknown extension, suggesting --format', () => {
    expect(() => detectFormat('data.parquet')).toThrow(DataError);
    expect(() => detectFormat('data.parquet')).toThrow(/--format csv\|tsv\|jsonl\|txt/);
    expect(() => detectFormat('README')).toThrow(/none/);
  });

  it('explains that JSON arrays need converting to JSONL', () => {
    expect(() => detectFormat('data.json')).toThrow(/JSON Lines/);
  });
});
