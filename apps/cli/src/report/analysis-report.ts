/**
 * The HTML page of `glossa analyze --report`: label shares by group (with intervals), over time, the groups
 * that moved most and the terms that drive each label. Loaded only with `--report`.
 */
import type { GroupShares } from '../analyze/aggregate.js';
import type { AnalysisJson } from '../commands/analyze.js';
import { type Charts, labelColors, loadCharts } from './charts.js';
import { baseName, type Cell, count, escapeHtml, figure, percent, renderPage, table } from './html.js';

/** Groups drawn in the share chart and the time series (tables list every group). */
const GROUPS_DRAWN = 20;
const SERIES_GROUPS = 8;

const cut = (text: string, max: number): string =>
  Array.from(text).length <= max
    ? text
    : `${Array.from(text)
        .slice(0, max - 1)
        .join('')}…`;

function signedPoints(d: number): string {
  return `${d < 0 ? '−' : '+'}${(Math.abs(d) * 100).toFixed(1)} pts`;
}

function sharesSection(r: AnalysisJson, charts: Charts): string {
  const { Plot } = charts;
  const drawn = r.groups.slice(0, GROUPS_DRAWN);
  const colors = labelColors(r.labels);
  const bars = drawn.flatMap((g) =>
    g.shares.map((s) => ({ group: g.group, label: s.label, share: s.share, count: s.count, n: g.n, lower: s.lower, upper: s.upper })),
  );
  const chart = charts.draw((width) => {
    const narrow = width < 400;
    return {
      width,
      height: 60 + drawn.length * (narrow ? 26 : 24),
      marginLeft: narrow ? 90 : 150,
      ariaLabel: `Label shares of the ${drawn.length} largest groups`,
      x: { domain: [0, 1], label: 'share of the group’s rows →', tickFormat: '.0%', grid: true },
      y: { domain: drawn.map((g) => g.group), label: null, tickFormat: (g: string) => cut(g, narrow ? 12 : 22) },
      color: { ...colors, legend: true },
      marks: [
        Plot.barX(
          bars,
          Plot.stackX({
            x: 'share',
            y: 'group',
            fill: 'label',
            order: r.labels,
            title: (d: (typeof bars)[number]) =>
              `${d.group}: ${d.label} ${percent(d.share)} (${percent(d.lower)}–${percent(d.upper)}), ${count(d.count)} of ${count(d.n)} rows`,
          }),
        ),
        Plot.ruleX([0]),
      ],
    };
  }, 960);
  const rows: Cell[][] = [r.overall, ...r.groups].map((g) => [
    g === r.overall ? '(all rows)' : g.group,
    { html: count(g.n), numeric: true },
    ...g.shares.map((s) => ({ html: `${percent(s.share)} <span class="meta">(${percent(s.lower)}–${percent(s.upper)})</span>`, numeric: true })),
  ]);
  return (
    figure(
      chart,
      `Predicted label shares of the ${drawn.length === r.groups.length ? '' : `${drawn.length} largest of the ${count(r.groups.length)} `}groups, largest first. Hover a bar for its count and interval.`,
    ) + table(`Label shares by ${r.by} with ${Math.round(r.confidence * 100)}% Wilson intervals`, [r.by, 'rows', ...r.labels], rows)
  );
}

