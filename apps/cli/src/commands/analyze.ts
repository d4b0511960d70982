import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { type Command, Option } from 'commander';
import {
  type AggregatorOptions,
  createAggregator,
  drivingTerms,
  type GroupShares,
  type GroupTerms,
  type Mover,
  OTHER_GROUPS,
  type PeriodShares,
  type RowProblem,
} from '../analyze/aggregate.js';
import { createReadProgress } from '../analyze/progress.js';
import { EVERY_CHOICES, type Every } from '../analyze/time-buckets.js';
import { CliError } from '../cli-error.js';
import {
  BAD_ROW_CHOICES,
  addBackendOption,
  addPredictBatchOption,
  cliLogger,
  collectWarnings,
  encodingOption,
  maxRecordSizeOption,
  skippedWarning,
} from '../internal/common-options.js';
import type { CliContext } from '../internal/context.js';
import { formatDuration, formatRate, truncate } from '../internal/format.js';
import { choiceOption, floatOption, intOption } from '../internal/parse-options.js';
import { PREDICT_FORMATS, type PredictFormat, predictFormat, readInputItems, readsStdin, recordPolicy } from '../internal/record-input.js';
import { writeReport } from '../report/write-report.js';
import { type BackendChoice, initBackendFor, loadClassifier, loadMath, loadRuntime } from '../runtime.js';

/** Parsed options of `glossa analyze`. */
export interface AnalyzeCommandOptions {
  by: string;
  time?: string;
  every?: Every;
  report?: string;
  json?: boolean;
  csv?: string;
  format?: PredictFormat;
  textColumn: string;
  onBadRow: (typeof BAD_ROW_CHOICES)[number];
  maxRecordSize?: number;
  encoding?: string;
  batchSize: number;
  backend?: BackendChoice;
  sample: number;
  explainGroups: number;
  maxGroups: number;
  seed: number;
  confidence: number;
}

/** What `glossa analyze --json` prints and the report draws. */
export interface AnalysisJson {
  bundle: string;
  data: string;
  /** How the input was read; Parquet records are numbered by row, the others by line. */
  format: PredictFormat;
  architecture: string;
  labels: string[];
  by: string;
  time: string | null;
  every: Every | null;
  /** Periods are UTC days, ISO weeks (Monday to Sunday) or months. */
  timezone: 'UTC';
  confidence: number;
  rows: { read: number; analyzed: number; skipped: number; withoutGroup: number; withoutTime: number; inOtherGroups: number };
  withoutGroup: RowProblem[];
  withoutTime: RowProblem[];
  overall: GroupShares;
  groups: GroupShares[];
  periods: string[];
  series: PeriodShares[];
  comparison: { before: string; after: string };
  movers: Mover[];
  notCompared: string[];
  terms: {
    method: 'occlusion';
    sampling: { perGroupAndLabel: number; seed: number; groups: string[]; textsExplained: number; maxCharacters: number };
    groups: GroupTerms[];
  };
  maxGroups: number;
  seconds: number;
  rowsPerSecond: number;
  backend: string;
}

/** Texts per prediction call: 16 batches, as `glossa predict`. */
const BATCHES_PER_CALL = 16;
/** Characters of a sampled text kept and explained. */
const MAX_SAMPLE_CHARS = 1000;
/** Terms listed per group and label. */
const TERMS_SHOWN = 8;

/**
 * Registers `glossa analyze <bundle> <data> --by <column>`.
 *
 * @param program - The root command.
 * @param ctx - CLI context.
 * @returns The new command.
 * @example
 * ```ts
 * registerAnalyzeCommand(program, ctx);
 * ```
 */
