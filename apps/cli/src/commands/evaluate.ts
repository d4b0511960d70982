import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  addBackendOption,
  addDataOptions,
  addPredictBatchOption,
  cliLogger,
  type DataOptions,
  loadData,
} from '../internal/common-options.js';
import type { CliContext } from '../internal/context.js';
import { formatDuration, formatRate, formatReport } from '../internal/format.js';
import {
  type BackendChoice,
  type EvaluationReport,
  initBackendFor,
  type LabeledText,
  loadClassifier,
  loadRuntime,
} from '../runtime.js';

/** Parsed options of `glossa evaluate`. */
export interface EvaluateCommandOptions extends DataOptions {
  batchSize: number;
  backend?: BackendChoice;
  json?: boolean;
}

/**
 * Labels in `records` that the classifier was not trained on, with counts (most frequent first).
 *
 * @param records - Test data.
 * @param known - The classifier's labels.
 * @returns Unknown labels and how often each occurs.
 * @example
 * ```ts
 * unknownLabelsIn([{ text: 'x', label: 'meh' }], ['pos', 'neg']); // [{ label: 'meh', count: 1 }]
 * ```
 */
export function unknownLabelsIn(
  records: readonly LabeledText[],
  known: readonly string[],
): Array<{ label: string; count: number }> {
  const knownSet = new Set(known);
  const counts = new Map<string, number>();
  for (const record of records) {
    if (!knownSet.has(record.label)) counts.set(record.label, (counts.get(record.label) ?? 0) + 1);
  }
  return [...counts]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
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
    .description('measure a bundle on labelled data: accuracy, macro-F1, per-class scores, confusion matrix')
    .argument('<bundle>', 'bundle directory or .glossa file written by glossa train')
    .argument('<data>', 'labelled test data (.csv, .tsv or .jsonl)');
  addDataOptions(command);
  addPredictBatchOption(command, 256);
  addBackendOption(command);
  command
    .option('--json', 'print one JSON object with the metrics on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ glossa evaluate ./sentiment-model test.csv
  $ glossa evaluate model.glossa test.jsonl --json | jq .macroF1`,
    )
    .action(async (bundle: string, data: string, options: EvaluateCommandOptions, cmd: Command) => {
      await runEvaluate(ctx, bundle, data, options, cmd.optsWithGlobals().verbose === true);
    });
  return command;
}

async function runEvaluate(
  ctx: CliContext,
  bundlePath: string,
  data: string,
  options: EvaluateCommandOptions,
  verbose: boolean,
): Promise<void> {
  const runtime = await loadRuntime();
  const records = await loadData(runtime, ctx, data, options);
  const backend = await initBackendFor(runtime, 'predict', options.backend, cliLogger(ctx, verbose));
  const classifier = await loadClassifier(runtime, bundlePath);
  try {
    const started = performance.now();
    const report: EvaluationReport = await classifier.evaluate(records, { batchSize: options.batchSize });
    const seconds = (performance.now() - started) / 1000;
    const unknown = report.unknownLabels ?? unknownLabelsIn(records, classifier.labels);
    if (unknown.length > 0) {
      const rows = unknown.reduce((sum, entry) => sum + entry.count, 0);
      const list = unknown
        .slice(0, 5)
        .map((entry) => `${entry.label} (${entry.count})`)
        .join(', ');
      ctx.warn(
        `${rows} row${rows === 1 ? '' : 's'} in ${data} ha${rows === 1 ? 's' : 've'} labels never seen in training: ` +
          `${list}${unknown.length > 5 ? ', …' : ''}; the model can only predict ${classifier.labels.join(', ')}`,
      );
    }
    if (options.json) {
      ctx.out(
        JSON.stringify({
          bundle: resolve(bundlePath),
          data: resolve(data),
          ...report,
          unknownLabels: unknown,
          seconds,
          samplesPerSecond: seconds > 0 ? records.length / seconds : null,
          backend: backend.backend,
        }),
      );
      return;
    }
    ctx.out(formatReport(report, ctx.colors, `Metrics on ${data}`));
    ctx.out(
      ctx.colors.dim(
        `evaluated ${records.length} rows in ${formatDuration(seconds)} (${formatRate(records.length / Math.max(seconds, 1e-9))} texts/s, backend ${backend.backend})`,
      ),
    );
  } finally {
    classifier.dispose();
  }
}