function seriesSection(r: AnalysisJson, charts: Charts): string {
  if (r.every === null) return '';
  const { Plot } = charts;
  // Two labels mirror each other: draw the first label's share only.
  const shown = r.labels.length === 2 ? [r.labels[0]!] : r.labels;
  const groups = [
    '(all)',
    ...r.groups
      .filter((g) => g.group !== '(other groups)')
      .slice(0, SERIES_GROUPS)
      .map((g) => g.group),
  ];
  const points = r.series
    .filter((p) => groups.includes(p.group))
    .flatMap((p) =>
      p.shares
        .filter((s) => shown.includes(s.label))
        .map((s) => ({ group: p.group, period: p.period, n: p.n, label: s.label, share: s.share, lower: s.lower, upper: s.upper })),
    );
  const colors = labelColors(r.labels);
  const periods = r.periods;
  const chart = charts.draw((width) => {
    const narrow = width < 400;
    const tickEvery = Math.max(1, Math.ceil(periods.length / (narrow ? 4 : 8)));
    return {
      width,
      height: 40 + groups.length * (narrow ? 110 : 120),
      marginLeft: narrow ? 44 : 50,
      marginRight: narrow ? 10 : 120,
      ariaLabel: `Share of ${shown.join(', ')} per ${r.every} for the ${groups.length - 1} largest groups and all rows`,
      x: {
        type: 'point',
        domain: periods,
        label: null,
        ticks: periods.filter((_, i) => i % tickEvery === 0),
        tickFormat: (p: string) => (narrow ? p.slice(2) : p),
      },
      y: { domain: [0, 1], tickFormat: '.0%', label: shown.length === 1 ? `↑ ${shown[0]} share` : '↑ share', grid: true, ticks: 3 },
      fy: { domain: groups, label: null, axis: narrow ? null : 'right', tickFormat: (g: string) => cut(g, 16) },
      color: { ...colors, legend: shown.length > 1 },
      marks: [
        Plot.areaY(points, { x: 'period', y1: 'lower', y2: 'upper', fy: 'group', fill: 'label', fillOpacity: 0.2, z: 'label' }),
        Plot.lineY(points, { x: 'period', y: 'share', fy: 'group', stroke: 'label', z: 'label', strokeWidth: 2 }),
        Plot.dot(points, {
          x: 'period',
          y: 'share',
          fy: 'group',
          fill: 'label',
          r: periods.length > 40 ? 1.5 : 3,
          title: (d: (typeof points)[number]) =>
            `${d.group}, ${d.period}: ${d.label} ${percent(d.share)} (${percent(d.lower)}–${percent(d.upper)}) of ${count(d.n)} rows`,
        }),
        ...(narrow
          ? [Plot.text(groups, { fy: (g: string) => g, text: (g: string) => cut(g, 28), frameAnchor: 'top-left', dy: 2, dx: 4, fontWeight: 'bold' })]
          : []),
        Plot.frame({ stroke: '#d0d7de' }),
      ],
    };
  }, 960);
  const periodName = r.every === 'week' ? 'ISO week (Monday to Sunday)' : r.every;
  const overall = r.series.filter((p) => p.group === '(all)');
  const rows: Cell[][] = overall.map((p) => [
    p.period,
    { html: count(p.n), numeric: true },
    ...p.shares.map((s) => ({ html: `${percent(s.share)} <span class="meta">(${percent(s.lower)}–${percent(s.upper)})</span>`, numeric: true })),
  ]);
  return (
    figure(
      chart,
      `Share of ${shown.join(', ')} per ${periodName} in UTC, with its ${Math.round(r.confidence * 100)}% interval as a band: all rows first, then the ${groups.length - 1} largest groups. Hover a dot for its figures.`,
    ) +
    `<details><summary>All rows per ${escapeHtml(r.every)} as a table</summary>${table(`Label shares of all rows per ${r.every} (UTC)`, [r.every, 'rows', ...r.labels], rows)}</details>` +
    '<p class="meta">Every group’s series is in the embedded data, in <code>--json</code> (<code>series</code>) and in <code>--csv</code> (<code>series.csv</code>).</p>'
  );
}