export function registerAnalyzeCommand(program: Command, ctx: CliContext): Command {
  const command = program
    .command('analyze')
    .description(
      'predict every row of a file (streaming, any size) and aggregate by a column and over time: label shares with intervals, the groups that moved most, the terms that drive each label',
    )
    .argument('<bundle>', 'bundle directory or .glossa file written by glossa train')
    .argument('<data>', 'rows to analyze: .csv, .tsv, .jsonl or .parquet (- for stdin)')
    .requiredOption('--by <column>', 'column (CSV/TSV/Parquet) or field (JSON) to group by, e.g. product, region, channel')
    .option('--time <column>', 'column holding a time (ISO 8601 date or timestamp, or epoch seconds/milliseconds); periods in UTC')
    .addOption(
      new Option('--every <period>', `period of the time series: ${EVERY_CHOICES.join(', ')} (ISO weeks; default week with --time)`).argParser(
        choiceOption('--every', EVERY_CHOICES),
      ),
    )
    .option('--report <file>', 'write a self-contained HTML report (charts and tables; opens from disk, no network)')
    .option('--json', 'print one JSON object with every table on stdout')
    .option('--csv <dir>', 'write the tables as CSV files to this folder: shares.csv, series.csv, movers.csv, terms.csv')
    .addOption(
      new Option('--format <format>', `input format: ${PREDICT_FORMATS.join(', ')} (default: from the extension)`).argParser(
        choiceOption('--format', PREDICT_FORMATS),
      ),
    )
    .option('--text-column <name>', 'column or field holding the text', 'text')
    .addOption(
      new Option('--on-bad-row <action>', 'fail on a bad input row, or skip it (counted and reported)')
        .argParser(choiceOption('--on-bad-row', BAD_ROW_CHOICES))
        .default('fail'),
    )
    .addOption(maxRecordSizeOption())
    .addOption(encodingOption())
    .addOption(
      new Option('--sample <n>', 'texts explained per group and label (a seeded reservoir sample of the rows predicted so)')
        .argParser(intOption('--sample', 0, 1000))
        .default(50),
    )
    .addOption(new Option('--explain-groups <n>', 'largest groups whose terms are explained').argParser(intOption('--explain-groups', 0, 1000)).default(10))
    .addOption(
      new Option('--max-groups <n>', `distinct groups tracked; rows of further groups are counted together as "${OTHER_GROUPS}"`)
        .argParser(intOption('--max-groups', 1, 100_000))
        .default(1000),
    )
    .addOption(new Option('--seed <n>', 'seed of the samples').argParser(intOption('--seed', 0, 2 ** 32 - 1)).default(42))
    .addOption(
      new Option('--confidence <f>', 'confidence level of the intervals').argParser(floatOption('--confidence', { min: 0.5, max: 0.999 })).default(0.95),
    );
  addPredictBatchOption(command);
  addBackendOption(command);
  command
    .addHelpText(
      'after',
      `
Examples:
  $ glossa analyze ./sentiment-model reviews.csv --by product
  $ glossa analyze ./sentiment-model tickets.jsonl --by region --time created_at --every week --report tickets.html
  $ glossa analyze model.glossa reviews.parquet --by store --time date --every month --json > analysis.json
  $ glossa analyze model.glossa reviews.csv --by product --csv tables/`,
    )
    .action(async (bundle: string, data: string, options: AnalyzeCommandOptions, cmd: Command) => {
      await runAnalyze(ctx, bundle, data, options, cmd.optsWithGlobals().verbose === true);
    });
  return command;
}

/** A passthrough that counts the bytes it forwards (for the progress bar). */
function byteCounter(): Transform & { bytes: number } {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counter.bytes += chunk.length;
      callback(null, chunk);
    },
  }) as Transform & { bytes: number };
  counter.bytes = 0;
  return counter;
}

function fieldValue(kept: Record<string, unknown> | undefined, column: string | undefined): string | undefined {
  if (kept === undefined || column === undefined) return undefined;
  const value = kept[column];
  return value === undefined || value === null ? undefined : String(value);
}

