import type { LabeledText } from '../src/index.js';

const POSITIVE = ['great', 'wonderful', 'excellent', 'loved', 'superb', 'delightful', 'brilliant', 'fantastic'];
const NEGATIVE = ['awful', 'terrible', 'boring', 'hated', 'dreadful', 'poor', 'horrible', 'worst'];
const NEUTRAL = ['the', 'film', 'movie', 'plot', 'actors', 'story', 'was', 'and', 'a', 'it', 'really', 'very'];

/** A small seeded sentiment-like dataset: a text's label is decided by its sentiment words. */
export function syntheticSentiment(n: number, seed = 1, labels: [string, string] = ['negative', 'positive']): LabeledText[] {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: LabeledText[] = [];
  for (let i = 0; i < n; i++) {
    const positive = i % 2 === 0;
    const words: string[] = [];
    const len = 3 + Math.floor(rand() * 12);
    for (let j = 0; j < len; j++) words.push(pick(NEUTRAL));
    const k = 1 + Math.floor(rand() * 2);
    for (let j = 0; j < k; j++) words.splice(Math.floor(rand() * words.length), 0, pick(positive ? POSITIVE : NEGATIVE));
    out.push({ text: words.join(' '), label: positive ? labels[1] : labels[0] });
  }
  return out;
}
