import { describe, expect, it } from 'vitest';
import { classifierOptionsFrom } from './train.js';

describe('classifierOptionsFrom', () => {
  it('maps CLI option names to model-core names and leaves unset ones to the defaults', () => {
    expect(classifierOptionsFrom({})).toEqual({});
    expect(
      classifierOptionsFrom({
        arch: 'cnn',
        maxLength: 50,
        vocabSize: 1000,
        embeddingDim: 8,
        units: 4,
        dropout: 0.2,
        learningRate: 0.01,
        tokenizer: 'char-ngram',
      }),
    ).toEqual({
      architecture: 'cnn',
      maxLength: 50,
      vocabSize: 1000,
      embeddingDim: 8,
      units: 4,
      dropout: 0.2,
      learningRate: 0.01,
      tokenizer: 'char-ngram',
    });
  });
});
