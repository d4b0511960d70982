/**
 * What is wrong with one row of a data file:
 * - `malformed-row`: CSV/TSV quoting error (stray or unclosed quote inside a row);
 * - `ragged-row`: a CSV/TSV row with more or fewer fields than the header;
 * - `invalid-json`: a JSONL line that is not valid JSON;
 * - `not-an-object`: a JSONL line that is JSON but not an object;
 * - `missing-field`: a JSONL object without a required field;
 * - `empty-text`: the text is empty or only whitespace;
 * - `empty-label`: the label is empty or only whitespace;
 * - `invalid-utf8`: the row holds bytes that are not UTF-8 (a file saved as Windows-1252 / Latin-1…);
 * - `nul-byte`: the row holds a NUL (0x00) byte (a binary, UTF-16 or damaged file);
 * - `line-too-long`: a JSONL or txt line is longer than `maxRecordSize` characters.
 */
export type DataProblemKind =
  | 'malformed-row'
  | 'ragged-row'
  | 'invalid-json'
  | 'not-an-object'
  | 'missing-field'
  | 'empty-text'
  | 'empty-label'
  | 'invalid-utf8'
  | 'nul-byte'
  | 'line-too-long';

/**
 * A problem with one row of a data file. With `onBadRow: 'fail'` it becomes a {@link DataError}; with
 * `'skip'` the row is skipped and the problem is passed to `onSkip`.
 *
 * @example
 * ```ts
 * const onSkip = (p: DataProblem) => process.stderr.write(`${p.file}:${p.line}: ${p.message}\n`);
 * ```
 */
export interface DataProblem {
  /** What kind of problem. */
  kind: DataProblemKind;
  /** File path, or `'<stream>'`. */
  file: string;
  /** 1-based line where the row starts (or where the error was detected). */
  line: number;
  /**
   * 1-based field number (CSV/TSV rows) or character position (JSONL lines, and the position of the bad
   * byte for `invalid-utf8` / `nul-byte`), when known.
   */
  column?: number;
  /** Full explanation: where, what, how to fix. */
  message: string;
}
