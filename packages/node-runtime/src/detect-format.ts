import { extname } from 'node:path';
import { DataError } from './errors.js';

/** A data file format the readers understand. */
export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'txt';

/** Every {@link DataFormat}. */
export const DATA_FORMATS: readonly DataFormat[] = ['csv', 'tsv', 'jsonl', 'txt'];

const BY_EXTENSION: Readonly<Record<string, DataFormat>> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.txt': 'txt',
};

/**
 * The data format of a file, from its extension (case-insensitive): `.csv` → csv, `.tsv`/`.tab` → tsv,
 * `.jsonl`/`.ndjson` → jsonl, `.txt` → txt.
 *
 * @param path - file path
 * @returns the format
 * @throws {@link DataError} `UNKNOWN_FORMAT` for any other extension, suggesting `--format`
 * @example
 * ```ts
 * detectFormat('reviews.CSV'); // 'csv'
 * detectFormat('data.ndjson'); // 'jsonl'
 * ```
 */
export function detectFormat(path: string): DataFormat {
  const ext = extname(path).toLowerCase();
  const format = BY_EXTENSION[ext];
  if (format !== undefined) return format;
  const hint =
    ext === '.json'
      ? ' JSON arrays are not streamed; convert the file to JSON Lines (one object per line, e.g. `jq -c ".[]" data.json > data.jsonl`).'
      : '';
  throw new DataError(
    'UNKNOWN_FORMAT',
    `${path}: cannot tell the file's format from its extension (${ext === '' ? 'none' : `"${ext}"`}).${hint} ` +
      `Rename it to .csv, .tsv, .jsonl or .txt, or pass the format explicitly (--format csv|tsv|jsonl|txt, or options.format).`,
    { file: path, line: 0 },
  );
}
