import Table from 'cli-table3';
import type { AnalysisJson } from '../commands/analyze.js';
import type { Colors } from '../internal/context.js';
import { truncate } from '../internal/format.js';
import type { LabelShare } from './aggregate.js';

/** Groups listed in the terminal tables (every group is in --json, --csv and the report). */
const GROUPS_SHOWN = 15;

function table(colors: Colors, head: string[]): Table.Table {
  return new Table({ head: head.map((cell) => colors.bold(cell)), style: { head: [], border: [] } });
}

/** `41.2% (40.1–42.3)`. */
export function shareWithInterval(s: LabelShare): string {
  return `${(s.share * 100).toFixed(1)}% (${(s.lower * 100).toFixed(1)}–${(s.upper * 100).toFixed(1)})`;
}

/** `+4.1 pts` / `−2.0 pts`. */
export function points(difference: number, digits = 1): string {
  const value = (Math.abs(difference) * 100).toFixed(digits);
  return `${difference < 0 ? '−' : '+'}${value} pts`;
}

/**
 * The terminal summary of `glossa analyze`: label shares of the largest groups, the groups that moved most
 * and the terms that drive each label.
 *
 * @param r - The analysis.
 * @param colors - Colours.
 * @returns Multi-line text.
 * @example
 * ```ts
 * ctx.out(formatAnalysis(json, ctx.colors));
 * ```
 */
export function formatAnalysis(r: AnalysisJson, colors: Colors): string {
  const level = `${Math.round(r.confidence * 100)}%`;
  const out: string[] = [];
  const period =
    r.every === null ? '' : `; ${r.periods.length} ${r.every === 'week' ? 'ISO weeks' : `${r.every}s`} (UTC) ${r.periods[0] ?? ''} … ${r.periods.at(-1) ?? ''}`;
  out.push(
    colors.bold(`Label shares by ${r.by}`) +
      colors.dim(` (${r.rows.analyzed.toLocaleString('en-US')} rows, ${r.groups.length.toLocaleString('en-US')} groups${period}; ${level} Wilson intervals)`),
  );
  const shares = table(colors, [r.by, 'rows', ...r.labels]);
  for (const g of [r.overall, ...r.groups.slice(0, GROUPS_SHOWN)])
    shares.push([g === r.overall ? colors.bold('(all)') : truncate(g.group, 30), g.n.toLocaleString('en-US'), ...g.shares.map(shareWithInterval)]);
  out.push(shares.toString());
  if (r.groups.length > GROUPS_SHOWN) out.push(colors.dim(`… ${r.groups.length - GROUPS_SHOWN} smaller groups in --json, --csv and --report`));

  out.push(
    colors.bold(`Groups that moved most: ${r.comparison.before} → ${r.comparison.after}`) +
      colors.dim(' (ranked by the change the interval is sure of; q: Benjamini–Hochberg)'),
  );
  if (r.movers.length === 0)
    out.push(colors.dim(r.every !== null && r.periods.length < 2 ? 'only one period: nothing to compare' : 'no group has rows on both sides'));
  else {
    const moved = table(colors, [r.by, 'label', 'before', 'after', `change (${level})`, 'q']);
    for (const m of r.movers.slice(0, 10)) {
      moved.push([
        truncate(m.group, 30),
        m.label,
        `${(m.before.share * 100).toFixed(1)}% of ${m.before.n.toLocaleString('en-US')}`,
        `${(m.after.share * 100).toFixed(1)}% of ${m.after.n.toLocaleString('en-US')}`,
        `${points(m.difference)} (${points(m.lower)} to ${points(m.upper)})`,
        m.qValue < 0.001 ? '<0.001' : m.qValue.toFixed(3),
      ]);
    }
    out.push(moved.toString());
  }

  const s = r.terms.sampling;
  out.push(
    colors.bold('Terms that drive each label') +
      colors.dim(
        ` (occlusion on ${s.textsExplained.toLocaleString('en-US')} sampled texts: up to ${s.perGroupAndLabel} per group and label, ${s.groups.length} largest groups, seed ${s.seed})`,
      ),
  );
  const terms = table(colors, [r.by, 'label', 'texts', 'terms (mean contribution)']);
  for (const t of r.terms.groups.slice(0, (GROUPS_SHOWN + 1) * r.labels.length)) {
    if (t.textsExplained === 0) continue;
    terms.push([
      truncate(t.group, 30),
      t.label,
      `${t.textsExplained}/${t.textsPredicted.toLocaleString('en-US')}`,
      truncate(t.terms.map((x) => `${x.term} ${x.contribution.toFixed(3)}`).join(', '), 90),
    ]);
  }
  out.push(terms.toString());
  return out.join('\n');
}
