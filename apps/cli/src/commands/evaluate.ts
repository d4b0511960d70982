import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import { addBackendOption, addDataOptions, addPredictBatchOption, cliLogger, type DataOptions, loadData } from '../internal/common-options.js';
import type { CliContext } from '../internal/context.js';
import { formatDuration, formatRate, formatReport } from '../internal/format.js';
import { intOption } from '../internal/parse-options.js';
import { buildEvaluationDetails } from '../report/evaluation-details.js';
import type { EvaluationJson } from '../report/evaluation-report.js';
import { writeReport } from '../report/write-report.js';
import {
  type BackendChoice,
  type DataFormat,
  type EvaluationReport,
  formatFromExtension,
  initBackendFor,
  type LabeledText,
  loadClassifier,
  loadMath,
  loadRuntime,
  recordPlace,
} from '../runtime.js';

/** Parsed options of `glossa evaluate`. */
export interface EvaluateCommandOptions extends DataOptions {
  batchSize: number;
  backend?: BackendChoice;
  json?: boolean;
  /** `--report <file>`: the HTML report. */
  report?: string;
  /** `--worst <n>`: misclassified examples explained in the report and JSON. */
  worst: number;
}

/** A label of the test data that the model was not trained on. */
export interface UnknownLabel {
  /** The label. */
  label: string;
  /** How many rows have it. */
  count: number;
  /** The line of the first row with it, when the rows carry lines. */
  firstLine?: number;
}

/**
 * Labels in `records` that the classifier was not trained on, with counts (most frequent first) and the
 * line of the first row with each.
 *
 * @param records - Test data (with the line each row starts on, when read from a file).
 * @param known - The classifier's labels.
 * @returns Unknown labels, how often each occurs and where first.
 * @example
 * ```ts
 * unknownLabelsIn([{ text: 'x', label: 'meh', line: 2 }], ['pos', 'neg']); // [{ label: 'meh', count: 1, firstLine: 2 }]
 * ```
 */
