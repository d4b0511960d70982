/**
 * The HTML page of `glossa evaluate --report`: headline metrics, confusion-matrix heat map, per-class
 * scores, ROC and precision-recall curves, reliability diagram, threshold table (two labels) and the worst
 * misclassified examples with their token attributions. Loaded only with `--report`.
 */
import type { ClassificationReport } from '@glossa/math';
import { type Charts, labelColors, loadCharts } from './charts.js';
import type { EvaluationDetails, MisclassifiedExample } from './evaluation-details.js';
import { baseName, type Cell, count, escapeHtml, figure, metric, percent, renderPage, table } from './html.js';

/** What `glossa evaluate --json` prints, and what the report draws. */
export type EvaluationJson = ClassificationReport &
  EvaluationDetails & {
    bundle: string;
    data: string;
    unknownLabels: Array<{ label: string; count: number }>;
    seconds: number;
    samplesPerSecond: number | null;
    backend: string;
    architecture?: string;
  };

/** Left margin that fits the longest label (in px), within bounds. */
export function labelMargin(labels: readonly string[], narrow: boolean): number {
  const longest = Math.max(...labels.map((l) => Array.from(l).length), 4);
  return Math.min(narrow ? 90 : 160, 16 + longest * 7);
}

/** A label cut to `max` characters for an axis. */
function short(label: string, max: number): string {
  const chars = Array.from(label);
  return chars.length <= max ? label : `${chars.slice(0, max - 1).join('')}…`;
}

function confusionSection(r: EvaluationJson, charts: Charts): string {
  const { Plot } = charts;
  const cells = r.labels.flatMap((truth, i) => {
    const row = r.confusionMatrix[i] ?? [];
    const total = row.reduce((a, b) => a + b, 0);
    return r.labels.map((predicted, j) => ({ truth, predicted, count: row[j] ?? 0, share: total > 0 ? (row[j] ?? 0) / total : 0 }));
  });
  const chart = charts.draw((width) => {
    const narrow = width < 400;
    const axisLabels = r.labels.map((l) => short(l, narrow ? 10 : 18));
    const left = labelMargin(axisLabels, narrow);
    const side = Math.min(width - left - 10, Math.max(narrow ? 200 : 260, 56 * r.labels.length));
    return {
      width: left + side + 10,
      height: side + 70,
      marginLeft: left,
      marginBottom: 50,
      ariaLabel: 'Confusion matrix heat map',
      ariaDescription: 'Rows are true labels, columns predicted labels; colour is the share of the true label’s rows.',
      x: { label: 'predicted →', domain: r.labels, tickFormat: (l: string) => short(l, narrow ? 10 : 18), tickRotate: r.labels.length > 4 ? -35 : 0 },
      y: { label: '↑ true', domain: r.labels, tickFormat: (l: string) => short(l, narrow ? 10 : 18) },
      color: { type: 'linear', scheme: 'blues', domain: [0, 1] },
      marks: [
        Plot.cell(cells, {
          x: 'predicted',
          y: 'truth',
          fill: 'share',
          inset: 1,
          title: (d: (typeof cells)[number]) => `true ${d.truth}, predicted ${d.predicted}: ${count(d.count)} (${percent(d.share)})`,
        }),
        Plot.text(cells, {
          x: 'predicted',
          y: 'truth',
          text: (d: (typeof cells)[number]) => (r.labels.length > 8 ? count(d.count) : `${count(d.count)}\n${percent(d.share, 0)}`),
          fill: (d: (typeof cells)[number]) => (d.share > 0.55 ? 'white' : 'black'),
          fontSize: narrow ? 10 : 12,
        }),
      ],
    };
  });
  const rows: Cell[][] = r.labels.map((truth, i) => [truth, ...r.labels.map((_, j) => ({ html: count(r.confusionMatrix[i]?.[j] ?? 0), numeric: true }))]);
  return (
    figure(
      chart,
      'Rows: true label; columns: predicted label. Each cell shows the count and the share of its row; the diagonal holds the correct predictions.',
    ) +
    `<details><summary>The confusion matrix as a table</summary>${table('Confusion matrix (rows: true label, columns: predicted)', ['true \\ predicted', ...r.labels], rows)}</details>`
  );
}

