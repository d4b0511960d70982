import { describe, expect, it } from 'vitest';
import { detectFormat, formatFromExtension } from './detect-format.js';
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
    ['part-00000.snappy.parquet', 'parquet'],
    ['BIG.PARQUET', 'parquet'],
  ])('detects %s as %s', (path, format) => {
    expect(detectFormat(path)).toBe(format);
  });

  it('rejects an unknown extension, suggesting --format', () => {
    expect(() => detectFormat('data.xlsx')).toThrow(DataError);
    expect(() => detectFormat('data.xlsx')).toThrow(/--format csv\|tsv\|jsonl\|parquet\|txt/);
    expect(() => detectFormat('README')).toThrow(/none/);
  });

  it('answers undefined instead of throwing through formatFromExtension', () => {
    expect(formatFromExtension('a.parquet')).toBe('parquet');
    expect(formatFromExtension('a.TSV')).toBe('tsv');
    expect(formatFromExtension('README')).toBeUndefined();
    expect(formatFromExtension('data.json')).toBeUndefined();
  });

  it('explains that JSON arrays need converting to JSONL', () => {
    expect(() => detectFormat('data.json')).toThrow(/JSON Lines/);
  });
});
