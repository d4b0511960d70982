/**
 * The streaming aggregation behind `glossa analyze`: label counts by group and period in memory that does
 * not grow with the number of rows, seeded reservoir samples of texts for explanations, and the summaries
 * (shares with Wilson intervals, the groups that moved most, terms) computed at the end.
 */
import type { Rng } from '@glossa/math';
import type { MathApi } from '../runtime.js';
import { type Every, parseTime, periodOf } from './time-buckets.js';

/** The group that collects rows of groups beyond `maxGroups`. */
export const OTHER_GROUPS = '(other groups)';
/** Blocks of input order kept per group when there is no time column (first half against second half). */
const ORDER_BLOCKS = 64;

/** A label's share of some rows. */
export interface LabelShare {
  /** The label. */
  label: string;
  /** Rows predicted with it. */
  count: number;
  /** count / rows. */
  share: number;
  /** Wilson interval of the share. */
  lower: number;
  /** Wilson interval of the share. */
  upper: number;
}

/** The label shares of a group. */
export interface GroupShares {
  /** The group's value. */
  group: string;
  /** Rows. */
  n: number;
  /** One per label, in label order. */
  shares: LabelShare[];
}

/** The label shares of a group (or of all rows: group `(all)`) in one period. */
export interface PeriodShares extends GroupShares {
  /** `2024-03-05`, `2024-W10` or `2024-03`. */
  period: string;
}

/** Label counts of a group in one side of a comparison. */
export interface MoverSide {
  /** The period, or `first half` / `second half` without a time column. */
  period: string;
  /** Rows of the group in it. */
  n: number;
  /** Rows with the label. */
  count: number;
  /** count / n. */
  share: number;
}

/** How much a group's share of a label changed between two periods, and how sure that is. */
export interface Mover {
  /** The group. */
  group: string;
  /** The label whose share moved most surely. */
  label: string;
  /** The earlier side. */
  before: MoverSide;
  /** The later side. */
  after: MoverSide;
  /** after.share − before.share. */
  difference: number;
  /** Newcombe interval of the difference. */
  lower: number;
  /** Newcombe interval of the difference. */
  upper: number;
  /** Two-proportion z statistic. */
  z: number;
  /** Its two-sided p-value. */
  pValue: number;
  /** Benjamini–Hochberg adjusted p-value over every group and label compared. */
  qValue: number;
  /** The change the interval is sure of: the bound nearest zero, 0 when the interval holds 0. The ranking key. */
  atLeast: number;
}

/** A term that pushes texts of a group towards a label. */
export interface DrivingTerm {
  /** The token (lower-cased). */
  term: string;
  /** Mean occlusion score over the texts explained (the drop in P(label) when removed, 0 where absent). */
  contribution: number;
  /** Explained texts containing it. */
  texts: number;
}

/** The terms behind one label in one group. */
export interface GroupTerms {
  /** The group (`(all)` for every explained group together). */
  group: string;
  /** The label. */
  label: string;
  /** Texts of the group predicted with this label that were explained. */
  textsExplained: number;
  /** Texts of the group predicted with this label. */
  textsPredicted: number;
  /** The strongest terms, strongest first. */
  terms: DrivingTerm[];
}

/** What {@link createAggregator} needs. */
export interface AggregatorOptions {
  /** The model's labels. */
  labels: readonly string[];
  /** Bucket size when there is a time column. */
  every?: Every;
  /** Distinct groups tracked; later new groups are counted as {@link OTHER_GROUPS}. */
  maxGroups: number;
  /** Texts kept per group and label for explanations. */
  sample: number;
  /** Characters of a sampled text kept (and explained). */
  maxSampleChars: number;
  /** Generator for the reservoir samples. */
  rng: Rng;
}

/** A row with problems, for the report. */
export interface RowProblem {
  /** Line or Parquet row. */
  line: number;
  /** The value that could not be used. */
  value?: string;
}

interface GroupState {
  counts: Float64Array;
  periods: Map<string, Float64Array>;
  blocks: Float64Array[];
  samples: Array<{ seen: number; items: Array<{ text: string; line: number }> }>;
}