function perClassSection(r: EvaluationJson, charts: Charts): string {
  const { Plot } = charts;
  const bars = r.perClass.flatMap((c) => [
    { label: c.label, metric: 'precision', value: c.precision },
    { label: c.label, metric: 'recall', value: c.recall },
    { label: c.label, metric: 'F1', value: c.f1 },
  ]);
  const chart = charts.draw((width) => {
    const narrow = width < 400;
    const left = labelMargin(
      r.labels.map((l) => short(l, narrow ? 10 : 18)),
      narrow,
    );
    return {
      width,
      height: 50 + r.labels.length * 60,
      marginLeft: left,
      ariaLabel: 'Precision, recall and F1 per label',
      x: { domain: [0, 1], label: 'score →', grid: true },
      y: { axis: null, domain: ['precision', 'recall', 'F1'] },
      fy: { label: null, domain: r.labels, tickFormat: (l: string) => short(l, narrow ? 10 : 18), padding: 0.25 },
      color: { domain: ['precision', 'recall', 'F1'], range: ['#56B4E9', '#E69F00', '#0072B2'], legend: true },
      marks: [
        Plot.barX(bars, {
          x: 'value',
          y: 'metric',
          fy: 'label',
          fill: 'metric',
          title: (d: (typeof bars)[number]) => `${d.label} ${d.metric}: ${metric(d.value)}`,
        }),
        Plot.axisFy({ anchor: 'left', label: null, tickFormat: (l: string) => short(l, narrow ? 10 : 18) }),
        Plot.ruleX([0]),
      ],
    };
  });
  const rows: Cell[][] = r.perClass.map((c) => [
    c.label,
    { html: metric(c.precision), numeric: true },
    { html: metric(c.recall), numeric: true },
    { html: metric(c.f1), numeric: true },
    { html: count(c.support), numeric: true },
  ]);
  return `<div class="grid">${figure(chart, 'Bars per label, top to bottom: precision, recall, F1.')}<div>${table('Per-label precision, recall, F1 and support (rows with this true label)', ['label', 'precision', 'recall', 'F1', 'support'], rows)}</div></div>`;
}

