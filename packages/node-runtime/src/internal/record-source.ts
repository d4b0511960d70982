import { stat } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { undecodableTextMessage } from '@glossa/model-core';
import type { DataProblem } from '../data-problem.js';
import type { DataFormat } from '../detect-format.js';
import { DataError, NodeRuntimeError } from '../errors.js';
import { errnoCode } from './fs-utils.js';
import { closestName } from './levenshtein.js';
import { readLines } from './lines.js';
import { type ByteIssue, type ForeignEncoding, NormalizeNewlines } from './normalize-newlines.js';

/** A parsed row: the line it starts on and its fields by column name. */
export interface RawRecord {
  line: number;
  fields: Record<string, string>;
}

/** Either a good row or a problem with a row. */
export type SourceItem = { record: RawRecord; problem?: undefined } | { problem: DataProblem; record?: undefined };

/** Settings for {@link recordSource}. */
export interface SourceSettings {
  /** Name used in messages (path or `'<stream>'`). */
  file: string;
  format: DataFormat;
  /** Column name given to each line of a txt file. */
  textColumn: string;
  /** Columns every row must have; for CSV/TSV checked once against the header. */
  requiredColumns: readonly string[];
  /** Largest CSV record or JSONL/txt line accepted, in characters. */
  maxRecordSize: number;
  /** Receives warnings about data kept with a change (a NUL byte read as a space); without it such bytes are bad rows. */
  onWarning?: (warning: DataProblem) => void;
  /** The source's encoding (WHATWG name) for messages; the bytes reaching the readers are UTF-8. Default utf-8. */
  encoding?: string;
  /** How messages name the option that chose a required column (see `ReadRecordsOptions.columnOptions`). */
  columnOptions?: Readonly<Record<string, string>>;
  /** txt: yield blank lines as records (empty text) instead of passing over them. Default false. */
  keepBlankLines?: boolean;
}

/** Default largest CSV/TSV record or JSONL/txt line, in characters (a 10 MB field fits). */
export const DEFAULT_MAX_RECORD_SIZE = 32 * 1024 * 1024;

/** Checks that a data file exists and is a file (a directory or a missing file is named as such). */
export async function checkDataFile(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw new DataError('FILE_NOT_FOUND', `${path}: this is a directory, not a data file. Pass the path of a .csv, .tsv, .jsonl, .parquet or .txt file.`, {
        file: path,
        line: 0,
      });
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    if (errnoCode(error) === 'ENOENT') {
      throw new DataError(
        'FILE_NOT_FOUND',
        `${path}: file not found. Check the path (relative paths start at ${process.cwd()}).`,
        {
          file: path,
          line: 0,
        },
        { cause: error },
      );
    }
    throw readFailure(path, error);
  }
}

function readFailure(file: string, error: unknown): NodeRuntimeError {
  const detail = error instanceof Error ? error.message : String(error);
  return new NodeRuntimeError('STORAGE', `${file}: could not read the file (${detail}). Check that it exists and is readable.`, {
    cause: error,
  });
}

/** Turns a row problem into the error thrown in `onBadRow: 'fail'` mode. */
export function problemToError(problem: DataProblem): DataError {
  const code = problem.kind === 'missing-field' ? 'MISSING_COLUMN' : 'BAD_DATA';
  const location =
    problem.column === undefined ? { file: problem.file, line: problem.line } : { file: problem.file, line: problem.line, column: problem.column };
  return new DataError(code, problem.message, location);
}

/** The advice ending every skippable row problem. */
export const SKIP_HINT = ' Fix the row, or pass onBadRow: "skip" (--on-bad-row skip) to skip bad rows.';

/** How the readers' messages name the encoding: the library option and the CLI flag. */
const CLI_ENCODING_CONTROL = { name: '--encoding (encoding)', example: '--encoding gb18030' };

