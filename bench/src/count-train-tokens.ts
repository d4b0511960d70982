import { DEFAULT_CLASSIFIER_OPTIONS } from '@glossa/node-runtime';
import { buildVocabulary, createTextPipeline } from '@glossa/text-preprocessing';
import type { TrainTokenCount } from './types.js';

/**
 * Counts the tokens one training epoch reads, once for every system: each text tokenized by Glossa's text
 * pipeline with the tokenizer its `fit` uses (`DEFAULT_CLASSIFIER_OPTIONS.tokenizer`), cut at `maxLength`
 * (padding is not counted), and also uncut (what fastText and TF-IDF read).
 *
 * @param texts - the training texts (the CSV every system reads)
 * @param maxLength - the truncation length of the models
 * @returns the counts
 * @throws never for strings
 * @example
 * ```ts
 * countTrainTokens(['A good film!', 'Bad.'], 2); // { texts: 2, tokens: 3, untruncatedTokens: 4, truncatedTexts: 1, maxLength: 2, tokenizer: 'word' }
 * ```
 */
export function countTrainTokens(texts: readonly string[], maxLength: number): TrainTokenCount {
  const tokenizer = DEFAULT_CLASSIFIER_OPTIONS.tokenizer;
  // The vocabulary does not change how many tokens a text has: an empty one will do.
  const pipeline = createTextPipeline(buildVocabulary([]), { tokenizer: { type: tokenizer }, maxLength });
  let tokens = 0;
  let untruncatedTokens = 0;
  let truncatedTexts = 0;
  for (const text of texts) {
    const n = pipeline.tokenize(text).length;
    untruncatedTokens += n;
    tokens += Math.min(n, maxLength);
    if (n > maxLength) truncatedTexts++;
  }
  return { texts: texts.length, tokens, untruncatedTokens, truncatedTexts, maxLength, tokenizer };
}

/**
 * Training tokens/s from samples/s: samples/s × tokens per text of `count` (cut at max length, or whole
 * texts with `untruncated` for systems that truncate nothing).
 *
 * @param samplesPerSecond - training samples/s, or `null`
 * @param count - the data set's {@link TrainTokenCount}
 * @param untruncated - count whole texts (fastText, TF-IDF)
 * @returns tokens/s, or `null` without a samples/s figure or texts
 * @throws never
 * @example
 * ```ts
 * trainTokensPerSecond(1000, countTrainTokens(texts, 100)); // 1000 × mean tokens per text
 * ```
 */
export function trainTokensPerSecond(samplesPerSecond: number | null, count: TrainTokenCount, untruncated = false): number | null {
  if (samplesPerSecond === null || count.texts === 0) return null;
  return (samplesPerSecond * (untruncated ? count.untruncatedTokens : count.tokens)) / count.texts;
}