/** Collects rows; see {@link createAggregator}. */
export interface Aggregator {
  /** Adds one predicted row. `probabilities` holds its k label probabilities. */
  add(row: { group: string | undefined; time: string | undefined; text: string; line: number }, probabilities: ArrayLike<number>): void;
  /** Rows added (with or without a group). */
  readonly rows: number;
  /** Label counts of every row added. */
  readonly overall: Float64Array;
  /** Rows without a group value. */
  readonly missingGroup: { count: number; first: RowProblem[] };
  /** Rows whose time is missing or unreadable (with `every`). */
  readonly badTime: { count: number; first: RowProblem[] };
  /** Rows counted as {@link OTHER_GROUPS}. */
  readonly otherRows: number;
  /** Groups by rows, largest first. */
  groupShares(math: MathApi, confidence: number): GroupShares[];
  /** Per period, every group's shares and the overall shares (group `(all)`), in period order. */
  series(math: MathApi, confidence: number): PeriodShares[];
  /** The periods seen, in order. */
  periods(): string[];
  /** Each group's surest change, ranked; see {@link Mover}. */
  movers(math: MathApi, confidence: number): { comparison: { before: string; after: string }; movers: Mover[]; notCompared: string[] };
  /** The reservoir sample of a group and label. */
  sampleOf(group: string, label: number): ReadonlyArray<{ text: string; line: number }>;
}

const PROBLEMS_KEPT = 5;

/**
 * Whether change `a` is surer than `b`: a larger sure change (`atLeast`), then a larger |z|, then (two labels
 * mirror each other, equal but for rounding) the label that gained share.
 */
function surer(a: Pick<Mover, 'atLeast' | 'z' | 'difference'>, b: Pick<Mover, 'atLeast' | 'z' | 'difference'>): boolean {
  const eps = 1e-9;
  if (Math.abs(a.atLeast - b.atLeast) > eps) return a.atLeast > b.atLeast;
  if (Math.abs(Math.abs(a.z) - Math.abs(b.z)) > eps) return Math.abs(a.z) > Math.abs(b.z);
  return a.difference > b.difference;
}

/**
 * An aggregator for one run: memory grows with groups × periods × labels and with the reservoir samples
 * (groups × labels × `sample` texts of at most `maxSampleChars`), never with rows.
 *
 * @param options - Labels, bucketing, limits and the generator.
 * @returns The aggregator.
 * @example
 * ```ts
 * const agg = createAggregator({ labels: ['neg', 'pos'], every: 'week', maxGroups: 1000, sample: 20, maxSampleChars: 1000, rng: createRng(42) });
 * agg.add({ group: 'north', time: '2024-03-05', text: 'late again', line: 2 }, [0.9, 0.1]);
 * ```
 */
