import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import {
  addBackendOption,
  addPredictBatchOption,
  BAD_ROW_CHOICES,
  cliLogger,
  maxRecordSizeOption,
  SKIPPED_LINES_SHOWN,
  skippedWarning,
} from '../internal/common-options.js';
import { type CliContext, isTty } from '../internal/context.js';
import { choiceOption, intOption } from '../internal/parse-options.js';
import { createStreamWriter } from '../internal/stream-writer.js';
import { type PredictItem, type PredictOutputFormat, PREDICT_OUTPUT_FORMATS, checkCopiedFields, createPredictWriter } from '../internal/predict-output.js';
import { parseTextLine } from '../internal/text-lines.js';
import { type BackendChoice, type DataFormat, initBackendFor, loadRuntime, type RuntimeApi } from '../runtime.js';

/** Input formats of `glossa predict`: `lines` is one text per line, a line starting with `{` read as JSON. */
export type PredictFormat = DataFormat | 'lines';

/** Formats accepted by `glossa predict --format`. */
export const PREDICT_FORMATS: readonly PredictFormat[] = ['lines', 'csv', 'tsv', 'jsonl', 'txt'];

/** Parsed options of `glossa predict`. */
export interface PredictCommandOptions {
  input?: string;
  batchSize: number;
  backend?: BackendChoice;
  format?: PredictFormat;
  textColumn: string;
  onBadRow: (typeof BAD_ROW_CHOICES)[number];
  maxRecordSize?: number;
  threads?: number | 'auto';
  /** `--aligned`: one output line per input record even on a terminal. */
  aligned?: boolean;
  /** `--id-column`: copied to the output first. */
  idColumn?: string;
  /** `--keep`: columns copied to the output. */
  keep?: string[];
  /** `--output-format`. */
  outputFormat: PredictOutputFormat;
}

/**
 * Texts predicted per call: `predict` sorts a call by length and pads each batch only to its longest text,
 * so larger calls waste less; 16 batches keeps memory bounded while streaming.
 */
const BATCHES_PER_CALL = 16;

/** `--threads`: a count from 1 to 256, or `auto`. */
function threadsOption(raw: string): number | 'auto' {
  return raw === 'auto' ? 'auto' : intOption('--threads', 1, 256)(raw);
}

/**
 * The input format of `glossa predict`: `--format` when given, else from the `--input` extension
 * (`.csv`, `.tsv`/`.tab`, `.jsonl`/`.ndjson`), else `lines` (also for stdin).
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
  const byExtension: Record<string, PredictFormat> = { '.csv': 'csv', '.tsv': 'tsv', '.tab': 'tsv', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };
  return (input === undefined ? undefined : byExtension[extname(input).toLowerCase()]) ?? 'lines';
}

/** A skipped input row. */
interface Skipped {
  line: number;
  message: string;
}

/**
 * Every input record, in order, as {@link PredictItem}s, through node-runtime's readers: bounded memory
 * (lines longer than `--max-record-size` are bad rows, never buffered), invalid UTF-8 and NUL bytes reported
 * with line and column. A record that is not a text (a blank line, an empty text, a malformed row) comes as
 * an item with an `error`; the caller decides whether it is written, skipped or fatal. For `lines`, a line
 * starting with `{` is a JSON object whose `--text-column` field is the text.
 */
