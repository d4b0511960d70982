import { fitTextPipeline } from '@glossa/text-preprocessing';
import { describe, expect, it } from 'vitest';
import { countTrainTokens, trainTokensPerSecond } from './count-train-tokens.js';
import { createSyntheticDataset } from './create-synthetic-dataset.js';

describe('countTrainTokens', () => {
  it('counts the tokens each text gives, cut at max length, and the whole texts', () => {
    // Words as UAX #29 segments them, punctuation dropped: 'A good film, truly!' → a, good, film, truly
    // (4, cut to 3); "Don't go" → don't, go (2); '' → none.
    expect(countTrainTokens(['A good film, truly!', "Don't go", ''], 3)).toEqual({
      texts: 3,
      tokens: 5,
      untruncatedTokens: 6,
      truncatedTexts: 1,
      maxLength: 3,
      tokenizer: 'word',
    });
  });

  it('counts exactly the ids the pipeline fit builds feeds the model', () => {
    const texts = createSyntheticDataset({ trainSize: 300, testSize: 2, seed: 7 }).train.map((e) => e.text);
    const pipeline = fitTextPipeline(texts, { tokenizer: { type: 'word' }, maxLength: 12, truncating: 'pre' });
    const count = countTrainTokens(texts, 12);
    expect(count.tokens).toBe(texts.reduce((n, t) => n + pipeline.encode(t).length, 0));
    expect(count.untruncatedTokens).toBe(texts.reduce((n, t) => n + pipeline.tokenize(t).length, 0));
    expect(count.truncatedTexts).toBe(texts.filter((t) => pipeline.tokenize(t).length > 12).length);
    expect(count.truncatedTexts).toBeGreaterThan(0);
  });
});

describe('trainTokensPerSecond', () => {
  const count = { texts: 4, tokens: 100, untruncatedTokens: 140, truncatedTexts: 1, maxLength: 30, tokenizer: 'word' };
  it('multiplies samples/s by the tokens per text, cut or whole', () => {
    expect(trainTokensPerSecond(8, count)).toBe(200);
    expect(trainTokensPerSecond(8, count, true)).toBe(280);
  });
  it('is null without a rate or texts', () => {
    expect(trainTokensPerSecond(null, count)).toBeNull();
    expect(trainTokensPerSecond(8, { ...count, texts: 0 })).toBeNull();
  });
});
