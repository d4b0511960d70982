import type { DataProblem } from './data-problem.js';
import type { DataFormat } from './detect-format.js';
import { openRecords, reportProblem } from './internal/open-records.js';

/**
 * Options shared by the streaming readers ({@link readRecords}, {@link readLabeledTexts}, {@link readTexts},
 * {@link loadLabeledTexts}).
 */
export interface ReadRecordsOptions {
  /** File format. Default: from the extension (`.csv`, `.tsv`, `.jsonl`/`.ndjson`, `.txt`); `'txt'` for streams. */
  format?: DataFormat;
  /** Column (CSV/TSV) or field (JSONL) holding the text. Default `'text'`; also the field name txt lines get. */
  textColumn?: string;
  /** Column or field holding the label. Default `'label'`. */
  labelColumn?: string;
  /** Columns every row must have (checked against the CSV/TSV header, or per JSONL object). Default none. */
  requiredColumns?: readonly string[];
  /**
   * How messages name the option that chose each required column (e.g. `{ ticket_id: '--id-column' }`), for
   * the advice when it is missing. Default: the text column is `textColumn (--text-column)`, others `labelColumn (--label-column)`.
   */
  columnOptions?: Readonly<Record<string, string>>;
  /** What to do with a bad row: throw a {@link DataError} (`'fail'`, the default) or skip it (`'skip'`). */
  onBadRow?: 'fail' | 'skip';
  /**
   * Receives a warning for each change made to keep a row: a NUL byte inside a text file is read as a space
   * (kind `nul-byte`, with line and column) instead of making the row bad — a stray NUL in a mail body is
   * data, not a binary file. Without it, NUL bytes are bad rows. Files where NUL bytes are common (binary,
   * UTF-16 without a byte-order mark) are refused either way.
   */
  onWarning?: (warning: DataProblem) => void;
  /** Called with each skipped row's problem when `onBadRow` is `'skip'`. */
  onSkip?: (problem: DataProblem) => void;
  /**
   * The file's text encoding, any WHATWG label (`utf-8`, the default; `gb18030`, `gbk`, `big5`, `shift_jis`,
   * `euc-kr`, `windows-1252`, `utf-16le`…), decoded as it streams. A byte sequence not valid in it is a bad
   * row reported with line and column.
   */
  encoding?: string;
  /**
   * Largest CSV/TSV row or JSONL/txt line accepted, in characters: an integer from 1 to 2^29 - 24. Guards
   * against an unclosed quote swallowing the file and keeps memory bounded for a file without line breaks.
   * Default 32 Mi (a 10 MB field fits). A longer JSONL/txt line is a bad row (`line-too-long`); a longer
   * CSV/TSV row is fatal.
   */
  maxRecordSize?: number;
  /** Name used in messages when reading from a stream. Default `'<stream>'`. */
  sourceName?: string;
}

/**
 * One row of a data file.
 */
export interface DataRecord {
  /** 1-based line the row starts on (the CSV header is line 1). */
  line: number;
  /**
   * Fields by column name. CSV/TSV values are the raw strings (line breaks inside quoted fields become
   * `\n`); JSONL numbers and booleans are converted to strings, nested values to JSON, `null` is left out;
   * a txt line is stored under `textColumn`.
   */
  fields: Readonly<Record<string, string>>;
}

/**
 * Streams the rows of a CSV, TSV, JSONL or txt file, in bounded memory (the file is never read whole).
 *
 * CSV/TSV: the first row is the header; a UTF-8 BOM is dropped; LF, CRLF and mixed line breaks work;
 * fields may be quoted (`"a, ""b"""`) and span lines; blank lines are ignored. TSV also accepts stray
 * quotes inside unquoted fields. JSONL: one JSON object per line. txt: one row per non-blank line.
 * Every format: bytes that are not UTF-8 (`invalid-utf8`) and NUL bytes (`nul-byte`) make a row bad,
 * naming its line and the character position; a file in UTF-16 or UTF-32 (recognised by its byte-order
 * mark) fails at once with how to convert it.
 *
 * @param path - the file to read
 * @param options - see {@link ReadRecordsOptions}
 * @returns an async iterable of {@link DataRecord}s
 * @throws {@link NodeRuntimeError} `INVALID_OPTION` for an option out of range (e.g. `maxRecordSize: 0`);
 *   {@link DataError} (while iterating) `FILE_NOT_FOUND`, `UNKNOWN_FORMAT`, `EMPTY_FILE` (no CSV
 *   header), `MISSING_COLUMN` (a required column is not in the header, with the closest name suggested),
 *   `BAD_DATA` for a bad row when `onBadRow` is `'fail'` (an unclosed quote, a bad header row and a
 *   UTF-16/32 file are always fatal)
 * @example
 * ```ts
 * for await (const record of readRecords('reviews.csv', { requiredColumns: ['review'] })) {
 *   console.log(record.line, record.fields.review);
 * }
 * ```
 */
export async function* readRecords(path: string, options: ReadRecordsOptions = {}): AsyncGenerator<DataRecord> {
  const { items } = await openRecords(path, options, options.requiredColumns ?? []);
  for await (const item of items) {
    if (item.problem !== undefined) reportProblem(item.problem, options);
    else yield item.record;
  }
}
