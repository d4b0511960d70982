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
 * Streams the texts to label from a file or stdin through node-runtime's readers: bounded memory
 * (lines longer than `--max-record-size` are bad rows, never buffered), invalid UTF-8 and NUL bytes
 * reported with line and column, bad rows failing or skipped per `--on-bad-row`.
 */
async function* readInputTexts(
  runtime: RuntimeApi,
  source: string | Readable,
  name: string,
  options: PredictCommandOptions,
  onSkip: (skipped: Skipped) => void,
): AsyncGenerator<string> {
  const format = predictFormat(typeof source === 'string' ? source : undefined, options.format);
  const common = {
    onBadRow: options.onBadRow,
    onSkip,
    sourceName: name,
    ...(options.maxRecordSize === undefined ? {} : { maxRecordSize: options.maxRecordSize }),
  };
  if (format !== 'lines') {
    for await (const { text } of runtime.readTexts(source, { ...common, format, textColumn: options.textColumn })) yield text;
    return;
  }
  for await (const { text, line } of runtime.readTexts(source, { ...common, format: 'txt', textColumn: 'text' })) {
    let parsed: string | undefined;
    try {
      parsed = parseTextLine(text, name, line, options.textColumn);
    } catch (error) {
      if (options.onBadRow === 'fail' || !(error instanceof CliError)) throw error;
      onSkip({ line, message: error.message });
      continue;
    }
    if (parsed !== undefined) yield parsed;
  }
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
        'worker threads predicting in parallel (auto: every core for --input/stdin, 1 for texts given as arguments)',
      )
        .argParser(threadsOption)
        .default('auto'),
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
  $ cat reviews.jsonl | glossa predict model.glossa | head -n 5`,
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
  if (options.input !== undefined) {
    try {
      await access(options.input);
    } catch {
      throw new CliError('RUNTIME', `input file not found: ${options.input}`);
    }
  }
  const runtime = await loadRuntime();
  await initBackendFor(runtime, 'predict', options.backend, cliLogger(ctx, verbose));
  // Read once: the classifier below validates the bundle (with its clear errors) and the workers get the same files.
  const files = await runtime.readBundleFiles(bundlePath);
  const classifier = await runtime.deserializeBundle(files);
  const threads = options.threads === undefined || options.threads === 'auto' ? (texts.length > 0 ? 1 : availableParallelism()) : options.threads;
  // Every core: worker threads, each with its own backend and copy of the model.
  const pool = threads > 1 ? await runtime.createPredictionPool(files, { threads, backend: options.backend ?? 'auto', batchSize: options.batchSize }) : undefined;
  const out = createStreamWriter(ctx.io.stdout);
  let source: AsyncIterable<string> | Iterable<string>;
  let input: NodeJS.ReadableStream | undefined;
  let inputName = 'arguments';
  let skipped = 0;
  const problems: Skipped[] = [];
  const onSkip = (problem: Skipped): void => {
    skipped++;
    if (problems.length < SKIPPED_LINES_SHOWN) problems.push(problem);
  };
  if (texts.length > 0) {
    source = texts;
  } else if (options.input !== undefined) {
    inputName = options.input;
    source = readInputTexts(runtime, options.input, options.input, options, onSkip);
  } else {
    input = ctx.io.stdin;
    inputName = 'stdin';
    if (isTty(input)) {
      ctx.err(ctx.errColors.dim('reading texts from the terminal, one per line; end with Ctrl-D'));
    }
    source = readInputTexts(runtime, input as Readable, 'stdin', options, onSkip);
  }

  let count = 0;
  const started = performance.now();
  const predictLines = async (chunk: string[]): Promise<string> => {
    const predictions = pool ? await pool.predict(chunk) : await classifier.predict(chunk, { batchSize: options.batchSize });
    let lines = '';
    predictions.forEach((prediction, i) => {
      lines += predictionLine(chunk[i] ?? '', prediction.label, prediction.scores);
    });
    count += chunk.length;
    return lines;
  };
  // Up to `threads` calls in flight (reading overlaps prediction); output stays in input order.
  const chunkSize = options.batchSize * BATCHES_PER_CALL;
  const inFlight: Array<Promise<string>> = [];

  try {
    let chunk: string[] = [];
    let open = true;
    for await (const text of source) {
      chunk.push(text);
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
