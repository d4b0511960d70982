/**
 * The one table from file extensions to data formats, shared by node-runtime's readers (and the CLI) and
 * the demo page, so it has no Node or DOM dependency. Lives here, the dependency-free string package, so
 * that every runtime and app can reach it without TensorFlow.js.
 */

/**
 * A data file format: `csv`, `tsv`, `jsonl`, `txt` (one text per line, no labels) or `parquet`.
 *
 * @example
 * ```ts
 * const format: DataFormat = 'jsonl';
 * ```
 */
export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'txt' | 'parquet';

/**
 * Every {@link DataFormat}.
 *
 * @example
 * ```ts
 * DATA_FORMATS.includes('parquet'); // true
 * ```
 */
export const DATA_FORMATS: readonly DataFormat[] = Object.freeze(['csv', 'tsv', 'jsonl', 'txt', 'parquet']);

const BY_EXTENSION: Readonly<Record<string, DataFormat>> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.txt': 'txt',
  '.parquet': 'parquet',
};

/**
 * The extension of a path's last part, as Node's `path.extname` gives it (`''` for none, for `.profile`
 * and for `..`), with `/` and `\` both separating parts.
 *
 * @param path - A file path or name.
 * @returns The extension with its dot, e.g. `.csv`.
 * @example
 * ```ts
 * fileExtension('data/reviews.test.CSV'); // '.CSV'
 * ```
 */
export function fileExtension(path: string): string {
  let end = path.length;
  while (end > 0 && (path[end - 1] === '/' || path[end - 1] === '\\')) end--;
  const start = Math.max(path.lastIndexOf('/', end - 1), path.lastIndexOf('\\', end - 1)) + 1;
  const base = path.slice(start, end);
  const dot = base.lastIndexOf('.');
  return dot <= 0 || base === '..' ? '' : base.slice(dot);
}

/**
 * The data format a file's extension names (case-insensitive): `.csv` → csv, `.tsv`/`.tab` → tsv,
 * `.jsonl`/`.ndjson` → jsonl, `.txt` → txt, `.parquet` → parquet; `undefined` for any other extension.
 *
 * @param path - A file path or name.
 * @returns The format, or `undefined`.
 * @example
 * ```ts
 * formatFromExtension('big.PARQUET'); // 'parquet'
 * formatFromExtension('notes.md');    // undefined
 * ```
 */
export function formatFromExtension(path: string): DataFormat | undefined {
  return BY_EXTENSION[fileExtension(path).toLowerCase()];
}
