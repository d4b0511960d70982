import Table from 'cli-table3';
import type { EvaluationReport, PortfolioReport, TrainingEvent } from '../runtime.js';
import type { Colors } from './context.js';

/**
 * Formats a metric with four decimals (`NaN` / missing as `-`).
 *
 * @param value - The metric.
 * @returns e.g. `0.9123`.
 * @example
 * ```ts
 * formatMetric(0.91234); // '0.9123'
 * ```
 */
export function formatMetric(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value.toFixed(4);
}

/**
 * Formats a duration in seconds for people.
 *
 * @param seconds - Duration.
 * @returns e.g. `0.42s`, `12.3s`, `2m 05s`, `1h 02m`.
 * @example
 * ```ts
 * formatDuration(125); // '2m 05s'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  if (seconds < 10) return `${seconds.toFixed(2)}s`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return `${minutes}m ${String(secs).padStart(2, '0')}s`;
}

/**
 * Formats a byte count for people (powers of 1024).
 *
 * @param bytes - Size.
 * @returns e.g. `812 B`, `1.5 KiB`, `3.2 MiB`.
 * @example
 * ```ts
 * formatBytes(1536); // '1.5 KiB'
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Formats a rate (e.g. samples per second) with sensible precision.
 *
 * @param rate - The rate.
 * @returns e.g. `12.5`, `1,234`.
 * @example
 * ```ts
 * formatRate(1234.5); // '1,235'
 * ```
 */
export function formatRate(rate: number): string {
  if (!Number.isFinite(rate)) return '-';
  if (rate < 100) return rate.toFixed(1);
  return Math.round(rate).toLocaleString('en-US');
}

/**
 * One plain line summarising a finished epoch.
 *
 * @param event - The `epoch` training event.
 * @returns e.g. `epoch 1/3  loss 0.4123  accuracy 0.8123  val_loss 0.3012  val_accuracy 0.9000  12.3s  410 samples/s`.
 * @example
 * ```ts
 * formatEpochLine({ type: 'epoch', epoch: 1, epochs: 3, loss: 0.5, accuracy: 0.8, seconds: 2, samplesPerSecond: 100 });
 * ```
 */
export function formatEpochLine(event: Extract<TrainingEvent, { type: 'epoch' }>): string {
  const parts = [`epoch ${event.epoch}/${event.epochs}`, `loss ${formatMetric(event.loss)}`, `accuracy ${formatMetric(event.accuracy)}`];
  if (event.valLoss !== undefined) parts.push(`val_loss ${formatMetric(event.valLoss)}`);
  if (event.valAccuracy !== undefined) {
    parts.push(`val_accuracy ${formatMetric(event.valAccuracy)}`);
  }
  parts.push(formatDuration(event.seconds), `${formatRate(event.samplesPerSecond)} samples/s`);
  return parts.join('  ');
}

function newTable(colors: Colors, head: string[]): Table.Table {
  return new Table({
    head: head.map((cell) => colors.bold(cell)),
    style: { head: [], border: [] },
  });
}

/**
 * Renders an evaluation report as three tables: summary, per class, confusion matrix.
 *
 * @param report - The metrics.
 * @param colors - Colours (identity when off).
 * @param title - Heading printed above the tables, e.g. `Validation metrics`.
 * @returns Multi-line text ending without a newline.
 * @example
 * ```ts
 * formatReport(report, pc.createColors(false), 'Test metrics');
 * ```
 */
export function formatReport(report: EvaluationReport, colors: Colors, title: string): string {
  const summary = newTable(colors, ['metric', 'value']);
  summary.push(
    ['examples', String(report.n)],
    ['accuracy', formatMetric(report.accuracy)],
    ['macro F1', formatMetric(report.macroF1)],
    ['macro precision', formatMetric(report.macroPrecision)],
    ['macro recall', formatMetric(report.macroRecall)],
    ['weighted F1', formatMetric(report.weightedF1)],
    ['log loss', formatMetric(report.logLoss)],
  );
  if (report.rocAuc !== undefined) summary.push(['ROC AUC', formatMetric(report.rocAuc)]);

  const perClass = newTable(colors, ['label', 'precision', 'recall', 'F1', 'support']);
  for (const row of report.perClass) {
    perClass.push([row.label, formatMetric(row.precision), formatMetric(row.recall), formatMetric(row.f1), String(row.support)]);
  }

  const confusion = newTable(colors, ['true \\ predicted', ...report.labels.map((label) => truncate(label, 16))]);
  report.labels.forEach((label, i) => {
    const row = report.confusionMatrix[i] ?? [];
    confusion.push([truncate(label, 24), ...report.labels.map((_, j) => String(row[j] ?? 0))]);
  });

  return [
    colors.bold(title),
    summary.toString(),
    colors.bold('Per class'),
    perClass.toString(),
    colors.bold('Confusion matrix (rows: true label, columns: predicted)'),
    confusion.toString(),
  ].join('\n');
}

/**
 * Renders key/value pairs as a two-column table.
 *
 * @param rows - Pairs in display order.
 * @param colors - Colours.
 * @returns Table text.
 * @example
 * ```ts
 * formatKeyValues([['backend', 'wasm']], pc.createColors(false));
 * ```
 */
export function formatKeyValues(rows: ReadonlyArray<[string, string]>, colors: Colors): string {
  const keyWidth = Math.max(...rows.map(([key]) => key.length), 1) + 2;
  const valueWidth = Math.max(...rows.map(([, value]) => value.length), 1) + 2;
  const table = new Table({
    style: { head: [], border: [] },
    colWidths: [keyWidth, Math.min(valueWidth, 80)],
    wordWrap: true,
  });
  for (const [key, value] of rows) table.push([colors.bold(key), value]);
  return table.toString();
}

/**
 * Shortens a string to at most `max` characters, ending in `…` when cut.
 *
 * @param text - Input.
 * @param max - Maximum length (≥ 1).
 * @returns The shortened text.
 * @example
 * ```ts
 * truncate('abcdef', 4); // 'abc…'
 * ```
 */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * What `--arch auto` tried and kept: one line per candidate (validation accuracy and loss, seconds, weight,
 * notes), then the reason.
 *
 * @param portfolio - The portfolio report of a fit or a bundle.
 * @returns Lines of text.
 * @example
 * ```ts
 * formatPortfolio(result.portfolio);
 * ```
 */
export function formatPortfolio(portfolio: PortfolioReport): string {
  const lines = [`auto: kept ${portfolio.chosen} (budget ${formatDuration(portfolio.budgetSeconds)})`];
  for (const c of portfolio.candidates) {
    const figures =
      c.valAccuracy === undefined
        ? 'not trained'
        : `val_accuracy ${formatMetric(c.valAccuracy)}, val_loss ${formatMetric(c.valLoss)}, ${formatDuration(c.trainSeconds)}, weight ${Number(c.weight.toFixed(2))}`;
    lines.push(`  ${c.name.padEnd(6)} ${figures}${c.note ? ` (${c.note})` : ''}`);
  }
  lines.push(`  why: ${portfolio.reason}`);
  return lines.join('\n');
}