/** The problem for a byte issue found by {@link NormalizeNewlines}. */
export function byteIssueProblem(issue: ByteIssue, file: string, encoding = 'utf-8'): DataProblem {
  const { line, column } = issue;
  const where = `${file}:${line}:${column}`;
  if (issue.kind === 'nul-byte') {
    return {
      kind: 'nul-byte',
      file,
      line,
      column,
      message:
        `${where}: the row contains a NUL byte (0x00) at character ${column}. Text files do not contain NUL bytes: the file is binary, UTF-16 encoded or damaged. ` +
        `Save it as UTF-8 text, or remove the NUL bytes (e.g. \`tr -d '\\000' < in > out\`).${SKIP_HINT}`,
    };
  }
  const message = undecodableTextMessage({ file, line, column, encoding, byte: issue.byte }, CLI_ENCODING_CONTROL) + SKIP_HINT;
  return { kind: 'invalid-utf8', file, line, column, message };
}

/** The fatal error for a file in UTF-16 or UTF-32, recognised by its byte-order mark. */
function foreignEncodingError(encoding: ForeignEncoding, file: string): DataError {
  const name = encoding.toUpperCase().replace(/(LE|BE)$/, '');
  return new DataError(
    'BAD_DATA',
    `${file}:1:1: the file is ${name} encoded (it starts with a ${encoding.toUpperCase()} byte-order mark), and it is read as UTF-8. ` +
      `Pass --encoding ${encoding.toLowerCase()} (encoding: '${encoding.toLowerCase()}'), save it as UTF-8 (in a spreadsheet: "CSV UTF-8"), or convert it (e.g. \`iconv -f ${name} -t utf-8 in.csv > out.csv\`).`,
    { file, line: 1, column: 1 },
  );
}

/** Byte issues reported ahead of the parser, released when the parser reaches their lines. */
class IssueQueue {
  private readonly items: ByteIssue[] = [];
  readonly guard: NormalizeNewlines;

  constructor(
    private readonly file: string,
    private readonly encoding = 'utf-8',
    onWarning?: (warning: DataProblem) => void,
  ) {
    this.guard = new NormalizeNewlines({
      onIssue: (issue) => this.items.push(issue),
      ...(onWarning === undefined
        ? {}
        : {
            onNulReplaced: ({ line, column }: { line: number; column: number }) =>
              onWarning({
                kind: 'nul-byte',
                file,
                line,
                column,
                message: `${file}:${line}:${column}: a NUL byte (0x00) at character ${column} was read as a space (the row is kept).`,
              }),
          }),
    });
  }

  /** Throws when the stream turned out to be UTF-16/32. */
  checkEncoding(): void {
    if (this.guard.foreignEncoding !== undefined) throw foreignEncodingError(this.guard.foreignEncoding, this.file);
  }

  /** The first issue on lines `first`..`last` (issues on earlier lines, in rows already reported, are dropped). */
  take(first: number, last: number): DataProblem | undefined {
    this.checkEncoding();
    let found: ByteIssue | undefined;
    while (this.items.length > 0 && this.items[0]!.line <= last) {
      const issue = this.items.shift()!;
      if (found === undefined && issue.line >= first) found = issue;
    }
    return found === undefined ? undefined : byteIssueProblem(found, this.file, this.encoding);
  }
}

function lineTooLongProblem(file: string, line: number, length: number, maxRecordSize: number): DataProblem {
  return {
    kind: 'line-too-long',
    file,
    line,
    column: maxRecordSize + 1,
    message:
      `${file}:${line}: the line is ${length} characters long, more than maxRecordSize (${maxRecordSize}); it was not read. ` +
      `Check that the file has one record per line, or raise maxRecordSize (--max-record-size) if lines really are this long.${SKIP_HINT}`,
  };
}

/** Up to 20 column names, quoted, each followed by its type in brackets when `types` are given. */
export function describeColumns(columns: readonly string[], types?: readonly string[]): string {
  const shown = columns.slice(0, 20).map((c, i) => (types?.[i] === undefined ? JSON.stringify(c) : `${JSON.stringify(c)} (${types[i]})`));
  return shown.join(', ') + (columns.length > 20 ? `, … (${columns.length} in all)` : '');
}