function moversSection(r: AnalysisJson, charts: Charts): string {
  const { Plot } = charts;
  const level = `${Math.round(r.confidence * 100)}%`;
  const what =
    r.every === null
      ? 'the first half of the input (in row order) against the second half'
      : `the last ${r.every}, ${r.comparison.after}, against the one before, ${r.comparison.before}`;
  if (r.movers.length === 0) return `<p>Compared ${escapeHtml(what)}: no group has rows on both sides.</p>`;
  const top = r.movers.slice(0, 15);
  const chart = charts.draw((width) => {
    const narrow = width < 400;
    const extent = Math.max(0.05, ...top.map((m) => Math.max(Math.abs(m.lower), Math.abs(m.upper))));
    return {
      width,
      height: 50 + top.length * 28,
      marginLeft: narrow ? 100 : 180,
      ariaLabel: 'Change of share per group with intervals',
      x: {
        domain: [-extent, extent],
        label: 'change in share (percentage points) →',
        tickFormat: (d: number) => `${d > 0 ? '+' : ''}${Math.round(d * 100)}`,
        grid: true,
      },
      y: { domain: top.map((m) => `${m.group} · ${m.label}`), label: null, tickFormat: (t: string) => cut(t, narrow ? 14 : 26) },
      marks: [
        Plot.ruleX([0], { stroke: '#57606a' }),
        Plot.ruleY(top, {
          y: (m: (typeof top)[number]) => `${m.group} · ${m.label}`,
          x1: 'lower',
          x2: 'upper',
          stroke: (m: (typeof top)[number]) => (m.atLeast > 0 ? '#0072B2' : '#8c959f'),
          strokeWidth: 2.5,
        }),
        Plot.dot(top, {
          y: (m: (typeof top)[number]) => `${m.group} · ${m.label}`,
          x: 'difference',
          fill: (m: (typeof top)[number]) => (m.atLeast > 0 ? '#0072B2' : '#8c959f'),
          r: 4.5,
          title: (m: (typeof top)[number]) =>
            `${m.group}: ${m.label} ${percent(m.before.share)} → ${percent(m.after.share)} (${signedPoints(m.difference)}, ${level} interval ${signedPoints(m.lower)} to ${signedPoints(m.upper)})`,
        }),
      ],
    };
  });
  const rows: Cell[][] = r.movers.map((m) => [
    m.group,
    m.label,
    { html: `${percent(m.before.share)} <span class="meta">of ${count(m.before.n)}</span>`, numeric: true },
    { html: `${percent(m.after.share)} <span class="meta">of ${count(m.after.n)}</span>`, numeric: true },
    { html: `<strong>${signedPoints(m.difference)}</strong>`, numeric: true },
    { html: `${signedPoints(m.lower)} to ${signedPoints(m.upper)}`, numeric: true },
    { html: m.qValue < 0.001 ? '&lt;0.001' : m.qValue.toFixed(3), numeric: true },
  ]);
  return (
    `<p>Each group’s share of each label in ${escapeHtml(what)}; per group the label whose change is surest. ` +
    `Ranked by the change the ${level} interval (Newcombe’s, for a difference of two proportions) is sure of: its bound nearest zero, 0 when it holds zero (grey). ` +
    'q is the p-value of the two-proportion z test adjusted for every group and label compared (Benjamini–Hochberg).</p>' +
    figure(chart, `The ${top.length} groups that moved most: dot at the change, line across its interval; blue when the interval excludes zero.`) +
    table(
      `Groups ranked by the surest change, ${r.comparison.before} → ${r.comparison.after}`,
      [r.by, 'label', 'before', 'after', 'change', `${level} interval`, 'q'],
      rows,
    ) +
    (r.notCompared.length > 0
      ? `<p class="meta">Not compared (no rows on one side): ${escapeHtml(r.notCompared.slice(0, 30).join(', '))}${r.notCompared.length > 30 ? ', …' : ''}.</p>`
      : '')
  );
}

function termsSection(r: AnalysisJson): string {
  const s = r.terms.sampling;
  const intro =
    `<p>How: up to ${s.perGroupAndLabel} texts per group and label are drawn at random (seeded reservoir sample, seed ${s.seed}) from the rows predicted with that label, ` +
    `in the ${count(s.groups.length)} largest groups; each is explained by occlusion (a token’s score is the drop in P(label) when it is removed; texts cut at ${count(s.maxCharacters)} characters), ` +
    `and a term’s contribution is its mean score over the texts explained. ${count(s.textsExplained)} texts were explained; figures from a sample, not from every row.</p>`;
  const blocks = new Map<string, AnalysisJson['terms']['groups']>();
  for (const t of r.terms.groups) blocks.set(t.group, [...(blocks.get(t.group) ?? []), t]);
  const colors = labelColors(r.labels);
  const cards = [...blocks]
    .map(([group, labels]) => {
      const inner = labels
        .map((t) => {
          const largest = Math.max(1e-9, ...t.terms.map((x) => x.contribution));
          const color = colors.range[colors.domain.indexOf(t.label)] ?? '#0072B2';
          const list =
            t.terms.length === 0
              ? '<li class="meta">no text explained</li>'
              : t.terms
                  .map(
                    (x) =>
                      `<li><span class="bar" style="width:${(3 * (x.contribution / largest)).toFixed(2)}rem;background:${color}" aria-hidden="true"></span> ${escapeHtml(x.term)} <span class="meta">${x.contribution.toFixed(3)} · in ${count(x.texts)}</span></li>`,
                  )
                  .join('');
          return `<div><h4><span class="legend-swatch" style="background:${color}" aria-hidden="true"></span>${escapeHtml(t.label)} <span class="meta">(${count(t.textsExplained)} of ${count(t.textsPredicted)} texts)</span></h4><ol class="terms">${list}</ol></div>`;
        })
        .join('');
      return `<article class="example"><h3>${escapeHtml(group === '(all)' ? 'All explained groups' : group)}</h3><div class="grid terms-grid">${inner}</div></article>`;
    })
    .join('');
  return `${intro}<style>.terms{margin:.2rem 0;padding-left:1.4rem}.terms li{margin:.1rem 0}.terms-grid{grid-template-columns:repeat(auto-fit,minmax(min(100%,14rem),1fr));gap:.2rem 1rem}h4{margin:.4rem 0 .2rem;font-size:.95rem}</style>${cards}`;
}