async function* readInputItems(runtime: RuntimeApi, source: string | Readable, name: string, options: PredictCommandOptions, copied: readonly string[]): AsyncGenerator<PredictItem & { kind?: string }> {
  const format = predictFormat(typeof source === 'string' ? source : undefined, options.format);
  const pick = (fields: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined => {
    if (copied.length === 0 || fields === undefined) return undefined;
    const kept: Record<string, unknown> = {};
    for (const c of copied) kept[c] = fields[c];
    return kept;
  };
  const common = {
    sourceName: name,
    ...(options.maxRecordSize === undefined ? {} : { maxRecordSize: options.maxRecordSize }),
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
      const parsed = parseJsonTextLine(record.text, name, record.line, options.textColumn);
      const kept = pick(parsed.fields);
      if (copied.length > 0 && parsed.fields === undefined) {
        throw new CliError('RUNTIME', `${name}:${record.line}: --id-column/--keep need fields, and a plain text line has none. Give JSON lines ({"text": …, "${copied[0]}": …}) or a CSV/TSV file.`);
      }
      const missing = copied.find((c) => parsed.fields !== undefined && !Object.hasOwn(parsed.fields, c));
      if (missing !== undefined) {
        yield { line: record.line, error: `${name}:${record.line}: the JSON line has no "${missing}" field (--id-column/--keep).`, kind: 'missing-field', ...(kept ? { kept } : {}) };
        continue;
      }
      if (parsed.text.trim() === '') {
        yield { line: record.line, error: `${name}:${record.line}: the "${options.textColumn}" value is empty (nothing to label).`, kind: 'empty-text', ...(kept ? { kept } : {}) };
        continue;
      }
      yield { line: record.line, text: parsed.text, ...(kept ? { kept } : {}) };
    } catch (error) {
      if (!(error instanceof CliError) || /--id-column\/--keep need fields/.test(error.message)) throw error;
      yield { line: record.line, error: error.message, kind: 'invalid-json' };
    }
  }
}

/** A `lines` input line: JSON when it starts with `{` (its text field and every field), else the text itself. */
function parseJsonTextLine(line: string, source: string, lineNumber: number, field: string): { text: string; fields?: Record<string, unknown> } {
  if (!line.trimStart().startsWith('{')) return { text: line };
  const text = parseTextLine(line, source, lineNumber, field) ?? '';
  return { text, fields: JSON.parse(line) as Record<string, unknown> };
}

/**
 * Serialises one prediction as a JSONL line.
 *
 * @param text - The input text.
 * @param label - Predicted label.
 * @param scores - Label → probability.
 * @returns `{"text":…,"label":…,"scores":{…}}` plus a newline.
 * @example
 * ```ts
 * predictionLine('nice', 'pos', { neg: 0.1, pos: 0.9 });
 * ```
 */
export function predictionLine(text: string, label: string, scores: Record<string, number>): string {
  return `${JSON.stringify({ text, label, scores })}\n`;
}

/**
 * Registers `glossa predict <bundle> [texts...]`.
 *
 * @param program - The root command.
 * @param ctx - CLI context.
 * @returns The new command.
 * @example
 * ```ts
 * registerPredictCommand(program, ctx);
 * ```
 */