export function createAggregator(options: AggregatorOptions): Aggregator {
  const k = options.labels.length;
  const groups = new Map<string, GroupState>();
  const overall = new Float64Array(k);
  const overallPeriods = new Map<string, Float64Array>();
  const missingGroup = { count: 0, first: [] as RowProblem[] };
  const badTime = { count: 0, first: [] as RowProblem[] };
  let rows = 0;
  let otherRows = 0;
  let ordered = 0;
  let blockSize = 1;

  const stateOf = (name: string): GroupState => {
    let state = groups.get(name);
    if (state === undefined) {
      state = {
        counts: new Float64Array(k),
        periods: new Map(),
        blocks: [],
        samples: Array.from({ length: k }, () => ({ seen: 0, items: [] })),
      };
      groups.set(name, state);
    }
    return state;
  };
  const bump = (map: Map<string, Float64Array>, key: string, label: number): void => {
    let counts = map.get(key);
    if (counts === undefined) {
      counts = new Float64Array(k);
      map.set(key, counts);
    }
    counts[label]!++;
  };
  const note = (problems: { count: number; first: RowProblem[] }, problem: RowProblem): void => {
    problems.count++;
    if (problems.first.length < PROBLEMS_KEPT) problems.first.push(problem);
  };

  const shares = (math: MathApi, counts: ArrayLike<number>, confidence: number): { n: number; shares: LabelShare[] } => {
    let n = 0;
    for (let j = 0; j < k; j++) n += counts[j]!;
    return {
      n,
      shares: options.labels.map((label, j) => {
        const interval = math.wilsonInterval(counts[j]!, n, confidence);
        return { label, count: counts[j]!, share: n > 0 ? counts[j]! / n : 0, lower: interval.lower, upper: interval.upper };
      }),
    };
  };

  return {
    add(row, probabilities) {
      rows++;
      let label = 0;
      for (let j = 1; j < k; j++) if (probabilities[j]! > probabilities[label]!) label = j;
      overall[label]!++;
      let period: string | undefined;
      if (options.every !== undefined) {
        const ms = parseTime(row.time);
        if (ms === undefined) note(badTime, { line: row.line, ...(row.time === undefined ? {} : { value: row.time }) });
        else period = periodOf(ms, options.every);
      }
      if (period !== undefined) bump(overallPeriods, period, label);
      const value = row.group?.trim();
      if (value === undefined || value === '') {
        note(missingGroup, { line: row.line });
        return;
      }
      let name = value;
      if (!groups.has(name) && groups.size >= options.maxGroups) name = OTHER_GROUPS;
      if (name === OTHER_GROUPS) otherRows++;
      const state = stateOf(name);
      state.counts[label]!++;
      if (period !== undefined) bump(state.periods, period, label);
      if (options.every === undefined) {
        // Input order in ORDER_BLOCKS blocks; when full, neighbouring blocks merge and blocks double in size.
        if (Math.floor(ordered / blockSize) >= ORDER_BLOCKS) {
          for (const g of groups.values()) {
            const merged: Float64Array[] = [];
            for (let b = 0; b < g.blocks.length; b += 2) {
              const sum = new Float64Array(k);
              for (const part of [g.blocks[b], g.blocks[b + 1]]) if (part) for (let j = 0; j < k; j++) sum[j]! += part[j]!;
              merged.push(sum);
            }
            g.blocks = merged;
          }
          blockSize *= 2;
        }
        const b = Math.floor(ordered / blockSize);
        while (state.blocks.length <= b) state.blocks.push(new Float64Array(k));
        state.blocks[b]![label]!++;
        ordered++;
      }
      const sample = state.samples[label]!;
      sample.seen++;
      const item = {
        text: Array.from(row.text.slice(0, options.maxSampleChars * 2))
          .slice(0, options.maxSampleChars)
          .join(''),
        line: row.line,
      };
      if (sample.items.length < options.sample) sample.items.push(item);
      else {
        const j = options.rng.nextInt(sample.seen);
        if (j < options.sample) sample.items[j] = item;
      }
    },
    get rows() {
      return rows;
    },
    overall,
    missingGroup,
    badTime,
    get otherRows() {
      return otherRows;
    },
    groupShares(math, confidence) {
      return [...groups]
        .map(([group, state]) => ({ group, ...shares(math, state.counts, confidence) }))
        .sort((a, b) => b.n - a.n || a.group.localeCompare(b.group));
    },
    periods() {
      return [...overallPeriods.keys()].sort();
    },
    series(math, confidence) {
      const out: PeriodShares[] = [];
      for (const period of this.periods()) {
        out.push({ group: '(all)', period, ...shares(math, overallPeriods.get(period)!, confidence) });
        for (const [group, state] of groups) {
          const counts = state.periods.get(period);
          if (counts !== undefined) out.push({ group, period, ...shares(math, counts, confidence) });
        }
      }
      return out;
    },
    movers(math, confidence) {
      const periods = this.periods();
      const timed = options.every !== undefined;
      const comparison = timed ? { before: periods.at(-2) ?? '', after: periods.at(-1) ?? '' } : { before: 'first half', after: 'second half' };
      const split = Math.round(ordered / 2 / blockSize);
      const sides = (state: GroupState): [Float64Array, Float64Array] => {
        if (timed) return [state.periods.get(comparison.before) ?? new Float64Array(k), state.periods.get(comparison.after) ?? new Float64Array(k)];
        const first = new Float64Array(k);
        const second = new Float64Array(k);
        state.blocks.forEach((block, b) => {
          for (let j = 0; j < k; j++) (b < split ? first : second)[j]! += block[j]!;
        });
        return [first, second];
      };
      const candidates: Array<Omit<Mover, 'qValue'> & { test: number }> = [];
      const notCompared: string[] = [];
      const pValues: number[] = [];
      for (const [group, state] of groups) {
        const [before, after] = sides(state);
        const nBefore = before.reduce((a, b) => a + b, 0);
        const nAfter = after.reduce((a, b) => a + b, 0);
        if (nBefore === 0 || nAfter === 0 || (timed && periods.length < 2)) {
          notCompared.push(group);
          continue;
        }
        let best: (Omit<Mover, 'qValue'> & { test: number }) | undefined;
        for (let j = 0; j < k; j++) {
          const change = math.compareProportions(after[j]!, nAfter, before[j]!, nBefore, confidence);
          pValues.push(change.pValue);
          const atLeast = change.lower > 0 ? change.lower : change.upper < 0 ? -change.upper : 0;
          const mover = {
            group,
            label: options.labels[j]!,
            before: { period: comparison.before, n: nBefore, count: before[j]!, share: before[j]! / nBefore },
            after: { period: comparison.after, n: nAfter, count: after[j]!, share: after[j]! / nAfter },
            difference: change.difference,
            lower: change.lower,
            upper: change.upper,
            z: change.z,
            pValue: change.pValue,
            atLeast,
            test: pValues.length - 1,
          };
          // The surest change; among equals (two labels mirror each other) the label that gained.
          if (best === undefined || surer(mover, best)) best = mover;
        }
        candidates.push(best!);
      }
      const adjusted = math.benjaminiHochberg(pValues);
      const movers = candidates
        .map(({ test, ...m }) => ({ ...m, qValue: adjusted[test]! }))
        .sort((a, b) => b.atLeast - a.atLeast || Math.abs(b.z) - Math.abs(a.z) || a.group.localeCompare(b.group));
      return { comparison, movers, notCompared };
    },
    sampleOf(group, label) {
      return groups.get(group)?.samples[label]?.items ?? [];
    },
  };
}