function qualitySection(r: AnalysisJson): string {
  const place = r.format === 'parquet' ? 'row' : 'line';
  const items: string[] = [];
  items.push(
    `${count(r.rows.read)} rows read, ${count(r.rows.analyzed)} analyzed${r.rows.skipped > 0 ? `, ${count(r.rows.skipped)} skipped as bad rows (--on-bad-row skip)` : ''}.`,
  );
  items.push(
    r.rows.withoutGroup === 0
      ? `Every analyzed row has a "${escapeHtml(r.by)}" value.`
      : `${count(r.rows.withoutGroup)} rows have no "${escapeHtml(r.by)}" value: counted in the overall shares, in no group (first at ${place} ${r.withoutGroup.map((p) => count(p.line)).join(', ')}).`,
  );
  if (r.time !== null) {
    items.push(
      r.rows.withoutTime === 0
        ? `Every analyzed row has a readable "${escapeHtml(r.time)}" time.`
        : `${count(r.rows.withoutTime)} rows have no readable "${escapeHtml(r.time)}" time: counted in the shares, in no period (first: ${escapeHtml(r.withoutTime.map((p) => `${place} ${p.line}${p.value === undefined ? ' (empty)' : ` "${cut(p.value, 30)}"`}`).join(', '))}).`,
    );
    items.push('Times are read as ISO 8601 dates or timestamps (UTC unless they carry an offset) or epoch seconds/milliseconds, and bucketed in UTC.');
  }
  if (r.rows.inOtherGroups > 0)
    items.push(
      `More than ${count(r.maxGroups)} distinct groups: ${count(r.rows.inOtherGroups)} rows of further groups are counted together as "(other groups)".`,
    );
  return `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}

/**
 * Renders the analysis report.
 *
 * @param r - The same object `glossa analyze --json` prints.
 * @returns The HTML document.
 * @example
 * ```ts
 * const html = await renderAnalysisReport(json);
 * ```
 */
export async function renderAnalysisReport(r: AnalysisJson): Promise<string> {
  const charts = await loadCharts();
  const biggestMove = r.movers[0];
  const overall: GroupShares = r.overall;
  const headline = [
    {
      label: 'rows analyzed',
      value: count(r.rows.analyzed),
      ...(r.rows.withoutGroup + r.rows.withoutTime > 0
        ? { note: `${count(r.rows.withoutGroup)} without group, ${count(r.rows.withoutTime)} without time` }
        : {}),
    },
    { label: `groups (${r.by})`, value: count(r.groups.length) },
    ...(r.every === null
      ? []
      : [
          {
            label: `${r.every === 'week' ? 'ISO weeks' : `${r.every}s`} (UTC)`,
            value: count(r.periods.length),
            note: `${r.periods[0] ?? ''} … ${r.periods.at(-1) ?? ''}`,
          },
        ]),
    ...overall.shares.map((s) => ({ label: `${s.label} overall`, value: percent(s.share), note: `${percent(s.lower)}–${percent(s.upper)}` })),
    ...(biggestMove === undefined
      ? []
      : [{ label: 'moved most', value: cut(biggestMove.group, 18), note: `${biggestMove.label} ${signedPoints(biggestMove.difference)}` }]),
  ];
  const sections = [
    { id: 'shares', title: `Label shares by ${r.by}`, html: sharesSection(r, charts) },
    ...(r.every === null ? [] : [{ id: 'over-time', title: 'Over time', html: seriesSection(r, charts) }]),
    { id: 'movers', title: 'Groups that moved most', html: moversSection(r, charts) },
    { id: 'terms', title: 'Terms that drive each label', html: termsSection(r) },
    { id: 'data', title: 'Data', html: qualitySection(r) },
  ];
  return renderPage({
    title: `Analysis of ${baseName(r.data)} by ${r.by}`,
    facts: [
      `model ${r.bundle} (${r.architecture}), labels ${r.labels.join(', ')}`,
      `data ${r.data}: ${count(r.rows.analyzed)} rows in ${r.seconds.toFixed(1)} s${r.time === null ? '' : `; time from "${r.time}", per ${r.every} in UTC`}`,
    ],
    headline,
    sections,
    data: r,
  });
}