export function registerPredictCommand(program: Command, ctx: CliContext): Command {
  const command = program
    .command('predict')
    .description(
      'label texts with a bundle; writes JSONL {"text","label","scores"} to stdout, streaming',
    )
    .argument('<bundle>', 'bundle directory or .glossa file written by glossa train')
    .argument('[texts...]', 'texts to label (default: read --input or stdin, one per line)')
    .option(
      '-i, --input <file>',
      'read texts from a file: .csv/.tsv/.jsonl by extension, else one per line (a line starting with "{" is JSON)',
    )
    .addOption(
      new Option('--format <format>', `input format: ${PREDICT_FORMATS.join(', ')} (default: from the --input extension, else lines)`).argParser(
        choiceOption('--format', PREDICT_FORMATS),
      ),
    )
    .option('--text-column <name>', 'column (CSV/TSV) or field (JSON) holding the text', 'text')
    .addOption(
      new Option('--on-bad-row <action>', 'fail on a bad input row, or skip it with a warning')
        .argParser(choiceOption('--on-bad-row', BAD_ROW_CHOICES))
        .default('fail'),
    )
    .addOption(maxRecordSizeOption())
    .addOption(
      new Option(
        '--threads <n>',
        'worker threads predicting in parallel (auto: every core for an --input file; 1 for stdin, as under Spark or Hadoop, which start one process per core, and for texts given as arguments)',
      )
        .argParser(threadsOption)
        .default('auto'),
    )
    .option('--aligned', 'one output line per input record, in input order, also on a terminal (always so when stdout is a pipe or file): a blank or bad record gets a line with an "error" field')
    .option('--id-column <name>', 'copy this input column (CSV/TSV) or field (JSON) to each output line, first')
    .addOption(new Option('--keep <columns>', 'copy these input columns/fields to each output line (comma-separated)').argParser((raw: string) => raw.split(',').map((c) => c.trim()).filter((c) => c !== '')))
    .addOption(
      new Option('--output-format <format>', `output: ${PREDICT_OUTPUT_FORMATS.join(', ')} (csv/tsv: a header, then copied columns, text, label, score:<label> per label, error)`)
        .argParser(choiceOption('--output-format', PREDICT_OUTPUT_FORMATS))
        .default('jsonl'),
    );
  addPredictBatchOption(command, 256);
  addBackendOption(command);
  command
    .addHelpText(
      'after',
      `
Examples:
  $ glossa predict ./sentiment-model "what a great film" "utterly boring"
  $ glossa predict ./sentiment-model --input reviews.txt > predictions.jsonl
  $ glossa predict ./sentiment-model --input export.csv --text-column review --on-bad-row skip
  $ glossa predict ./sentiment-model --input big.csv --threads 2 > predictions.jsonl
  $ cat reviews.jsonl | glossa predict model.glossa | head -n 5
  $ glossa predict model.glossa --input tickets.csv --id-column ticket_id --keep region,week --output-format csv > scored.csv
  $ hdfs dfs -cat part-00000 | glossa predict model.glossa --input - --on-bad-row skip   # one line out per line in`,
    )
    .action(async (bundle: string, texts: string[], options: PredictCommandOptions, cmd: Command) => {
      await runPredict(ctx, bundle, texts, options, cmd.optsWithGlobals().verbose === true);
    });
  return command;
}