/**
 * Sums attributions of explained texts into the terms that drive a label: per lower-cased token, the mean
 * score over the texts (0 where absent) and how many texts hold it; the `top` strongest positive ones.
 *
 * @param explanations - Each text's tokens and scores towards the label.
 * @param top - How many terms to keep.
 * @returns The terms, strongest first.
 * @example
 * ```ts
 * drivingTerms([[{ token: 'Late', score: 0.3 }], [{ token: 'late', score: 0.1 }]], 5); // [{ term: 'late', contribution: 0.2, texts: 2 }]
 * ```
 */
export function drivingTerms(explanations: ReadonlyArray<ReadonlyArray<{ token: string; score: number }>>, top: number): DrivingTerm[] {
  const sums = new Map<string, { sum: number; texts: number }>();
  for (const tokens of explanations) {
    const seen = new Set<string>();
    for (const { token, score } of tokens) {
      const term = token.toLowerCase();
      const entry = sums.get(term) ?? { sum: 0, texts: 0 };
      entry.sum += score;
      if (!seen.has(term)) {
        entry.texts++;
        seen.add(term);
      }
      sums.set(term, entry);
    }
  }
  const n = Math.max(1, explanations.length);
  return (
    [...sums]
      .map(([term, { sum, texts }]) => ({ term, contribution: sum / n, texts }))
      // A term in a single text is an anecdote: with five texts or more, keep terms found in at least two.
      .filter((t) => t.contribution > 0 && (explanations.length < 5 || t.texts >= 2))
      .sort((a, b) => b.contribution - a.contribution || b.texts - a.texts || a.term.localeCompare(b.term))
      .slice(0, top)
  );
}
