import { type DataFormat, fileExtension, formatFromExtension } from '@glossa/text-preprocessing';
import { DataError } from './errors.js';

// The extension table itself is text-preprocessing's (no Node, no DOM), shared with the demo page.
export { DATA_FORMATS, type DataFormat, formatFromExtension } from '@glossa/text-preprocessing';

/**
 * Where a record is, for messages: `file:line` for text files, `file, row N` for Parquet (which has rows,
 * not lines: a Parquet record's `line` is its 1-based row number).
 *
 * @param file - file path (or `<stream>`)
 * @param line - the record's `line`
 * @param format - the file's format, when known
 * @returns the place, e.g. `reviews.csv:12` or `reviews.parquet, row 11`
 * @example
 * ```ts
 * recordPlace('big.parquet', 7, 'parquet'); // 'big.parquet, row 7'
 * ```
 */
export function recordPlace(file: string, line: number, format?: DataFormat): string {
  return format === 'parquet' ? `${file}, row ${line}` : `${file}:${line}`;
}

/**
 * The data format of a file, from its extension (case-insensitive): `.csv` → csv, `.tsv`/`.tab` → tsv,
 * `.jsonl`/`.ndjson` → jsonl, `.txt` → txt, `.parquet` → parquet.
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
  const format = formatFromExtension(path);
  if (format !== undefined) return format;
  const ext = fileExtension(path).toLowerCase();
  const hint =
    ext === '.json' ? ' JSON arrays are not streamed; convert the file to JSON Lines (one object per line, e.g. `jq -c ".[]" data.json > data.jsonl`).' : '';
  throw new DataError(
    'UNKNOWN_FORMAT',
    `${path}: cannot tell the file's format from its extension (${ext === '' ? 'none' : `"${ext}"`}).${hint} ` +
      `Rename it to .csv, .tsv, .jsonl, .parquet or .txt, or pass the format explicitly (--format csv|tsv|jsonl|parquet|txt, or options.format).`,
    { file: path, line: 0 },
  );
}