/** How to fix a missing column: the closest name, and the option that chose the column. */
export function missingColumnAdvice(missing: string, available: readonly string[], settings: SourceSettings): string {
  const suggestion = closestName(missing, available);
  const option = settings.columnOptions?.[missing] ?? (missing === settings.textColumn ? 'textColumn (--text-column)' : 'labelColumn (--label-column)');
  return suggestion !== undefined
    ? `Did you mean "${suggestion}"? Rename the column or set ${option} to "${suggestion}".`
    : `Rename a column to "${missing}" or set ${option} to one of the available names.`;
}

/** Streams records (or row problems) from a CSV, TSV, JSONL or txt input. */
export function recordSource(input: Readable, settings: SourceSettings): AsyncGenerator<SourceItem> {
  switch (settings.format) {
    case 'csv':
    case 'tsv':
      return csvSource(input, settings);
    case 'jsonl':
      return jsonlSource(input, settings);
    case 'txt':
      return txtSource(input, settings);
    case 'parquet':
      // A file path goes to parquet-source.ts; a stream cannot be read as Parquet.
      throw new DataError(
        'BAD_DATA',
        `${settings.file}: Parquet cannot be read from a stream such as stdin: its index of columns and row groups is at the end of the file, so the reader needs the file itself. ` +
          'Save the data to a .parquet file and pass its path (--input data.parquet).',
        { file: settings.file, line: 0 },
      );
  }
}

interface CsvItem {
  record: string[];
  info: { lines: number };
}

function countNewlines(fields: readonly string[]): number {
  let count = 0;
  for (const field of fields) {
    for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) count++;
  }
  return count;
}

function isFatalCsvError(error: CsvError): boolean {
  return error.code === 'CSV_QUOTE_NOT_CLOSED' || error.code === 'CSV_MAX_RECORD_SIZE';
}

function csvErrorMessage(error: CsvError, settings: SourceSettings, lastEndLine: number): { line: number; column?: number; message: string } {
  const file = settings.file;
  const errorLine = typeof error.lines === 'number' ? error.lines : lastEndLine + 1;
  const column = typeof error.column === 'number' ? error.column + 1 : undefined;
  const where = column === undefined ? `${file}:${errorLine}` : `${file}:${errorLine}, field ${column}`;
  const quoting = settings.format === 'tsv' ? 'TSV' : 'CSV';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return {
        line: lastEndLine + 1,
        message:
          `${file}:${lastEndLine + 1}: a quoted field starting on this line (or shortly after) is never closed; the parser reached the end of the file at line ${errorLine}. ` +
          'Close the quote, and write a quote inside a quoted field as two quotes ("").',
      };
    case 'CSV_MAX_RECORD_SIZE':
      return {
        line: lastEndLine + 1,
        message:
          `${file}:${lastEndLine + 1}: the row starting here is longer than ${settings.maxRecordSize} characters (maxRecordSize), most likely because of a quote that is never closed. ` +
          'Close the quote (a quote inside a quoted field is written ""), or raise maxRecordSize (--max-record-size) if rows really are this long.',
      };
    case 'INVALID_OPENING_QUOTE':
      return {
        line: errorLine,
        ...(column === undefined ? {} : { column }),
        message: `${where}: a quote (") appears inside an unquoted field. In ${quoting}, put the whole field in quotes and double the inner quote, e.g. "5"" screen".${SKIP_HINT}`,
      };
    case 'CSV_INVALID_CLOSING_QUOTE':
      return {
        line: errorLine,
        ...(column === undefined ? {} : { column }),
        message: `${where}: a quoted field continues after its closing quote. Double any quote inside a quoted field (""), and put the delimiter right after the closing quote.${SKIP_HINT}`,
      };
    default:
      return {
        line: errorLine,
        ...(column === undefined ? {} : { column }),
        message: `${where}: the row cannot be parsed as ${quoting} (${error.message}).${SKIP_HINT}`,
      };
  }
}

function csvProblem(error: CsvError, settings: SourceSettings, lastEndLine: number): DataProblem {
  const { line, column, message } = csvErrorMessage(error, settings, lastEndLine);
  return column === undefined
    ? { kind: 'malformed-row', file: settings.file, line, message }
    : { kind: 'malformed-row', file: settings.file, line, column, message };
}