function curvesSection(r: EvaluationJson, charts: Charts): string {
  const { Plot } = charts;
  const withRoc = r.curves.filter((c) => c.roc.length > 0);
  const withPr = r.curves.filter((c) => c.pr.length > 0);
  const colors = labelColors(r.curves.map((c) => c.label));
  const legend = r.curves.length > 1;
  const roc = withRoc.flatMap((c) => c.roc.map((p) => ({ ...p, label: c.label })));
  const pr = withPr.flatMap((c) => c.pr.map((p) => ({ ...p, label: c.label })));
  const rocChart = charts.draw((width) => ({
    width,
    height: Math.min(width, 420),
    ariaLabel: 'ROC curves',
    x: { domain: [0, 1], label: 'false-positive rate →', grid: true },
    y: { domain: [0, 1], label: '↑ true-positive rate (recall)', grid: true },
    color: { ...colors, legend },
    marks: [
      Plot.line(
        [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
        { x: 'x', y: 'y', stroke: '#8c959f', strokeDasharray: '4,4' },
      ),
      Plot.line(roc, { x: 'fpr', y: 'tpr', stroke: 'label', strokeWidth: 2, z: 'label' }),
    ],
  }));
  const prChart = charts.draw((width) => ({
    width,
    height: Math.min(width, 420),
    ariaLabel: 'Precision-recall curves',
    x: { domain: [0, 1], label: 'recall →', grid: true },
    y: { domain: [0, 1], label: '↑ precision', grid: true },
    color: { ...colors, legend },
    marks: [
      ...withPr.map((c) =>
        Plot.ruleY([c.positives / r.n], { stroke: colors.range[colors.domain.indexOf(c.label)], strokeDasharray: '4,4', strokeOpacity: 0.7 }),
      ),
      Plot.line(pr, { x: 'recall', y: 'precision', stroke: 'label', strokeWidth: 2, z: 'label', curve: 'step-before' }),
    ],
  }));
  const which =
    r.positiveLabel !== null
      ? `"${r.positiveLabel}" as the positive label, scored by P(${r.positiveLabel})`
      : 'each label against the rest (one-vs-rest), scored by its probability';
  const rows: Cell[][] = r.curves.map((c) => [
    c.label,
    { html: metric(c.rocAuc), numeric: true },
    { html: metric(c.averagePrecision), numeric: true },
    { html: percent(c.positives / r.n), numeric: true },
  ]);
  return (
    `<p>Curves for ${escapeHtml(which)}. The dashed diagonal is a model that guesses; the dashed lines of the precision-recall chart are each label's base rate.</p>` +
    `<div class="grid">${figure(rocChart, 'ROC: recall against false-positive rate as the threshold falls; the area under it is the chance that a random positive row scores above a random negative one.')}` +
    `${figure(prChart, 'Precision-recall: of the rows flagged, how many are right, against how many of the label’s rows are found. Average precision summarises it.')}</div>` +
    table('Area under the ROC curve and average precision per label', ['label', 'ROC AUC', 'average precision', 'base rate'], rows)
  );
}

function calibrationSection(r: EvaluationJson, charts: Charts): string {
  const { Plot } = charts;
  const bins = r.calibration.bins.filter((b) => b.count > 0);
  const chart = charts.draw((width) => ({
    width,
    height: Math.min(width, 400),
    ariaLabel: 'Reliability diagram',
    x: { domain: [0, 1], label: 'confidence (probability of the predicted label) →', grid: true },
    y: { domain: [0, 1], label: '↑ accuracy', grid: true },
    marks: [
      Plot.rectY(bins, {
        x1: 'lower',
        x2: 'upper',
        y: 'fractionPositive',
        fill: '#56B4E9',
        fillOpacity: 0.75,
        inset: 1,
        title: (b: (typeof bins)[number]) =>
          `confidence ${percent(b.lower, 0)}–${percent(b.upper, 0)}: ${count(b.count)} rows, accuracy ${percent(b.fractionPositive)}, mean confidence ${percent(b.meanPredicted)}`,
      }),
      Plot.line(
        [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
        { x: 'x', y: 'y', stroke: '#8c959f', strokeDasharray: '4,4' },
      ),
      Plot.dot(bins, { x: 'meanPredicted', y: 'fractionPositive', fill: '#0072B2', r: 3.5 }),
    ],
  }));
  const rows: Cell[][] = r.calibration.bins.map((b) => [
    `${percent(b.lower, 0)}–${percent(b.upper, 0)}`,
    { html: count(b.count), numeric: true },
    { html: percent(b.meanPredicted), numeric: true },
    { html: percent(b.fractionPositive), numeric: true },
    { html: b.count > 0 ? `${((b.fractionPositive - b.meanPredicted) * 100).toFixed(1)} pts` : '–', numeric: true },
  ]);
  return (
    `<p>Expected calibration error <strong>${metric(r.calibration.expectedCalibrationError)}</strong> (the rows’ average gap between confidence and accuracy), largest gap of a bin ${metric(r.calibration.maximumCalibrationError)}. ` +
    'Bars below the diagonal: the model is more confident than it is right; above: less.</p>' +
    `<div class="grid">${figure(chart, 'Reliability diagram: rows binned by the probability of their predicted label (10 equal-width bins); bar height is the share predicted correctly, the dot sits at the bin’s mean confidence.')}` +
    `<div>${table('Calibration bins (confidence = probability of the predicted label)', ['confidence', 'rows', 'mean confidence', 'accuracy', 'gap'], rows)}</div></div>`
  );
}

function thresholdSection(r: EvaluationJson): string {
  if (r.thresholds === null || r.positiveLabel === null) return '';
  const positive = r.positiveLabel;
  const best = r.thresholds.reduce((a, b) => (b.f1 > a.f1 ? b : a));
  const rows: Cell[][] = r.thresholds.map((t) => [
    { html: `${t.threshold === 0.5 ? '<strong>' : ''}${t.threshold.toFixed(2)}${t.threshold === 0.5 ? '</strong>' : ''}` },
    { html: count(t.tp + t.fp), numeric: true },
    { html: percent(t.predictedPositiveRate), numeric: true },
    { html: metric(t.precision, 3), numeric: true },
    { html: metric(t.recall, 3), numeric: true },
    { html: metric(t.f1, 3), numeric: true },
    { html: metric(t.falsePositiveRate, 3), numeric: true },
    { html: metric(t.accuracy, 3), numeric: true },
    { html: `${count(t.tp)} / ${count(t.fp)} / ${count(t.fn)}`, numeric: true },
  ]);
  return (
    `<p>Flag a row as <strong>${escapeHtml(positive)}</strong> when P(${escapeHtml(positive)}) ≥ the threshold. The model’s own label is the 0.50 row. ` +
    `Highest F1: threshold ${best.threshold.toFixed(2)} (F1 ${metric(best.f1, 3)}, precision ${metric(best.precision, 3)}, recall ${metric(best.recall, 3)}).</p>` +
    table(
      `Decisions at each threshold for "${positive}"`,
      ['threshold', 'flagged', 'flagged share', 'precision', 'recall', 'F1', 'false-positive rate', 'accuracy', 'TP / FP / FN'],
      rows,
      false,
    )
  );
}

/** Tokens as spans: solid blue underline and tint for support, dotted orange for opposition. */
export function renderTokens(tokens: ReadonlyArray<{ token: string; score: number }>, maxTokens = 400): string {
  const largest = Math.max(1e-9, ...tokens.map((t) => Math.abs(t.score)));
  const shown = tokens.slice(0, maxTokens).map((t) => {
    const strength = Math.min(1, Math.abs(t.score) / largest);
    const title = `${t.score >= 0 ? '+' : '−'}${Math.abs(t.score).toFixed(3)}`;
    if (strength < 0.1) return `<span class="tok" title="${title}">${escapeHtml(t.token)}</span>`;
    const rgb = t.score > 0 ? '0,114,178' : '213,94,0';
    return `<span class="tok ${t.score > 0 ? 's' : 'o'}" style="background:rgba(${rgb},${(0.08 + 0.32 * strength).toFixed(2)})" title="${title}">${escapeHtml(t.token)}</span>`;
  });
  return shown.join(' ') + (tokens.length > maxTokens ? ` <span class="meta">… ${count(tokens.length - maxTokens)} more tokens</span>` : '');
}

/** The strongest attributions as text (for readers who do not see colour). */
export function strongestTokens(tokens: ReadonlyArray<{ token: string; score: number }>, n = 5): string {
  const top = tokens
    .filter((t) => Math.abs(t.score) >= 0.0005)
    .sort((a, b) => Math.abs(b.score) - Math.abs(a.score))
    .slice(0, n);
  return top.map((t) => `${t.token} (${t.score >= 0 ? '+' : '−'}${Math.abs(t.score).toFixed(3)})`).join(', ');
}

function exampleHtml(e: MisclassifiedExample): string {
  return (
    '<article class="example">' +
    `<p class="meta">line ${count(e.line)} · true <strong>${escapeHtml(e.label)}</strong> (P ${percent(e.trueLabelProbability)}) · predicted <strong>${escapeHtml(e.predicted)}</strong> (P ${percent(e.confidence)})</p>` +
    `<p class="tokens" lang="">${e.tokens.length > 0 ? renderTokens(e.tokens) : escapeHtml(e.text)}</p>` +
    `<p class="meta">Pushed towards ${escapeHtml(e.predicted)}: ${escapeHtml(strongestTokens(e.tokens.filter((t) => t.score > 0)) || 'none')}. Against: ${escapeHtml(strongestTokens(e.tokens.filter((t) => t.score < 0)) || 'none')}.</p>` +
    '</article>'
  );
}

function misclassifiedSection(r: EvaluationJson): string {
  if (r.misclassifiedCount === 0) return '<p>Every row was predicted correctly.</p>';
  return (
    `<p>${count(r.misclassified.length)} of the ${count(r.misclassifiedCount)} misclassified rows, those the model was surest about first. ` +
    'Each token’s score is the drop in the probability of the predicted label when the token is removed (occlusion): ' +
    '<span class="tok s" style="background:rgba(0,114,178,.3)">solid blue underline</span> pushed towards the wrong label, ' +
    '<span class="tok o" style="background:rgba(213,94,0,.3)">dotted orange underline</span> pulled away from it. Hover or focus a token for its score.</p>' +
    r.misclassified.map(exampleHtml).join('')
  );
}

/**
 * Renders the evaluation report.
 *
 * @param r - The same object `glossa evaluate --json` prints.
 * @returns The HTML document.
 * @example
 * ```ts
 * const html = await renderEvaluationReport(json);
 * ```
 */
export async function renderEvaluationReport(r: EvaluationJson): Promise<string> {
  const charts = await loadCharts();
  const binary = r.positiveLabel !== null;
  const headline = [
    { label: 'accuracy', value: metric(r.accuracy) },
    { label: 'macro F1', value: metric(r.macroF1) },
    binary ? { label: 'ROC AUC', value: metric(r.rocAuc ?? r.macroRocAuc) } : { label: 'macro ROC AUC', value: metric(r.macroRocAuc), note: 'one-vs-rest' },
    ...(binary ? [{ label: 'average precision', value: metric(r.curves[0]?.averagePrecision), note: `for ${r.positiveLabel}` }] : []),
    { label: 'log loss', value: metric(r.logLoss) },
    { label: 'calibration error', value: metric(r.calibration.expectedCalibrationError), note: 'ECE, 10 bins' },
    { label: 'rows scored', value: count(r.n), note: `${count(r.misclassifiedCount)} misclassified` },
  ];
  const unknownRows = r.unknownLabels.reduce((s, u) => s + u.count, 0);
  const sections = [
    { id: 'confusion', title: 'Confusion matrix', html: confusionSection(r, charts) },
    { id: 'per-label', title: 'Per label', html: perClassSection(r, charts) },
    { id: 'curves', title: 'ROC and precision-recall curves', html: curvesSection(r, charts) },
    { id: 'calibration', title: 'Calibration', html: calibrationSection(r, charts) },
    ...(binary ? [{ id: 'thresholds', title: 'Thresholds', html: thresholdSection(r) }] : []),
    { id: 'errors', title: 'Worst misclassified', html: misclassifiedSection(r) },
  ];
  if (unknownRows > 0) {
    sections[0]!.html =
      `<p class="warn">${count(unknownRows)} rows have labels the model was never trained on (${escapeHtml(r.unknownLabels.map((u) => `${u.label}: ${count(u.count)}`).join(', '))}) and are left out of every figure.</p>` +
      sections[0]!.html;
  }
  return renderPage({
    title: `Evaluation of ${baseName(r.bundle)} on ${baseName(r.data)}`,
    facts: [
      `model ${r.bundle}${r.architecture ? ` (${r.architecture})` : ''}, labels ${r.labels.join(', ')}`,
      `data ${r.data}: ${count(r.n)} rows scored in ${r.seconds.toFixed(1)} s on the ${r.backend} backend`,
    ],
    headline,
    sections,
    data: r,
  });
}
