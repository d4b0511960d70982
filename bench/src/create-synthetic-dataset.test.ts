import { describe, expect, it } from 'vitest';
import { BenchError } from './bench-error.js';
import { createSyntheticDataset } from './create-synthetic-dataset.js';

describe('createSyntheticDataset', () => {
  it('gives the same data for the same seed and different data for another seed', () => {
    const a = createSyntheticDataset({ trainSize: 200, testSize: 50, seed: 3 });
    const b = createSyntheticDataset({ trainSize: 200, testSize: 50, seed: 3 });
    const c = createSyntheticDataset({ trainSize: 200, testSize: 50, seed: 4 });
    expect(a.train).toEqual(b.train);
    expect(a.test).toEqual(b.test);
    expect(a.train).not.toEqual(c.train);
    expect(a.train).toHaveLength(200);
    expect(a.test).toHaveLength(50);
  });

  it('has SST-2-like lengths: mean about 10 words, a tail past 30, none above 52', () => {
    const { train } = createSyntheticDataset({ trainSize: 5000, testSize: 2 });
    const lengths = train.map((e) => e.text.split(' ').filter((w) => /\w/.test(w)).length);
    const mean = lengths.reduce((s, n) => s + n, 0) / lengths.length;
    expect(mean).toBeGreaterThan(8);
    expect(mean).toBeLessThan(12);
    expect(Math.max(...lengths)).toBeGreaterThan(30);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(54);
  });

  it('balances two classes and plants cue words that separate them', () => {
    const { train } = createSyntheticDataset({ trainSize: 4000, testSize: 2 });
    const positives = train.filter((e) => e.label === 'positive').length;
    expect(positives / train.length).toBeGreaterThan(0.45);
    expect(positives / train.length).toBeLessThan(0.55);
    // A word-count classifier learnt on half the data must beat chance clearly on the other half.
    const counts = new Map<string, [number, number]>();
    const half = train.length / 2;
    for (const e of train.slice(0, half)) {
      for (const w of new Set(e.text.split(' '))) {
        const c = counts.get(w) ?? [0, 0];
        c[e.label === 'positive' ? 1 : 0]++;
        counts.set(w, c);
      }
    }
    let correct = 0;
    for (const e of train.slice(half)) {
      let score = 0;
      for (const w of new Set(e.text.split(' '))) {
        const [neg, pos] = counts.get(w) ?? [0, 0];
        score += Math.log((pos + 1) / (neg + 1));
      }
      if ((score > 0 ? 'positive' : 'negative') === e.label) correct++;
    }
    expect(correct / half).toBeGreaterThan(0.75);
  });

  it('uses a vocabulary of the requested order of size', () => {
    const { train } = createSyntheticDataset({ trainSize: 20_000, testSize: 2 });
    const words = new Set(train.flatMap((e) => e.text.split(' ')));
    expect(words.size).toBeGreaterThan(8000);
    expect(words.size).toBeLessThan(15_400);
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => createSyntheticDataset({ trainSize: 0 })).toThrow(BenchError);
    expect(() => createSyntheticDataset({ testSize: 2.5 })).toThrow(/testSize must be an integer/);
    expect(() => createSyntheticDataset({ signal: 2 })).toThrow(/signal must be in \[0, 1\]/);
  });
});