export function unknownLabelsIn(records: ReadonlyArray<LabeledText & { line?: number }>, known: readonly string[]): UnknownLabel[] {
  const knownSet = new Set(known);
  const found = new Map<string, UnknownLabel>();
  for (const record of records) {
    if (knownSet.has(record.label)) continue;
    const entry = found.get(record.label);
    if (entry !== undefined) entry.count++;
    else found.set(record.label, record.line === undefined ? { label: record.label, count: 1 } : { label: record.label, count: 1, firstLine: record.line });
  }
  return [...found.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/**
 * The warning (or, when no row is usable, the error) about labels the model was not trained on: how
 * many rows, which labels, where each first occurs, and what the model can predict.
 *
 * @param data - The test file.
 * @param unknown - From {@link unknownLabelsIn}.
 * @param labels - The model's labels.
 * @param format - The test file's format, when known (Parquet records are named by row).
 * @returns One line of text.
 * @example
 * ```ts
 * unknownLabelsMessage('test.csv', [{ label: 'meh', count: 2, firstLine: 7 }], ['neg', 'pos']);
 * ```
 */
export function unknownLabelsMessage(data: string, unknown: readonly UnknownLabel[], labels: readonly string[], format?: DataFormat): string {
  const rows = unknown.reduce((sum, entry) => sum + entry.count, 0);
  const list = unknown
    .slice(0, 5)
    .map((entry) => `${entry.label} (${entry.count})`)
    .join(', ');
  const where = unknown
    .slice(0, 5)
    .filter((entry) => entry.firstLine !== undefined)
    .map((entry) => `${recordPlace(data, entry.firstLine ?? 0, format)} "${entry.label}"`)
    .join(', ');
  return (
    `${rows} row${rows === 1 ? '' : 's'} in ${data} ha${rows === 1 ? 's' : 've'} labels never seen in training: ` +
    `${list}${unknown.length > 5 ? ', …' : ''}${where === '' ? '' : ` (first at ${where})`}; ` +
    `the model can only predict ${labels.join(', ')}, so ${rows === 1 ? 'this row is' : 'these rows are'} left out of the metrics. ` +
    'Check the label column, or evaluate a model trained on these labels'
  );
}

/**
 * Registers `glossa evaluate <bundle> <data>`.
 *
 * @param program - The root command.
 * @param ctx - CLI context.
 * @returns The new command.
 * @example
 * ```ts
 * registerEvaluateCommand(program, ctx);
 * ```
 */
export function registerEvaluateCommand(program: Command, ctx: CliContext): Command {
  const command = program
    .command('evaluate')
    .description(
      'measure a bundle on labelled data: accuracy, macro-F1, per-class scores, confusion matrix; --report writes an HTML report with curves, calibration and the worst errors',
    )
    .argument('<bundle>', 'bundle directory or .glossa file written by glossa train')
    .argument('<data>', 'labelled test data (.csv, .tsv, .jsonl or .parquet)');
  addDataOptions(command);
  addPredictBatchOption(command);
  addBackendOption(command);
  command
    .option('--json', 'print one JSON object on stdout: the metrics, and the curves, calibration, thresholds and worst errors the report draws')
    .option(
      '--report <file>',
      'write a self-contained HTML report (opens from disk, no network): metrics, confusion heat map, ROC and precision-recall curves, reliability diagram, threshold table (two labels), worst misclassified examples with token attributions',
    )
    .addOption(
      new Option('--worst <n>', 'misclassified examples, surest first, explained in --report and --json').argParser(intOption('--worst', 0, 1000)).default(20),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ glossa evaluate ./sentiment-model test.csv
  $ glossa evaluate ./sentiment-model test.csv --report report.html
  $ glossa evaluate model.glossa test.jsonl --json | jq .calibration.expectedCalibrationError
  $ glossa evaluate model.glossa test.jsonl --json | jq .macroF1
  $ glossa evaluate model.glossa test.parquet --text-column review --label-column stars`,
    )
    .action(async (bundle: string, data: string, options: EvaluateCommandOptions, cmd: Command) => {
      await runEvaluate(ctx, bundle, data, options, cmd.optsWithGlobals().verbose === true);
    });
  return command;
}

async function runEvaluate(ctx: CliContext, bundlePath: string, data: string, options: EvaluateCommandOptions, verbose: boolean): Promise<void> {
  const runtime = await loadRuntime();
  const records = await loadData(runtime, ctx, data, options);
  const backend = await initBackendFor(runtime, 'predict', options.backend, cliLogger(ctx, verbose));
  const classifier = await loadClassifier(runtime, bundlePath);
  try {
    const unknown = unknownLabelsIn(records, classifier.labels);
    const unknownRows = unknown.reduce((sum, entry) => sum + entry.count, 0);
    const format = options.format ?? formatFromExtension(data);
    if (unknownRows === records.length) {
      throw new CliError('RUNTIME', `no row can be scored: ${unknownLabelsMessage(data, unknown, classifier.labels, format)}.`);
    }
    if (unknown.length > 0) ctx.warn(unknownLabelsMessage(data, unknown, classifier.labels, format));
    const started = performance.now();
    const math = await loadMath();
    const labelIndex = new Map(classifier.labels.map((label, i) => [label, i]));
    const scored = records.filter((record) => labelIndex.has(record.label));
    const probabilities = await classifier.predictProbabilities(
      scored.map((record) => record.text),
      { batchSize: options.batchSize },
    );
    const yTrue = Int32Array.from(scored, (record) => labelIndex.get(record.label)!);
    // What classifier.evaluate reports (the same function of the same probabilities), with the probabilities kept.
    const report: EvaluationReport = math.classificationReport({ yTrue, probabilities, labels: [...classifier.labels] });
    const seconds = (performance.now() - started) / 1000;
    if (options.json !== true && options.report === undefined) {
      ctx.out(formatReport(report, ctx.colors, `Metrics on ${data}`));
      ctx.out(evaluatedLine(ctx, records.length, seconds, backend.backend));
      return;
    }
    const details = await buildEvaluationDetails(math, {
      labels: classifier.labels,
      yTrue,
      probabilities,
      report,
      rows: scored,
      worst: options.worst,
      explain: async (text, label) => (await classifier.explain(text, { label })).tokens,
    });
    const json: EvaluationJson = {
      bundle: resolve(bundlePath),
      data: resolve(data),
      ...report,
      ...details,
      unknownLabels: unknown.map(({ label, count }) => ({ label, count })),
      seconds,
      samplesPerSecond: seconds > 0 ? records.length / seconds : null,
      backend: backend.backend,
      architecture: classifier.options.architecture,
    };
    if (options.report !== undefined) {
      const { renderEvaluationReport } = await import('../report/evaluation-report.js');
      await writeReport(options.report, await renderEvaluationReport(json));
    }
    if (options.json) {
      ctx.out(JSON.stringify(json));
      if (options.report !== undefined) ctx.err(`report written to ${options.report}`);
      return;
    }
    ctx.out(formatReport(report, ctx.colors, `Metrics on ${data}`));
    ctx.out(evaluatedLine(ctx, records.length, seconds, backend.backend));
    ctx.out(`report written to ${options.report} (open it in a browser)`);
  } finally {
    classifier.dispose();
  }
}

function evaluatedLine(ctx: CliContext, rows: number, seconds: number, backend: string): string {
  return ctx.colors.dim(`evaluated ${rows} rows in ${formatDuration(seconds)} (${formatRate(rows / Math.max(seconds, 1e-9))} texts/s, backend ${backend})`);
}