async function* csvSource(input: Readable, settings: SourceSettings): AsyncGenerator<SourceItem> {
  const skipped: CsvError[] = [];
  const parser = parse({
    bom: true,
    delimiter: settings.format === 'tsv' ? '\t' : ',',
    record_delimiter: '\n',
    relax_column_count: true,
    relax_quotes: settings.format === 'tsv',
    skip_empty_lines: true,
    info: true,
    max_record_size: settings.maxRecordSize,
    // Always let csv-parse carry on past a bad record and report it here: problems then reach the
    // consumer in line order, after every good row before them (a thrown parser error would discard the
    // rows csv-parse had already buffered). Fail mode throws when the problem is released.
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error !== undefined) skipped.push(error);
      return undefined;
    },
  });
  const issues = new IssueQueue(settings.file, settings.encoding, settings.onWarning);
  pipeline(input, issues.guard, parser, () => undefined);

  let header: string[] | undefined;
  let lastEndLine = 0;
  // Problems csv-parse reported while reading ahead, released in line order.
  const release = function* (beforeLine: number): Generator<SourceItem> {
    while (skipped.length > 0) {
      const error = skipped[0]!;
      const problem = csvProblem(error, settings, lastEndLine);
      if (problem.line >= beforeLine) return;
      skipped.shift();
      if (isFatalCsvError(error)) throw problemToError(problem);
      yield { problem };
    }
  };

  try {
    for await (const item of parser as AsyncIterable<CsvItem>) {
      const { record, info } = item;
      const endLine = info.lines;
      const line = endLine - countNewlines(record);
      yield* release(line);
      lastEndLine = endLine;
      const byteProblem = issues.take(line, endLine);
      if (header === undefined) {
        if (byteProblem !== undefined)
          throw problemToError({ ...byteProblem, message: byteProblem.message.replace(SKIP_HINT, ' The header row cannot be skipped.') });
        header = record.map((name) => name.trim());
        checkHeader(header, line, settings);
        continue;
      }
      if (byteProblem !== undefined) {
        yield { problem: byteProblem };
        continue;
      }
      if (record.length !== header.length) {
        if (record.every((field) => field.trim() === '')) continue; // a whitespace-only line
        const message =
          `${settings.file}:${line}: expected ${header.length} fields (${describeColumns(header)}) but found ${record.length}. ` +
          `Quote fields that contain the delimiter (${settings.format === 'tsv' ? 'tab' : 'comma'}) or a line break, and check for missing or extra delimiters.${SKIP_HINT}`;
        yield { problem: { kind: 'ragged-row', file: settings.file, line, message } };
        continue;
      }
      const entries: [string, string][] = [];
      const seen = new Set<string>();
      header.forEach((name, index) => {
        if (seen.has(name)) return;
        seen.add(name);
        entries.push([name, record[index]!]);
      });
      yield { record: { line, fields: Object.fromEntries(entries) } };
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    if (error instanceof CsvError) throw problemToError(csvProblem(error, settings, lastEndLine));
    throw readFailure(settings.file, error);
  } finally {
    parser.destroy();
  }
  yield* release(Number.POSITIVE_INFINITY);
  issues.checkEncoding();
  if (header === undefined) {
    throw new DataError(
      'EMPTY_FILE',
      `${settings.file}: the file is empty (no header row). A ${settings.format.toUpperCase()} file needs a header row naming its columns, e.g. "text${settings.format === 'tsv' ? '\\t' : ','}label".`,
      { file: settings.file, line: 0 },
    );
  }
}

function checkHeader(header: readonly string[], line: number, settings: SourceSettings): void {
  for (const column of settings.requiredColumns) {
    if (header.includes(column)) continue;
    throw new DataError(
      'MISSING_COLUMN',
      `${settings.file}:${line}: the header has no column "${column}" (columns: ${describeColumns(header)}). ${delimiterHint(header, settings) ?? missingColumnAdvice(column, header, settings)}`,
      { file: settings.file, line },
    );
  }
}

