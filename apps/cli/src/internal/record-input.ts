/**
 * Reading the records `glossa predict` and `glossa explain` label, and what happens to the ones that are
 * not texts: the pipe contract (one output line per input record, in input order, when the output is a
 * pipe or file or with `--aligned`).
 */
import { access } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { CliError } from '../cli-error.js';
import { type DataFormat, type RuntimeApi, formatFromExtension } from '../runtime.js';
import { type Command, Option } from 'commander';
import { BAD_ROW_CHOICES, SKIPPED_LINES_SHOWN, checkParquetInput, encodingOption, maxRecordSizeOption } from './common-options.js';
import { choiceOption } from './parse-options.js';
import type { PredictItem } from './predict-output.js';
import { parseTextRecord } from './text-lines.js';

/** Input formats of `glossa predict` / `glossa explain`: `lines` is one text per line, a line starting with `{` read as JSON. */
export type PredictFormat = DataFormat | 'lines';

/** Formats accepted by `glossa predict` / `glossa explain --format`. */
export const PREDICT_FORMATS: readonly PredictFormat[] = ['lines', 'csv', 'tsv', 'jsonl', 'parquet', 'txt'];

/**
 * The input format of `glossa predict`: `--format` when given, else from the `--input` extension through
 * node-runtime's table (`.csv`, `.tsv`/`.tab`, `.jsonl`/`.ndjson`, `.parquet`), else `lines` (also for
 * stdin, and for `.txt`, whose lines starting with `{` are read as JSON).
 *
 * @param input - The `--input` path, if any.
 * @param format - The `--format` value, if any.
 * @returns The format to read.
 * @example
 * ```ts
 * predictFormat('reviews.csv'); // 'csv'
 * predictFormat(undefined);     // 'lines'
 * ```
 */
export function predictFormat(input: string | undefined, format: PredictFormat | undefined): PredictFormat {
  if (format !== undefined) return format;
  const byExtension = input === undefined ? undefined : formatFromExtension(input);
  return byExtension === undefined || byExtension === 'txt' ? 'lines' : byExtension;
}

/** What {@link readInputItems} needs of the command's options. */
export interface RecordInputOptions {
  format?: PredictFormat;
  textColumn: string;
  maxRecordSize?: number;
  encoding?: string;
  idColumn?: string;
}

/**
 * Every input record, in order, as {@link PredictItem}s, through node-runtime's readers: bounded memory
 * (lines longer than `--max-record-size` are bad rows, never buffered), invalid UTF-8 and NUL bytes reported
 * with line and column. A record that is not a text (a blank line, an empty text, a malformed row) comes as
 * an item with an `error`; the caller decides whether it is written, skipped or fatal. For `lines`, a line
 * starting with `{` is a JSON object whose `--text-column` field is the text.
 */
