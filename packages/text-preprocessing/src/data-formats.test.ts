import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATA_FORMATS, fileExtension, formatFromExtension } from './data-formats.js';

describe('fileExtension', () => {
  it('equals Node’s path.extname on /-separated paths', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z./]{0,12}$/), (path) => {
        expect(fileExtension(path)).toBe(posix.extname(path));
      }),
      { numRuns: 2000 },
    );
    for (const path of ['', '.', '..', '...', '.profile', 'a.', 'a.b.c', 'dir.csv/', 'dir/.tsv', 'x/y.tab', '/']) {
      expect(fileExtension(path), path).toBe(posix.extname(path));
    }
  });

  it('treats \\ as a separator too', () => {
    expect(fileExtension('C:\\data.d\\reviews')).toBe('');
    expect(fileExtension('C:\\data\\reviews.TSV')).toBe('.TSV');
  });
});

describe('formatFromExtension', () => {
  it('maps each extension to its format, case-insensitively, and nothing else', () => {
    const table: Array<[string, string | undefined]> = [
      ['a.csv', 'csv'],
      ['a.TSV', 'tsv'],
      ['a.tab', 'tsv'],
      ['a.jsonl', 'jsonl'],
      ['a.NDJSON', 'jsonl'],
      ['a.txt', 'txt'],
      ['big.PARQUET', 'parquet'],
      ['a.json', undefined],
      ['a.md', undefined],
      ['csv', undefined],
      ['.csv', undefined],
    ];
    for (const [path, format] of table) expect(formatFromExtension(path), path).toBe(format);
    expect(DATA_FORMATS).toEqual(['csv', 'tsv', 'jsonl', 'txt', 'parquet']);
  });
});
