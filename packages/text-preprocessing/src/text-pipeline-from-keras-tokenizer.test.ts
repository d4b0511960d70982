import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TextPreprocessingError } from './errors.js';
import { PAD_ID, UNK_ID } from './special-tokens.js';
import { textPipelineFromJSON } from './text-pipeline-from-json.js';
import { textPipelineFromKerasTokenizer, validateKerasTokenizerJSON } from './text-pipeline-from-keras-tokenizer.js';

/*
 * Fixtures: exactly the format of Keras `Tokenizer.to_json()` (json.dumps of
 * {"class_name": "Tokenizer", "config": get_config()}, where the dictionaries are themselves
 * json.dumps strings, non-ASCII escaped as \uXXXX), for a tokenizer fitted on:
 *   "The movie was great!", "The movie was terrible...", "Great acting, great plot.", "Café: great!"
 * keras-tokenizer-oov.json:    Tokenizer(num_words=6, oov_token="<OOV>")
 * keras-tokenizer-no-oov.json: Tokenizer()
 * Expected sequences below are what Keras texts_to_sequences returns for those tokenizers.
 */
const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');

const texts = ['The movie was great!', 'The movie was terrible...', 'Great acting, great plot.', 'Café: great!', 'An unknown film, great!'];

describe('textPipelineFromKerasTokenizer', () => {
  it('reproduces Keras texts_to_sequences ids exactly when the tokenizer has an oov_token', () => {
    const pipeline = textPipelineFromKerasTokenizer(fixture('keras-tokenizer-oov.json'));
    const keras = [
      [3, 4, 5, 2],
      [3, 4, 5, 1],
      [2, 1, 2, 1],
      [1, 2],
      [1, 1, 1, 2],
    ];
    expect(texts.map((t) => Array.from(pipeline.encode(t)))).toEqual(keras);
    // num_words=6 keeps Keras indices 1..5; index 1 (the OOV token) is our <unk>.
    expect(pipeline.vocabulary.tokens()).toEqual(['<pad>', '<unk>', 'great', 'the', 'movie', 'was']);
  });

  it('matches Keras pad_sequences(maxlen=6) when padding and truncating are pre', () => {
    const pipeline = textPipelineFromKerasTokenizer(fixture('keras-tokenizer-oov.json'), {
      maxLength: 6,
      padding: 'pre',
      truncating: 'pre',
    });
    const batch = pipeline.encodeBatch(texts.slice(0, 2), { length: 6 });
    expect(Array.from(batch.ids)).toEqual([0, 0, 3, 4, 5, 2, 0, 0, 3, 4, 5, 1]);
  });

  it('shifts ids by one and maps unknown words to UNK_ID when there is no oov_token', () => {
    const pipeline = textPipelineFromKerasTokenizer(JSON.parse(fixture('keras-tokenizer-no-oov.json')));
    // Keras gives [2,3,4,1], [2,3,4,5], [1,6,1,7], [8,1] and drops unknown words ([1] for the last text).
    const keras = [[2, 3, 4, 1], [2, 3, 4, 5], [1, 6, 1, 7], [8, 1], [1]];
    const ours = texts.map((t) => Array.from(pipeline.encode(t)));
    expect(ours.slice(0, 4)).toEqual(keras.slice(0, 4).map((row) => row.map((id) => id + 1)));
    expect(ours[4]).toEqual([UNK_ID, UNK_ID, UNK_ID, 2]);
    expect(pipeline.vocabulary.size).toBe(10);
    expect(pipeline.vocabulary.tokenOf(9)).toBe('café');
  });

  it('configures Keras-style normalization and tokenization and survives a JSON round trip', () => {
    const pipeline = textPipelineFromKerasTokenizer(fixture('keras-tokenizer-oov.json'));
    expect(pipeline.config.tokenizer).toEqual({
      type: 'keras',
      filters: '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n',
      split: ' ',
      charLevel: false,
    });
    expect(pipeline.config.normalization).toMatchObject({ unicode: 'none', lowercase: true, stripHtml: false });
    const restored = textPipelineFromJSON(JSON.parse(JSON.stringify(pipeline)));
    for (const text of texts) expect(restored.encode(text)).toEqual(pipeline.encode(text));
  });

  it('imports char-level tokenizers and lower: false', () => {
    const json = {
      class_name: 'Tokenizer',
      config: {
        num_words: null,
        filters: '',
        lower: false,
        split: ' ',
        char_level: true,
        oov_token: 'UNK',
        document_count: 1,
        word_counts: '{"A": 1, "b": 1, " ": 1}',
        word_docs: '{"A": 1, "b": 1, " ": 1}',
        index_docs: '{"2": 1, "3": 1, "4": 1}',
        index_word: '{"1": "UNK", "2": "A", "3": "b", "4": " "}',
        word_index: '{"UNK": 1, "A": 2, "b": 3, " ": 4}',
      },
    };
    const pipeline = textPipelineFromKerasTokenizer(json);
    expect(Array.from(pipeline.encode('A bB'))).toEqual([2, 4, 3, UNK_ID]);
  });

  it('lists every problem in an invalid tokenizer JSON', () => {
    const json = {
      class_name: 'TextVectorization',
      config: {
        num_words: -3,
        oov_token: '<OOV>',
        lower: 'yes',
        split: '',
        char_level: false,
        filters: '',
        word_index: '{"a": 1, "b": 3, "c": "x", "<OOV>": 2}',
      },
    };
    const problems = validateKerasTokenizerJSON(json);
    expect(problems.map((p) => p.path)).toEqual([
      '$.class_name',
      '$.config.num_words',
      '$.config.lower',
      '$.config.split',
      '$.config.word_index.c',
      '$.config.oov_token',
    ]);
    expect(() => textPipelineFromKerasTokenizer(json)).toThrow(TextPreprocessingError);
    expect(validateKerasTokenizerJSON('not json')).toEqual([{ path: '$', message: 'is not valid JSON text' }]);
    expect(validateKerasTokenizerJSON({ class_name: 'Tokenizer', config: { word_index: '{"a": 1, "b": 3}' } })).toEqual([
      { path: '$.config.word_index', message: 'must number words 1..2 without gaps (index 2 is missing)' },
    ]);
  });

  it('keeps PAD_ID for padding only: Keras never assigns index 0', () => {
    const pipeline = textPipelineFromKerasTokenizer(fixture('keras-tokenizer-oov.json'));
    for (const text of texts) expect(Array.from(pipeline.encode(text))).not.toContain(PAD_ID);
  });
});