async function runPredict(
  ctx: CliContext,
  bundlePath: string,
  texts: string[],
  options: PredictCommandOptions,
  verbose: boolean,
): Promise<void> {
  if (texts.length > 0 && options.input !== undefined) {
    throw new CliError('USAGE', 'give texts as arguments or --input <file>, not both');
  }
  const fromStdin = options.input === undefined || options.input === '-';
  if (!fromStdin) {
    try {
      await access(options.input!);
    } catch {
      throw new CliError('RUNTIME', `input file not found: ${options.input}`);
    }
  }
  const copied = checkCopiedFields([...(options.idColumn !== undefined ? [options.idColumn] : []), ...(options.keep ?? [])]);
  if (copied.length > 0 && texts.length > 0) {
    throw new CliError('USAGE', '--id-column/--keep copy input fields, and texts given as arguments have none; use --input with a CSV, TSV or JSONL file');
  }
  // One line out per record in: always when the output is a pipe or a file (Spark, Hadoop, shell pipelines).
  const aligned = options.aligned === true || !isTty(ctx.io.stdout);
  const runtime = await loadRuntime();
  await initBackendFor(runtime, 'predict', options.backend, cliLogger(ctx, verbose));
  // Read once: the classifier below validates the bundle (with its clear errors) and the workers get the same files.
  const files = await runtime.readBundleFiles(bundlePath);
  const classifier = await runtime.deserializeBundle(files);
  // auto: every core for a file; one for stdin (engines run one such process per core) and for arguments.
  const threads = options.threads === undefined || options.threads === 'auto' ? (fromStdin || texts.length > 0 ? 1 : availableParallelism()) : options.threads;
  // Every core: worker threads, each with its own backend and copy of the model.
  const pool = threads > 1 ? await runtime.createPredictionPool(files, { threads, backend: options.backend ?? 'auto', batchSize: options.batchSize }) : undefined;
  const out = createStreamWriter(ctx.io.stdout);
  const writer = createPredictWriter(options.outputFormat ?? 'jsonl', copied, classifier.labels);
  let source: AsyncIterable<PredictItem & { kind?: string }> | Iterable<PredictItem & { kind?: string }>;
  let input: NodeJS.ReadableStream | undefined;
  let inputName = 'arguments';
  let skipped = 0;
  let unlabelled = 0;
  const problems: Skipped[] = [];
  if (texts.length > 0) {
    source = texts.map((text, i) => (text.trim() === '' ? { line: i + 1, error: `argument ${i + 1}: the text is empty (nothing to label).`, kind: 'empty-text' } : { line: i + 1, text }));
  } else if (!fromStdin) {
    inputName = options.input!;
    source = readInputItems(runtime, options.input!, options.input!, options, copied);
  } else {
    input = ctx.io.stdin;
    inputName = 'stdin';
    if (isTty(input)) {
      ctx.err(ctx.errColors.dim('reading texts from the terminal, one per line; end with Ctrl-D'));
    }
    source = readInputItems(runtime, input as Readable, 'stdin', options, copied);
  }
  const plainLines = texts.length === 0 && predictFormat(fromStdin ? undefined : options.input, options.format) === 'lines';
  /** Whether an error item is written (aligned), dropped (counted or not), or stops the run. */
  const admit = (item: PredictItem & { kind?: string }): boolean => {
    if (item.error === undefined) return true;
    const blank = item.kind === 'empty-text';
    if (!blank && options.onBadRow === 'fail') throw new CliError('RUNTIME', item.error);
    if (aligned) {
      unlabelled++;
      if (problems.length < SKIPPED_LINES_SHOWN) problems.push({ line: item.line, message: item.error });
      return true;
    }
    // On a terminal: blank lines pass unseen as before; other skipped records are counted and shown.
    if (blank && plainLines) return false;
    if (blank && options.onBadRow === 'fail') throw new CliError('RUNTIME', item.error);
    skipped++;
    if (problems.length < SKIPPED_LINES_SHOWN) problems.push({ line: item.line, message: item.error });
    return false;
  };

  let count = 0;
  const started = performance.now();
  const predictLines = async (chunk: PredictItem[]): Promise<string> => {
    const chunkTexts = chunk.filter((item) => item.error === undefined).map((item) => item.text ?? '');
    const predictions = chunkTexts.length === 0 ? [] : pool ? await pool.predict(chunkTexts) : await classifier.predict(chunkTexts, { batchSize: options.batchSize });
    count += chunkTexts.length;
    return writer.format(chunk, predictions);
  };
  // Up to `threads` calls in flight (reading overlaps prediction); output stays in input order.
  const chunkSize = options.batchSize * BATCHES_PER_CALL;
  const inFlight: Array<Promise<string>> = [];

  try {
    let chunk: PredictItem[] = [];
    let open = true;
    for await (const item of source) {
      if (!admit(item)) continue;
      chunk.push(item);
      if (chunk.length >= chunkSize) {
        inFlight.push(predictLines(chunk));
        chunk = [];
        if (inFlight.length >= threads) {
          open = await out.write(await inFlight.shift()!);
          if (!open) break;
        }
      }
    }
    if (open && chunk.length > 0) inFlight.push(predictLines(chunk));
    while (open && inFlight.length > 0) open = await out.write(await inFlight.shift()!);
    await Promise.allSettled(inFlight);
    if (skipped > 0) ctx.warn(skippedWarning(inputName, skipped, problems));
    if (unlabelled > 0) {
      ctx.warn(`${inputName}: ${unlabelled} record${unlabelled === 1 ? '' : 's'} could not be labelled; ${unlabelled === 1 ? 'its output line carries' : 'their output lines carry'} an "error" field instead (first: ${problems[0]!.message})`);
    }
    if (verbose) {
      const seconds = (performance.now() - started) / 1000;
      ctx.err(`predicted ${count} texts in ${seconds.toFixed(2)}s`);
    }
  } finally {
    out.dispose();
    classifier.dispose();
    await pool?.close();
    if (out.closed && input === ctx.io.stdin) input.pause();
  }
}
