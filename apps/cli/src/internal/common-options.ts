import { DEFAULT_FIT_OPTIONS, FIT_OPTION_RANGES } from '@glossa/model-core/options';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import { type BackendChoice, type DataFormat, type LabeledRecord, type Logger, type RuntimeApi, formatFromExtension } from '../runtime.js';
import type { CliContext } from './context.js';
import { choiceOption, intOption, rangeOption } from './parse-options.js';

/** Backends the user may force. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
/** Data formats. */
export const FORMAT_CHOICES: readonly DataFormat[] = ['csv', 'tsv', 'jsonl', 'parquet'];
/** What to do with malformed rows. */
export const BAD_ROW_CHOICES = ['fail', 'skip'] as const;

/** Options shared by the commands that read labelled data. */
export interface DataOptions {
  textColumn: string;
  labelColumn: string;
  format?: DataFormat;
  onBadRow: (typeof BAD_ROW_CHOICES)[number];
  maxRecordSize?: number;
  /** `--encoding`: the data file's text encoding (WHATWG label). */
  encoding?: string;
}

/** Largest `--max-record-size`: V8's longest string. */
export const MAX_RECORD_SIZE_LIMIT = 2 ** 29 - 24;

/**
 * Adds `--text-column`, `--label-column`, `--format` and `--on-bad-row`.
 *
 * @param command - The command to extend.
 * @returns The same command.
 * @example
 * ```ts
 * addDataOptions(program.command('evaluate'));
 * ```
 */
export function addDataOptions(command: Command): Command {
  return command
    .option('--text-column <name>', 'column (CSV/TSV/Parquet) or field (JSONL) holding the text', 'text')
    .option('--label-column <name>', 'column or field holding the label', 'label')
    .addOption(
      new Option('--format <format>', `data format: ${FORMAT_CHOICES.join(', ')} (default: from the file extension)`).argParser(
        choiceOption('--format', FORMAT_CHOICES),
      ),
    )
    .addOption(
      new Option('--on-bad-row <action>', 'fail on a malformed row, or skip it with a warning')
        .argParser(choiceOption('--on-bad-row', BAD_ROW_CHOICES))
        .default('fail'),
    )
    .addOption(maxRecordSizeOption())
    .addOption(encodingOption());
}

/**
 * The `--encoding <label>` option: the data file's text encoding, any WHATWG label (utf-8 by default;
 * gb18030, gbk, big5, shift_jis, euc-kr, windows-1252, utf-16le…), decoded as it streams.
 *
 * @returns The option.
 * @example
 * ```ts
 * command.addOption(encodingOption());
 * ```
 */
export function encodingOption(): Option {
  return new Option(
    '--encoding <label>',
    'text encoding of the data file: utf-8 (default), gb18030, gbk, big5, shift_jis, euc-kr, windows-1252, utf-16le… (any WHATWG label)',
  ).argParser((raw: string) => {
    try {
      new TextDecoder(raw);
    } catch {
      throw new CliError('USAGE', `--encoding: "${raw}" is not an encoding label; try utf-8, gb18030, gbk, big5, shift_jis, euc-kr, windows-1252 or utf-16le`);
    }
    return raw;
  });
}

/**
 * The `--max-record-size <n>` option: the longest row or line read, in characters.
 *
 * @returns The option.
 * @example
 * ```ts
 * command.addOption(maxRecordSizeOption());
 * ```
 */
export function maxRecordSizeOption(): Option {
  return new Option(
    '--max-record-size <n>',
    `longest row (CSV/TSV) or line (JSONL/txt) read, in characters, 1–${MAX_RECORD_SIZE_LIMIT} (default: 33554432)`,
  ).argParser(intOption('--max-record-size', 1, MAX_RECORD_SIZE_LIMIT));
}

/**
 * Adds `--backend`.
 *
 * @param command - The command to extend.
 * @returns The same command.
 * @example
 * ```ts
 * addBackendOption(program.command('predict'));
 * ```
 */
export function addBackendOption(command: Command): Command {
  return command.addOption(
    new Option('--backend <name>', `TensorFlow.js backend: ${BACKEND_CHOICES.join(', ')} (default: auto, or $GLOSSA_BACKEND)`).argParser(
      choiceOption('--backend', BACKEND_CHOICES),
    ),
  );
}

/**
 * Adds `--batch-size` for prediction / evaluation chunks.
 *
 * @param command - The command to extend.
 * @param fallback - Default chunk size: model-core's (256).
 * @returns The same command.
 * @example
 * ```ts
 * addPredictBatchOption(program.command('predict'));
 * ```
 */
export function addPredictBatchOption(command: Command, fallback: number = DEFAULT_FIT_OPTIONS.predictBatchSize): Command {
  return command.addOption(
    new Option('--batch-size <n>', 'texts per prediction batch').argParser(rangeOption('--batch-size', FIT_OPTION_RANGES.predictBatchSize)).default(fallback),
  );
}

/**
 * A node-runtime logger that prints warnings always and information only with `--verbose`.
 *
 * @param ctx - CLI context.
 * @param verbose - Whether `--verbose` is on.
 * @returns The logger.
 * @example
 * ```ts
 * const logger = cliLogger(ctx, false);
 * ```
 */
export function cliLogger(ctx: CliContext, verbose: boolean): Logger {
  return {
    info: (message) => {
      if (verbose) ctx.err(message);
    },
    warn: (message) => ctx.warn(message),
    debug: (message) => {
      if (verbose) ctx.err(ctx.errColors.dim(message));
    },
  };
}

/** How many skipped lines a warning lists. */
export const SKIPPED_LINES_SHOWN = 10;

