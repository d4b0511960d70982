import * as math from '@glossa/math';
import { describe, expect, it } from 'vitest';
import { createAggregator, drivingTerms, OTHER_GROUPS } from './aggregate.js';

const NEG = [0.9, 0.1];
const POS = [0.2, 0.8];

function aggregator(sample = 3, maxGroups = 100) {
  return createAggregator({ labels: ['neg', 'pos'], maxGroups, sample, maxSampleChars: 10, rng: math.createRng(42) });
}

describe('createAggregator', () => {
  it('splits input order into halves within a block of the middle however many rows come, in bounded blocks', () => {
    for (const n of [10, 301, 10_000]) {
      const agg = aggregator();
      // g: negative in the first half of the rows, positive in the second.
      for (let i = 0; i < n; i++) agg.add({ group: 'g', time: undefined, text: 'x', line: i + 2 }, i < n / 2 ? NEG : POS);
      const { comparison, movers } = agg.movers(math, 0.95);
      expect(comparison).toEqual({ before: 'first half', after: 'second half' });
      const m = movers[0]!;
      expect(m.before.n + m.after.n).toBe(n);
      // The split falls on a block boundary: blocks hold at most n/32 rows, so within n/64 of the middle.
      expect(Math.abs(m.before.n - n / 2)).toBeLessThanOrEqual(Math.max(1, n / 64));
      expect(m.label).toBe('pos');
      expect(m.difference).toBeGreaterThan(0.95);
    }
  });

  it('keeps at most `sample` texts per group and label, cut to maxSampleChars, the same for the same seed', () => {
    const run = () => {
      const agg = aggregator(3);
      for (let i = 0; i < 500; i++) agg.add({ group: 'g', time: undefined, text: `text number ${i}`, line: i + 2 }, i % 2 === 0 ? NEG : POS);
      return agg;
    };
    const a = run();
    expect(a.sampleOf('g', 0)).toHaveLength(3);
    expect(a.sampleOf('g', 0).every((item) => item.text.length <= 10 && item.line % 2 === 0)).toBe(true);
    expect(a.sampleOf('g', 1)).toEqual(run().sampleOf('g', 1));
    expect(a.sampleOf('nobody', 0)).toEqual([]);
  });

  it('counts rows without a group, and folds groups beyond maxGroups', () => {
    const agg = aggregator(0, 2);
    for (const group of ['a', 'b', 'c', 'd', undefined, ' ', 'a']) agg.add({ group, time: undefined, text: 'x', line: 1 }, NEG);
    expect(agg.missingGroup.count).toBe(2);
    expect(agg.otherRows).toBe(2);
    expect(agg.groupShares(math, 0.95).map((g) => [g.group, g.n])).toEqual([
      [OTHER_GROUPS, 2],
      ['a', 2],
      ['b', 1],
    ]);
    expect(agg.rows).toBe(7);
  });
});

describe('drivingTerms', () => {
  it('averages scores over the texts, lower-cases, and keeps terms found in two texts once there are five', () => {
    expect(drivingTerms([[{ token: 'Late', score: 0.3 }], [{ token: 'late', score: 0.1 }]], 5)).toEqual([{ term: 'late', contribution: 0.2, texts: 2 }]);
    const five = Array.from({ length: 5 }, (_, i) => [
      { token: 'late', score: 0.2 },
      { token: `once${i}`, score: 0.9 },
      { token: 'fine', score: -0.1 },
    ]);
    expect(drivingTerms(five, 5)).toEqual([{ term: 'late', contribution: 0.2, texts: 5 }]);
  });
});
