import { describe, expect, it } from 'vitest';
import { detectFormat, formatFromExtension, recordPlace } from './detect-format.js';
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

  it('names a record by line, or by row in a Parquet file', () => {
    expect(recordPlace('a.csv', 12, 'csv')).toBe('a.csv:12');
    expect(recordPlace('<stream>', 3)).toBe('<stream>:3');
    expect(recordPlace('a.parquet', 11, 'parquet')).toBe('a.parquet, row 11');
  });

  it('explains that JSON arrays need converting to JSONL', () => {
    expect(() => detectFormat('data.json')).toThrow(/JSON Lines/);
  });
});