function describeProblem(problem: unknown): string {
  if (problem instanceof Error) return problem.message;
  if (typeof problem === 'string') return problem;
  if (typeof problem === 'object' && problem !== null && 'message' in problem) {
    return String((problem as { message: unknown }).message);
  }
  return JSON.stringify(problem);
}

/**
 * The warning for rows skipped with `--on-bad-row skip`: how many, which lines (rows, for Parquet; the
 * first {@link SKIPPED_LINES_SHOWN}) and the first problem.
 *
 * @param path - The data file (or `stdin`).
 * @param skipped - How many rows were skipped.
 * @param problems - The first problems, in line order.
 * @param format - The file's format, when known (Parquet records are numbered by row).
 * @returns One line of text.
 * @example
 * ```ts
 * skippedWarning('data.csv', 2, [{ line: 3, message: 'data.csv:3: …' }, { line: 9, message: '…' }]);
 * // 'skipped 2 bad rows in data.csv (lines 3, 9); first: data.csv:3: …'
 * ```
 */
export function skippedWarning(
  path: string,
  skipped: number,
  problems: ReadonlyArray<{ line: number; message: string }>,
  format?: DataFormat | 'lines',
): string {
  const lines = problems.slice(0, SKIPPED_LINES_SHOWN).map((problem) => problem.line);
  const more = skipped > lines.length ? `, … ${skipped - lines.length} more` : '';
  const unit = format === 'parquet' ? 'row' : 'line';
  const where = lines.length === 0 ? '' : ` (${unit}${skipped === 1 ? '' : 's'} ${lines.join(', ')}${more})`;
  const first = problems[0] === undefined ? '' : `; first: ${describeProblem(problems[0])}`;
  return `skipped ${skipped} bad row${skipped === 1 ? '' : 's'} in ${path}${where}${first}`;
}

/**
 * Refuses options that make no sense for a Parquet input: `--encoding` (Parquet text is UTF-8 by
 * specification) and stdin (a Parquet file is read from its end, so it must be a file).
 *
 * @param format - The input's format.
 * @param options - `--encoding`, and whether the input is stdin.
 * @throws {CliError} USAGE naming what to do instead.
 * @example
 * ```ts
 * checkParquetInput('parquet', { encoding: 'gbk' }); // throws: --encoding does not apply to Parquet input…
 * ```
 */
export function checkParquetInput(format: DataFormat | 'lines', options: { encoding?: string | undefined; fromStdin?: boolean }): void {
  if (format !== 'parquet') return;
  if (options.fromStdin === true) {
    throw new CliError(
      'USAGE',
      'Parquet cannot be read from stdin: a Parquet file keeps its index at the end, so glossa needs the file itself. Save it and pass --input <file>.parquet',
    );
  }
  if (options.encoding !== undefined) {
    throw new CliError(
      'USAGE',
      `--encoding does not apply to Parquet input: Parquet stores text as UTF-8 by specification. Leave out --encoding ${options.encoding}`,
    );
  }
}

/**
 * Loads a labelled data file, warning about skipped rows.
 *
 * @param runtime - The loaded runtime.
 * @param ctx - CLI context.
 * @param path - Data file.
 * @param options - Column names, format, bad-row policy.
 * @returns The records (never empty).
 * @throws DataError from node-runtime on bad data (with `--on-bad-row fail`) or when no row is usable.
 * @example
 * ```ts
 * const records = await loadData(runtime, ctx, 'train.csv', opts);
 * ```
 */
export async function loadData(runtime: RuntimeApi, ctx: CliContext, path: string, options: DataOptions): Promise<LabeledRecord[]> {
  const format = options.format ?? formatFromExtension(path);
  checkParquetInput(format ?? 'csv', options);
  const warnings = collectWarnings();
  const result = await runtime.loadLabeledTexts(path, {
    onWarning: warnings.onWarning,
    textColumn: options.textColumn,
    labelColumn: options.labelColumn,
    onBadRow: options.onBadRow,
    maxProblems: SKIPPED_LINES_SHOWN,
    ...(options.format === undefined ? {} : { format: options.format }),
    ...(options.maxRecordSize === undefined ? {} : { maxRecordSize: options.maxRecordSize }),
    ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
  });
  if (result.skipped > 0) ctx.warn(skippedWarning(path, result.skipped, result.problems, format));
  warnings.report(ctx, path);
  return result.records;
}

/** Collects the readers' warnings (rows kept with a change) for one summary line. */
export interface WarningCollector {
  onWarning: (warning: { message: string; line: number }) => void;
  /** Prints `warning: <file>: N NUL bytes read as spaces (first: file:line:col …)` when there were any. */
  report(ctx: CliContext, name: string): void;
}

/**
 * A collector of reader warnings.
 *
 * @returns The collector.
 * @example
 * ```ts
 * const warnings = collectWarnings();
 * for await (const r of runtime.readTexts(file, { onWarning: warnings.onWarning })) {}
 * warnings.report(ctx, file);
 * ```
 */
export function collectWarnings(): WarningCollector {
  let count = 0;
  let first: string | undefined;
  const lines: number[] = [];
  return {
    onWarning(warning) {
      count++;
      first ??= warning.message;
      if (lines.length < SKIPPED_LINES_SHOWN && !lines.includes(warning.line)) lines.push(warning.line);
    },
    report(ctx, name) {
      if (count === 0) return;
      const where = `line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}${count > lines.length ? ', …' : ''}`;
      ctx.warn(
        `${name}: ${count} NUL byte${count === 1 ? ' was' : 's were'} read as ${count === 1 ? 'a space' : 'spaces'}, the rows kept (${where}); first: ${first}`,
      );
    },
  };
}