export async function* readInputItems(
  runtime: RuntimeApi,
  source: string | Readable,
  name: string,
  options: RecordInputOptions,
  copied: readonly string[],
  onWarning?: (warning: { message: string; line: number }) => void,
): AsyncGenerator<PredictItem & { kind?: string }> {
  const format = predictFormat(typeof source === 'string' ? source : undefined, options.format);
  checkParquetInput(format, { encoding: options.encoding, fromStdin: typeof source !== 'string' });
  const pick = (fields: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined => {
    if (copied.length === 0 || fields === undefined) return undefined;
    const kept: Record<string, unknown> = {};
    for (const c of copied) kept[c] = fields[c];
    return kept;
  };
  const common = {
    sourceName: name,
    ...(options.maxRecordSize === undefined ? {} : { maxRecordSize: options.maxRecordSize }),
    ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
    ...(onWarning === undefined ? {} : { onWarning }),
  };
  const columnOptions = Object.fromEntries(copied.map((c) => [c, c === options.idColumn ? '--id-column' : '--keep']));
  const reading =
    format === 'lines'
      ? { ...common, format: 'txt' as const, textColumn: 'text' }
      : { ...common, format, textColumn: options.textColumn, requiredColumns: [...copied], columnOptions };
  for await (const record of runtime.readTextRecords(source, reading)) {
    if (record.kind === 'problem') {
      const kept = pick(record.fields);
      const blankLine = format === 'lines' && record.problem.kind === 'empty-text';
      const error = blankLine ? `${name}:${record.line}: blank line (nothing to label).` : record.problem.message;
      yield { line: record.line, error, kind: record.problem.kind, ...(kept ? { kept } : {}) };
      continue;
    }
    if (format !== 'lines') {
      const kept = pick(record.fields);
      yield { line: record.line, text: record.text, ...(kept ? { kept } : {}) };
      continue;
    }
    try {
      const parsed = parseTextRecord(record.text, name, record.line, options.textColumn) ?? { text: '' };
      const kept = pick(parsed.fields);
      if (copied.length > 0 && parsed.fields === undefined) {
        throw new CliError(
          'RUNTIME',
          `${name}:${record.line}: --id-column/--keep need fields, and a plain text line has none. Give JSON lines ({"text": …, "${copied[0]}": …}) or a CSV/TSV file.`,
        );
      }
      const missing = copied.find((c) => parsed.fields !== undefined && !Object.hasOwn(parsed.fields, c));
      if (missing !== undefined) {
        yield {
          line: record.line,
          error: `${name}:${record.line}: the JSON line has no "${missing}" field (--id-column/--keep).`,
          kind: 'missing-field',
          ...(kept ? { kept } : {}),
        };
        continue;
      }
      if (parsed.text.trim() === '') {
        yield {
          line: record.line,
          error: `${name}:${record.line}: the "${options.textColumn}" value is empty (nothing to label).`,
          kind: 'empty-text',
          ...(kept ? { kept } : {}),
        };
        continue;
      }
      yield { line: record.line, text: parsed.text, ...(kept ? { kept } : {}) };
    } catch (error) {
      if (!(error instanceof CliError) || /--id-column\/--keep need fields/.test(error.message)) throw error;
      yield { line: record.line, error: error.message, kind: 'invalid-json' };
    }
  }
}

/** A skipped or error-lined record, for the warning at the end. */
export interface RecordProblem {
  line: number;
  message: string;
}

/**
 * The bad-record policy of the pipe contract: blank lines and empty texts always become error lines when
 * aligned; other bad records stop the run with `--on-bad-row fail` and become error lines with `skip`. On a
 * terminal without `--aligned`, blank lines of plain text pass unseen and skipped records are counted.
 */
export interface RecordPolicy {
  /** Whether the item goes to the output (an error item: as an error line). Throws for a fatal bad record. */
  admit(item: PredictItem & { kind?: string }): boolean;
  /** Records left out (terminal) and records written as error lines (aligned). */
  readonly skipped: number;
  readonly unlabelled: number;
  /** The first problems, for the warning. */
  readonly problems: readonly RecordProblem[];
}

/**
 * The policy for one run.
 *
 * @param aligned - One line per record (pipe, file, or `--aligned`).
 * @param onBadRow - `fail` or `skip`.
 * @param plainLines - The input is plain lines (blank lines pass unseen on a terminal).
 * @returns The policy.
 * @example
 * ```ts
 * const policy = recordPolicy(true, 'skip', true);
 * policy.admit({ line: 2, error: 'blank line', kind: 'empty-text' }); // true: written as an error line
 * ```
 */
export function recordPolicy(aligned: boolean, onBadRow: 'fail' | 'skip', plainLines: boolean): RecordPolicy {
  const problems: RecordProblem[] = [];
  let skipped = 0;
  let unlabelled = 0;
  const note = (item: PredictItem): void => {
    if (problems.length < SKIPPED_LINES_SHOWN) problems.push({ line: item.line, message: item.error ?? '' });
  };
  return {
    admit(item) {
      if (item.error === undefined) return true;
      const blank = item.kind === 'empty-text';
      if (!blank && onBadRow === 'fail') throw new CliError('RUNTIME', item.error);
      if (aligned) {
        unlabelled++;
        note(item);
        return true;
      }
      if (blank && plainLines) return false;
      if (blank && onBadRow === 'fail') throw new CliError('RUNTIME', item.error);
      skipped++;
      note(item);
      return false;
    },
    get skipped() {
      return skipped;
    },
    get unlabelled() {
      return unlabelled;
    },
    problems,
  };
}

/**
 * The warning for records written as error lines.
 *
 * @param inputName - File name or `stdin`.
 * @param policy - The run's policy.
 * @returns The warning text, or undefined when every record was labelled.
 */
export function unlabelledWarning(inputName: string, policy: RecordPolicy): string | undefined {
  const n = policy.unlabelled;
  if (n === 0) return undefined;
  return `${inputName}: ${n} record${n === 1 ? '' : 's'} could not be labelled; ${n === 1 ? 'its output line carries' : 'their output lines carry'} an "error" field instead (first: ${policy.problems[0]!.message})`;
}

/**
 * Adds the record-input options `glossa predict` and `glossa explain` share: `--input`, `--aligned`, and the
 * reading options of {@link addRecordReadingOptions}.
 *
 * @param command - The command.
 * @returns The command.
 */
export function addRecordInputOptions(command: Command): Command {
  command.option(
    '-i, --input <file>',
    'read texts from a file (- for stdin): .csv/.tsv/.jsonl/.parquet by extension, else one per line (a line starting with "{" is JSON)',
  );
  addRecordReadingOptions(command);
  return command.option(
    '--aligned',
    'one output line per input record, in input order, also on a terminal (always so when stdout is a pipe or file): a blank or bad record gets a line with an "error" field',
  );
}

/**
 * Adds how records are read, shared by `predict`, `explain` and `queue submit`: `--format`, `--text-column`,
 * `--on-bad-row`, `--max-record-size`, `--encoding`, `--id-column`, `--keep`.
 *
 * @param command - The command.
 * @returns The command.
 */
export function addRecordReadingOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--format <format>', `input format: ${PREDICT_FORMATS.join(', ')} (default: from the --input extension, else lines)`).argParser(
        choiceOption('--format', PREDICT_FORMATS),
      ),
    )
    .option('--text-column <name>', 'column (CSV/TSV/Parquet) or field (JSON) holding the text', 'text')
    .addOption(
      new Option('--on-bad-row <action>', 'fail on a bad input row, or skip it (an error line in its place when aligned)')
        .argParser(choiceOption('--on-bad-row', BAD_ROW_CHOICES))
        .default('fail'),
    )
    .addOption(maxRecordSizeOption())
    .addOption(encodingOption())
    .option('--id-column <name>', 'copy this input column (CSV/TSV/Parquet) or field (JSON) to each output line, first')
    .addOption(new Option('--keep <columns>', 'copy these input columns/fields to each output line (comma-separated)').argParser(parseColumnList));
}

function parseColumnList(raw: string): string[] {
  return raw
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
}

/**
 * Whether the records come from stdin (`--input -` or no `--input`); otherwise checks that the file exists.
 *
 * @param input - The `--input` value.
 * @returns True for stdin.
 * @throws {CliError} RUNTIME when the file does not exist.
 */
export async function readsStdin(input: string | undefined): Promise<boolean> {
  if (input === undefined || input === '-') return true;
  try {
    await access(input);
  } catch {
    throw new CliError('RUNTIME', `input file not found: ${input}`);
  }
  return false;
}