/** When a one-column header holds the other delimiter, the file is TSV read as CSV (or the reverse): say so. */
function delimiterHint(header: readonly string[], settings: SourceSettings): string | undefined {
  if (header.length !== 1) return undefined;
  if (settings.format === 'csv' && header[0]!.includes('\t'))
    return "The header is tab-separated: this is a TSV file. Pass --format tsv (format: 'tsv') or rename it to .tsv.";
  if (settings.format === 'tsv' && header[0]!.includes(','))
    return "The header is comma-separated: this is a CSV file. Pass --format csv (format: 'csv') or rename it to .csv.";
  return undefined;
}

function jsonErrorPosition(error: unknown): number | undefined {
  const match = error instanceof Error ? /position (\d+)/.exec(error.message) : null;
  return match ? Number(match[1]) + 1 : undefined;
}

/** The lines of `input` after newline normalisation and byte checks: a line, or a problem with it. */
async function* checkedLines(input: Readable, settings: SourceSettings): AsyncGenerator<{ text: string; line: number; problem?: DataProblem }> {
  const issues = new IssueQueue(settings.file, settings.encoding, settings.onWarning);
  pipeline(input, issues.guard, () => undefined);
  try {
    for await (const { text, line, tooLong } of readLines(issues.guard, settings.maxRecordSize)) {
      const problem = issues.take(line, line);
      if (problem !== undefined) yield { text: '', line, problem };
      else if (tooLong !== undefined) yield { text: '', line, problem: lineTooLongProblem(settings.file, line, tooLong, settings.maxRecordSize) };
      else yield { text, line };
    }
    issues.checkEncoding();
  } finally {
    issues.guard.destroy();
  }
}

async function* jsonlSource(input: Readable, settings: SourceSettings): AsyncGenerator<SourceItem> {
  const file = settings.file;
  try {
    for await (const { text, line, problem } of checkedLines(input, settings)) {
      if (problem !== undefined) {
        yield { problem };
        continue;
      }
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        const column = jsonErrorPosition(error);
        const detail = error instanceof Error ? error.message : String(error);
        const message = `${file}:${line}${column === undefined ? '' : `:${column}`}: the line is not valid JSON (${detail}). Each line of a JSONL file must be one JSON object, e.g. {"text": "great", "label": "pos"}.${SKIP_HINT}`;
        yield {
          problem: column === undefined ? { kind: 'invalid-json', file, line, message } : { kind: 'invalid-json', file, line, column, message },
        };
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
        yield {
          problem: {
            kind: 'not-an-object',
            file,
            line,
            message: `${file}:${line}: expected a JSON object but found ${got}. Each line must be an object such as {"text": "great", "label": "pos"}.${SKIP_HINT}`,
          },
        };
        continue;
      }
      const entries: [string, string][] = [];
      for (const [key, field] of Object.entries(value)) {
        if (typeof field === 'string') entries.push([key, field]);
        else if (typeof field === 'number' || typeof field === 'boolean') entries.push([key, String(field)]);
        else if (field !== null) entries.push([key, JSON.stringify(field)]);
      }
      const fields = Object.fromEntries(entries);
      const keys = entries.map(([key]) => key);
      const missing = settings.requiredColumns.find((column) => !Object.hasOwn(fields, column));
      if (missing !== undefined) {
        yield {
          problem: {
            kind: 'missing-field',
            file,
            line,
            message: `${file}:${line}: the object has no "${missing}" field (or it is null); fields: ${describeColumns(keys)}. ${missingColumnAdvice(missing, keys, settings)}${SKIP_HINT}`,
          },
        };
        continue;
      }
      yield { record: { line, fields } };
    }
  } catch (error) {
    if (error instanceof NodeRuntimeError) throw error;
    throw readFailure(file, error);
  } finally {
    input.destroy();
  }
}

async function* txtSource(input: Readable, settings: SourceSettings): AsyncGenerator<SourceItem> {
  try {
    for await (const { text, line, problem } of checkedLines(input, settings)) {
      if (problem !== undefined) {
        yield { problem };
        continue;
      }
      if (text.trim() === '' && settings.keepBlankLines !== true) continue;
      yield { record: { line, fields: { [settings.textColumn]: text } } };
    }
  } catch (error) {
    if (error instanceof NodeRuntimeError) throw error;
    throw readFailure(settings.file, error);
  } finally {
    input.destroy();
  }
}
