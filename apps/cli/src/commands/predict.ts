import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import { addBackendOption, addPredictBatchOption, type BAD_ROW_CHOICES, cliLogger, collectWarnings, skippedWarning } from '../internal/common-options.js';
import { type CliContext, isTty } from '../internal/context.js';
import { choiceOption, intOption } from '../internal/parse-options.js';
import { type PredictItem, type PredictOutputChoice, PREDICT_OUTPUT_CHOICES, checkCopiedFields, createPredictSink } from '../internal/predict-output.js';
import {
  type PredictFormat,
  addRecordInputOptions,
  predictFormat,
  readInputItems,
  readsStdin,
  recordPolicy,
  unlabelledWarning,
} from '../internal/record-input.js';
import { type BackendChoice, initBackendFor, loadRuntime } from '../runtime.js';

export { predictionLine } from '../internal/predict-output.js';
export { PREDICT_FORMATS, type PredictFormat, predictFormat } from '../internal/record-input.js';

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
  /** `--output-format` (default: jsonl to a pipe or file, readable lines on a terminal). */
  outputFormat?: PredictOutputChoice;
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
    .description('label texts with a bundle; writes JSONL {"text","label","scores"} to stdout, streaming')
    .argument('<bundle>', 'bundle directory or .glossa file written by glossa train')
    .argument('[texts...]', 'texts to label (default: read --input or stdin, one per line)')
    .addOption(
      new Option(
        '--threads <n>',
        'worker threads predicting in parallel (auto: every core for an --input file; 1 for stdin, as under Spark or Hadoop, which start one process per core, and for texts given as arguments)',
      )
        .argParser(threadsOption)
        .default('auto'),
    )
    .addOption(
      new Option(
        '--output-format <format>',
        `output: ${PREDICT_OUTPUT_CHOICES.join(', ')} (csv/tsv/parquet: copied columns, text, label, score:<label> per label, error; parquet is binary, for a file or a pipe: > scored.parquet). Default: jsonl to a pipe or file, one readable line per text on a terminal`,
      ).argParser(choiceOption('--output-format', PREDICT_OUTPUT_CHOICES)),
    );
  addRecordInputOptions(command);
  addPredictBatchOption(command);
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
  $ glossa predict model.glossa --input reviews.parquet --text-column body --id-column review_id --output-format parquet > scored.parquet
  $ hdfs dfs -cat part-00000 | glossa predict model.glossa --input - --on-bad-row skip   # one line out per line in`,
    )
    .action(async (bundle: string, texts: string[], options: PredictCommandOptions, cmd: Command) => {
      await runPredict(ctx, bundle, texts, options, cmd.optsWithGlobals().verbose === true);
    });
  return command;
}

async function runPredict(ctx: CliContext, bundlePath: string, texts: string[], options: PredictCommandOptions, verbose: boolean): Promise<void> {
  if (texts.length > 0 && options.input !== undefined) {
    throw new CliError('USAGE', 'give texts as arguments or --input <file>, not both');
  }
  const fromStdin = await readsStdin(options.input);
  const copied = checkCopiedFields([...(options.idColumn !== undefined ? [options.idColumn] : []), ...(options.keep ?? [])]);
  if (copied.length > 0 && texts.length > 0) {
    throw new CliError('USAGE', '--id-column/--keep copy input fields, and texts given as arguments have none; use --input with a CSV, TSV or JSONL file');
  }
  if (options.outputFormat === 'parquet' && isTty(ctx.io.stdout)) {
    throw new CliError('USAGE', '--output-format parquet writes binary data, and stdout is a terminal: redirect it to a file (> scored.parquet) or a pipe');
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
  const pool =
    threads > 1 ? await runtime.createPredictionPool(files, { threads, backend: options.backend ?? 'auto', batchSize: options.batchSize }) : undefined;
  const warnings = collectWarnings();
  // A person at a terminal gets readable lines; pipes and files get JSONL (or the format asked for).
  const out = await createPredictSink(runtime, options.outputFormat ?? (aligned ? 'jsonl' : 'terminal'), copied, classifier.labels, ctx.io.stdout);
  let source: AsyncIterable<PredictItem & { kind?: string }> | Iterable<PredictItem & { kind?: string }>;
  let input: NodeJS.ReadableStream | undefined;
  let inputName = 'arguments';
  if (texts.length > 0) {
    source = texts.map((text, i) =>
      text.trim() === '' ? { line: i + 1, error: `argument ${i + 1}: the text is empty (nothing to label).`, kind: 'empty-text' } : { line: i + 1, text },
    );
  } else if (!fromStdin) {
    inputName = options.input!;
    source = readInputItems(runtime, options.input!, options.input!, options, copied, warnings.onWarning);
  } else {
    input = ctx.io.stdin;
    inputName = 'stdin';
    if (isTty(input)) {
      ctx.err(ctx.errColors.dim('reading texts from the terminal, one per line; end with Ctrl-D'));
    }
    source = readInputItems(runtime, input as Readable, 'stdin', options, copied, warnings.onWarning);
  }
  const inputFormat = predictFormat(fromStdin ? undefined : options.input, options.format);
  const plainLines = texts.length === 0 && inputFormat === 'lines';
  const policy = recordPolicy(aligned, options.onBadRow, plainLines);

  let count = 0;
  const started = performance.now();
  type Predicted = { chunk: PredictItem[]; predictions: Array<{ label: string; scores: Record<string, number> }> };
  const predictChunk = async (chunk: PredictItem[]): Promise<Predicted> => {
    const chunkTexts = chunk.filter((item) => item.error === undefined).map((item) => item.text ?? '');
    const predictions =
      chunkTexts.length === 0 ? [] : pool ? await pool.predict(chunkTexts) : await classifier.predict(chunkTexts, { batchSize: options.batchSize });
    count += chunkTexts.length;
    return { chunk, predictions };
  };
  const writeNext = async (): Promise<boolean> => {
    const { chunk, predictions } = await inFlight.shift()!;
    return out.write(chunk, predictions);
  };
  // Up to `threads` calls in flight (reading overlaps prediction); output stays in input order.
  const chunkSize = options.batchSize * BATCHES_PER_CALL;
  const inFlight: Array<Promise<Predicted>> = [];

  try {
    let chunk: PredictItem[] = [];
    let open = true;
    for await (const item of source) {
      if (!policy.admit(item)) continue;
      chunk.push(item);
      if (chunk.length >= chunkSize) {
        inFlight.push(predictChunk(chunk));
        chunk = [];
        if (inFlight.length >= threads) {
          open = await writeNext();
          if (!open) break;
        }
      }
    }
    if (open && chunk.length > 0) inFlight.push(predictChunk(chunk));
    while (open && inFlight.length > 0) open = await writeNext();
    await Promise.allSettled(inFlight);
    await out.close();
    if (policy.skipped > 0) ctx.warn(skippedWarning(inputName, policy.skipped, [...policy.problems], inputFormat));
    warnings.report(ctx, inputName);
    const unlabelled = unlabelledWarning(inputName, policy);
    if (unlabelled !== undefined) ctx.warn(unlabelled);
    if (verbose) {
      const seconds = (performance.now() - started) / 1000;
      ctx.err(`predicted ${count} texts in ${seconds.toFixed(2)}s`);
    }
  } finally {
    await out.abort();
    classifier.dispose();
    await pool?.close();
    if (out.closed && input === ctx.io.stdin) input.pause();
  }
}
