import { createRng, type Rng } from '@glossa/math';
import { BenchError } from './bench-error.js';

/** One labelled text. */
export interface BenchExample {
  /** The raw text. */
  text: string;
  /** Its class name. */
  label: string;
}

/** Options of {@link createSyntheticDataset}. */
export interface SyntheticDatasetOptions {
  /** Training sentences. Default 20,000. */
  trainSize?: number;
  /** Test sentences. Default 2,000. */
  testSize?: number;
  /** Distinct words in the language (before the cue words). Default 15,000. */
  vocabularySize?: number;
  /** Seed of every random choice. Default 42. */
  seed?: number;
  /** Share of sentences that carry a cue word of their own class (the planted signal). Default 0.9. */
  signal?: number;
}

/** A synthetic train/test split and the parameters that made it. */
export interface SyntheticDataset {
  /** Training examples. */
  train: BenchExample[];
  /** Test examples. */
  test: BenchExample[];
  /** The options used, every default filled in. */
  options: Required<SyntheticDatasetOptions>;
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'to',
  'vi',
  'be',
  'do',
  'fa',
  'gu',
  'ha',
  'ji',
  'ko',
  'la',
  'me',
  'no',
  'pe',
  'qua',
  'ri',
  'so',
  'tu',
  've',
  'wa',
  'xi',
  'yo',
  'ze',
  'an',
  'el',
  'in',
  'or',
  'ul',
  'st',
  'tr',
  'pl',
];
const CUES_PER_CLASS = 150;
const MAX_TOKENS = 52;

function pseudoWord(index: number): string {
  // A bijective base-|SYLLABLES| spelling, so every index gives a different word.
  let n = index;
  let word = '';
  do {
    word += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length) - 1;
  } while (n >= 0);
  return word;
}

/** Cumulative Zipf(1.07) weights over ranks 1..n, normalised to end at 1. */
function zipfCdf(n: number): Float64Array {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) {
    total += 1 / (r + 1) ** 1.07;
    cdf[r] = total;
  }
  for (let r = 0; r < n; r++) cdf[r]! /= total;
  return cdf;
}

function drawRank(cdf: Float64Array, rng: Rng): number {
  const u = rng.next();
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** SST-2-like length: log-normal with median 8 tokens (mean ≈ 10), long tail clipped at 52. */
function drawLength(rng: Rng): number {
  const n = Math.round(Math.exp(Math.log(8) + 0.65 * rng.normal()));
  return Math.min(MAX_TOKENS, Math.max(2, n));
}

function checkSize(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new BenchError('INVALID_ARGUMENT', `createSyntheticDataset: ${name} must be an integer ≥ ${min} (got ${value}). Pass a larger whole number.`);
  }
  return value;
}

/**
 * Generates a seeded two-class corpus shaped like SST-2, so the benchmark runs on a fresh clone without
 * downloading data: Zipf-distributed pseudo-words from a ~15k-word vocabulary, sentence lengths with
 * mean ≈ 10 tokens and a long tail to ~50, and a planted signal — 150 cue words per class, one or two
 * of which appear in `signal` of the sentences of that class (the rest carry no cue, so the best
 * reachable accuracy is about `signal + (1 − signal) / 2`).
 *
 * @param options - see {@link SyntheticDatasetOptions}
 * @returns train and test examples labelled `negative` / `positive`, the same for the same options
 * @throws {@link BenchError} `INVALID_ARGUMENT` for a size that is not a positive integer or a signal outside [0, 1]
 * @example
 * ```ts
 * const { train, test } = createSyntheticDataset({ trainSize: 1000, testSize: 200, seed: 7 });
 * console.log(train[0]?.text, train[0]?.label);
 * ```
 */
export function createSyntheticDataset(options: SyntheticDatasetOptions = {}): SyntheticDataset {
  const resolved: Required<SyntheticDatasetOptions> = {
    trainSize: checkSize('trainSize', options.trainSize ?? 20_000, 2),
    testSize: checkSize('testSize', options.testSize ?? 2_000, 2),
    vocabularySize: checkSize('vocabularySize', options.vocabularySize ?? 15_000, 10),
    seed: options.seed ?? 42,
    signal: options.signal ?? 0.9,
  };
  if (!(resolved.signal >= 0 && resolved.signal <= 1)) {
    throw new BenchError('INVALID_ARGUMENT', `createSyntheticDataset: signal must be in [0, 1] (got ${resolved.signal}). Pass a share such as 0.9.`);
  }
  const rng = createRng(resolved.seed);
  const cdf = zipfCdf(resolved.vocabularySize);
  // Cue words come after the ordinary vocabulary so they never collide with it.
  const cues = [0, 1].map((c) => Array.from({ length: CUES_PER_CLASS }, (_, i) => pseudoWord(resolved.vocabularySize + c * CUES_PER_CLASS + i)));
  const labels = ['negative', 'positive'] as const;
  const sentence = (): BenchExample => {
    const cls = rng.nextInt(2);
    const length = drawLength(rng);
    const words: string[] = [];
    for (let i = 0; i < length; i++) words.push(pseudoWord(drawRank(cdf, rng)));
    if (rng.next() < resolved.signal) {
      const count = 1 + rng.nextInt(2);
      for (let k = 0; k < count; k++) {
        words[rng.nextInt(words.length)] = cues[cls]![rng.nextInt(CUES_PER_CLASS)]!;
      }
    }
    let text = words.join(' ');
    if (rng.next() < 0.3) text += ' ,' + (rng.next() < 0.5 ? ' and' : ' but');
    return { text: `${text} .`, label: labels[cls]! };
  };
  const train = Array.from({ length: resolved.trainSize }, sentence);
  const test = Array.from({ length: resolved.testSize }, sentence);
  return { train, test, options: resolved };
}