async function runAnalyze(ctx: CliContext, bundlePath: string, data: string, options: AnalyzeCommandOptions, verbose: boolean): Promise<void> {
  if (options.every !== undefined && options.time === undefined)
    throw new CliError('USAGE', '--every needs --time <column>: the column holding each row’s time');
  const every = options.time === undefined ? undefined : (options.every ?? 'week');
  if (options.time !== undefined && options.time === options.by)
    throw new CliError('USAGE', `--by and --time name the same column ("${options.by}"); group by another column`);
  const fromStdin = await readsStdin(data);
  const format = predictFormat(fromStdin ? undefined : data, options.format);
  const copied = options.time === undefined ? [options.by] : [options.by, options.time];
  const runtime = await loadRuntime();
  const math = await loadMath();
  const backend = await initBackendFor(runtime, 'predict', options.backend, cliLogger(ctx, verbose));
  const classifier = await loadClassifier(runtime, bundlePath);
  const labels = [...classifier.labels];
  const k = labels.length;
  const warnings = collectWarnings();
  const inputName = fromStdin ? 'stdin' : data;
  // A text file is streamed through a byte counter (the progress bar's measure); Parquet and stdin by rows.
  let counter: (Transform & { bytes: number }) | undefined;
  let source: string | Readable = data;
  let totalBytes: number | undefined;
  if (fromStdin) source = ctx.io.stdin as Readable;
  else if (format !== 'parquet') {
    const info = await stat(data);
    if (info.isFile()) {
      totalBytes = info.size;
      counter = byteCounter();
      const file = createReadStream(data, { highWaterMark: 64 * 1024 });
      file.on('error', (error) => counter!.destroy(error));
      source = file.pipe(counter);
    }
  }
  const progress = createReadProgress({
    stream: ctx.io.stderr,
    tty: ctx.stderrIsTty,
    colors: ctx.errColors,
    ...(totalBytes === undefined ? {} : { totalBytes }),
  });
  const aggregatorOptions: AggregatorOptions = {
    labels,
    maxGroups: options.maxGroups,
    sample: options.sample,
    maxSampleChars: MAX_SAMPLE_CHARS,
    rng: math.createRng(options.seed),
    ...(every === undefined ? {} : { every }),
  };
  const agg = createAggregator(aggregatorOptions);
  const policy = recordPolicy(false, options.onBadRow, format === 'lines');
  const started = performance.now();
  let read = 0;
  try {
    const reading = {
      format,
      textColumn: options.textColumn,
      ...(options.maxRecordSize === undefined ? {} : { maxRecordSize: options.maxRecordSize }),
      ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
    };
    type Row = { text: string; group: string | undefined; time: string | undefined; line: number };
    let chunk: Row[] = [];
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const probabilities = await classifier.predictProbabilities(
        chunk.map((row) => row.text),
        { batchSize: options.batchSize },
      );
      chunk.forEach((row, i) => {
        agg.add(row, probabilities.subarray(i * k, (i + 1) * k));
      });
      chunk = [];
      progress.update(read, counter?.bytes);
    };
    try {
      for await (const item of readInputItems(runtime, source, inputName, reading, copied, warnings.onWarning)) {
        read++;
        if (!policy.admit(item)) continue;
        chunk.push({ text: item.text ?? '', group: fieldValue(item.kept, options.by), time: fieldValue(item.kept, options.time), line: item.line });
        if (chunk.length >= options.batchSize * BATCHES_PER_CALL) await flush();
      }
      await flush();
    } catch (error) {
      throw namedColumns(error, options);
    }
    progress.stop();
    const readSeconds = (performance.now() - started) / 1000;
    if (policy.skipped > 0) ctx.warn(skippedWarning(inputName, policy.skipped, [...policy.problems]));
    warnings.report(ctx, inputName);
    if (agg.rows === 0)
      throw new CliError('RUNTIME', `${inputName}: no row could be analyzed (${read === 0 ? 'the input is empty' : `all ${read} rows were bad`}).`);

    // Terms: the largest groups' reservoir samples explained towards the label they were predicted with.
    const groups = agg.groupShares(math, options.confidence);
    const explained = groups
      .filter((g) => g.group !== OTHER_GROUPS)
      .slice(0, options.explainGroups)
      .map((g) => g.group);
    const textsToExplain = explained.reduce((sum, group) => sum + labels.reduce((s, _, j) => s + agg.sampleOf(group, j).length, 0), 0);
    if (textsToExplain > 0)
      progress.note(
        `explaining ${textsToExplain.toLocaleString('en-US')} sampled texts (up to ${options.sample} per group and label, ${explained.length} largest groups, seed ${options.seed})`,
      );
    const terms: GroupTerms[] = [];
    const byLabel: Array<Array<Array<{ token: string; score: number }>>> = labels.map(() => []);
    for (const group of explained) {
      const shares = groups.find((g) => g.group === group)!;
      for (let j = 0; j < k; j++) {
        const explanations: Array<Array<{ token: string; score: number }>> = [];
        for (const item of agg.sampleOf(group, j)) explanations.push((await classifier.explain(item.text, { label: labels[j]! })).tokens);
        byLabel[j]!.push(...explanations);
        terms.push({
          group,
          label: labels[j]!,
          textsExplained: explanations.length,
          textsPredicted: shares.shares[j]!.count,
          terms: drivingTerms(explanations, TERMS_SHOWN),
        });
      }
    }
    const overallTerms: GroupTerms[] = labels.map((label, j) => ({
      group: '(all)',
      label,
      textsExplained: byLabel[j]!.length,
      textsPredicted: explained.reduce((sum, group) => sum + groups.find((g) => g.group === group)!.shares[j]!.count, 0),
      terms: drivingTerms(byLabel[j]!, TERMS_SHOWN),
    }));
    terms.unshift(...overallTerms);

    const { comparison, movers, notCompared } = agg.movers(math, options.confidence);
    const seconds = (performance.now() - started) / 1000;
    const overall = agg.overall;
    const overallShares = {
      group: '(all)',
      n: agg.rows,
      shares: labels.map((label, j) => ({
        label,
        count: overall[j]!,
        share: overall[j]! / agg.rows,
        ...bounds(math.wilsonInterval(overall[j]!, agg.rows, options.confidence)),
      })),
    };
    const json: AnalysisJson = {
      bundle: resolve(bundlePath),
      data: fromStdin ? 'stdin' : resolve(data),
      format,
      architecture: classifier.options.architecture,
      labels,
      by: options.by,
      time: options.time ?? null,
      every: every ?? null,
      timezone: 'UTC',
      confidence: options.confidence,
      rows: {
        read,
        analyzed: agg.rows,
        skipped: policy.skipped,
        withoutGroup: agg.missingGroup.count,
        withoutTime: agg.badTime.count,
        inOtherGroups: agg.otherRows,
      },
      withoutGroup: agg.missingGroup.first,
      withoutTime: agg.badTime.first,
      overall: overallShares,
      groups,
      periods: agg.periods(),
      series: every === undefined ? [] : agg.series(math, options.confidence),
      comparison,
      movers,
      notCompared,
      terms: {
        method: 'occlusion',
        sampling: { perGroupAndLabel: options.sample, seed: options.seed, groups: explained, textsExplained: textsToExplain, maxCharacters: MAX_SAMPLE_CHARS },
        groups: terms,
      },
      maxGroups: options.maxGroups,
      seconds,
      rowsPerSecond: agg.rows / Math.max(readSeconds, 1e-9),
      backend: backend.backend,
    };
    const place = format === 'parquet' ? 'row' : 'line';
    if (agg.missingGroup.count > 0)
      ctx.warn(
        `${inputName}: ${countOf(agg.missingGroup.count, 'row')} without a "${options.by}" value, counted in the overall shares but in no group (first at ${place} ${agg.missingGroup.first.map((p) => p.line).join(', ')})`,
      );
    if (agg.badTime.count > 0) {
      const first = agg.badTime.first.map((p) => `${place} ${p.line}${p.value === undefined ? ' (empty)' : ` "${truncate(p.value, 30)}"`}`).join(', ');
      ctx.warn(
        `${inputName}: ${countOf(agg.badTime.count, 'row')} without a readable "${options.time}" time, counted in the shares but in no period (first: ${first}). Times are read as ISO 8601 (2024-03-05, 2024-03-05T14:30:00Z) or epoch seconds/milliseconds`,
      );
    }
    if (agg.otherRows > 0)
      ctx.warn(
        `more than ${options.maxGroups.toLocaleString('en-US')} distinct "${options.by}" values: ${countOf(agg.otherRows, 'row')} of further groups are counted together as "${OTHER_GROUPS}" (raise --max-groups)`,
      );
    if (options.report !== undefined) {
      const { renderAnalysisReport } = await import('../report/analysis-report.js');
      await writeReport(options.report, await renderAnalysisReport(json));
    }
    if (options.csv !== undefined) {
      const { writeAnalysisTables } = await import('../analyze/tables.js');
      await writeAnalysisTables(options.csv, json);
    }
    if (options.json) {
      ctx.out(JSON.stringify(json));
    } else {
      const { formatAnalysis } = await import('../analyze/format-analysis.js');
      ctx.out(formatAnalysis(json, ctx.colors));
    }
    const wrote = [
      options.report === undefined ? '' : `report written to ${options.report}`,
      options.csv === undefined ? '' : `tables written to ${options.csv}`,
    ]
      .filter((s) => s !== '')
      .join('; ');
    if (wrote !== '') (options.json ? ctx.err : ctx.out)(wrote);
    ctx.err(
      ctx.errColors.dim(
        `analyzed ${agg.rows.toLocaleString('en-US')} rows in ${formatDuration(seconds)} (${formatRate(json.rowsPerSecond)} rows/s, backend ${backend.backend})`,
      ),
    );
  } finally {
    progress.stop();
    classifier.dispose();
    counter?.destroy();
  }
}

function bounds(interval: { lower: number; upper: number }): { lower: number; upper: number } {
  return { lower: interval.lower, upper: interval.upper };
}

function countOf(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * The record reader names a missing column after the option that usually chose it (`--id-column`/`--keep`,
 * whose reading analyze borrows for --by and --time): name analyze's options instead.
 */
function namedColumns(error: unknown, options: AnalyzeCommandOptions): unknown {
  if (!(error instanceof Error)) return error;
  const flag = options.time !== undefined && error.message.includes(`"${options.time}"`) ? '--time' : '--by';
  const message = error.message
    .replace(/set (--keep|--id-column) to /g, `set ${flag} to `)
    .replace('--id-column/--keep need fields', '--by/--time need fields');
  if (message === error.message) return error;
  return new CliError(error instanceof CliError ? error.code : 'RUNTIME', message, { cause: error });
}
