import type { Readable } from 'node:stream';
import type { DataProblem } from './data-problem.js';
import { EMPTY_TEXT_ADVICE, emptyValueProblem, openRecords, reportProblem } from './internal/open-records.js';
import type { ReadRecordsOptions } from './read-records.js';

/**
 * A text to classify, with where it came from.
 */
export interface InputText {
  /** The text. */
  text: string;
  /** 1-based line it starts on, to match predictions back to input rows. */
  line: number;
  /** Every field of the row (CSV/TSV/JSONL), e.g. to copy an id column into the output. */
  fields: Readonly<Record<string, string>>;
}

/**
 * Streams texts to predict on, in bounded memory: one text per non-blank line for txt files and streams
 * (stdin), the `textColumn` field of each JSONL object, or the `textColumn` column of a CSV/TSV file.
 * Rows with an empty text are bad rows (fail, or skip with `onBadRow: 'skip'`).
 *
 * @param source - a file path, or a readable stream such as `process.stdin` (read as `options.format`,
 *   default `'txt'`)
 * @param options - see {@link ReadRecordsOptions}
 * @returns an async iterable of {@link InputText}
 * @throws {@link DataError} `MISSING_COLUMN`, `BAD_DATA`, `EMPTY_FILE`, `FILE_NOT_FOUND`, `UNKNOWN_FORMAT`
 * @example
 * ```ts
 * for await (const { text, line } of readTexts(process.stdin, { format: 'jsonl' })) {
 *   console.log(line, text.length);
 * }
 * ```
 */
export async function* readTexts(source: string | Readable, options: ReadRecordsOptions = {}): AsyncGenerator<InputText> {
  const textColumn = options.textColumn ?? 'text';
  const { items, file, format } = await openRecords(source, options, [textColumn, ...(options.requiredColumns ?? [])]);
  for await (const item of items) {
    if (item.problem !== undefined) {
      reportProblem(item.problem, options);
      continue;
    }
    const { line, fields } = item.record;
    const text = fields[textColumn] ?? '';
    if (text.trim() === '') {
      reportProblem(emptyValueProblem('empty-text', { file, line, format }, textColumn, fields[textColumn], EMPTY_TEXT_ADVICE), options);
      continue;
    }
    yield { text, line, fields };
  }
}

/** One input record as {@link readTextRecords} yields it: a text, or the problem that kept it from being one. */
export type TextRecord =
  | { kind: 'text'; text: string; line: number; fields: Readonly<Record<string, string>> }
  | { kind: 'problem'; problem: DataProblem; line: number; fields?: Readonly<Record<string, string>> };

/**
 * Streams every record of the input, in order, for outputs that must stay aligned with their input (one
 * result per record: Spark's `RDD.pipe`, Hadoop Streaming): texts, and in their place the problem of every
 * record that is not one — a blank line (txt), an empty text value, invalid UTF-8, a malformed row — never
 * skipping or throwing for a row. `onBadRow` and `onSkip` are not used. File-level problems (a missing
 * file or column, an unclosed quote that swallows the rest of a CSV) still throw.
 *
 * @param source - A file path, or a readable stream such as `process.stdin` (read as `options.format`, default `'txt'`).
 * @param options - See {@link ReadRecordsOptions}.
 * @returns An async iterable of {@link TextRecord}, one per input record.
 * @throws {@link DataError} `MISSING_COLUMN`, `EMPTY_FILE`, `FILE_NOT_FOUND`, `UNKNOWN_FORMAT`, `BAD_DATA` (file-level)
 * @example
 * ```ts
 * for await (const record of readTextRecords(process.stdin)) {
 *   console.log(record.kind === 'text' ? record.text.length : record.problem.message);
 * }
 * ```
 */
export async function* readTextRecords(source: string | Readable, options: ReadRecordsOptions = {}): AsyncGenerator<TextRecord> {
  const textColumn = options.textColumn ?? 'text';
  const { items, file, format } = await openRecords(source, options, [textColumn, ...(options.requiredColumns ?? [])], true);
  // A malformed CSV row can raise two parser errors; it is still one record.
  let lastProblemLine = -1;
  for await (const item of items) {
    if (item.problem !== undefined) {
      if (item.problem.line === lastProblemLine) continue;
      lastProblemLine = item.problem.line;
      yield { kind: 'problem', problem: item.problem, line: item.problem.line };
      continue;
    }
    const { line, fields } = item.record;
    const text = fields[textColumn] ?? '';
    if (text.trim() === '') {
      const problem = emptyValueProblem('empty-text', { file, line, format }, textColumn, fields[textColumn], ' (nothing to label).');
      yield { kind: 'problem', problem, line, fields };
      continue;
    }
    yield { kind: 'text', text, line, fields };
  }
}
