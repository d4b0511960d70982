import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenizer, type TokenizerConfig } from './create-tokenizer.js';
import { TextPreprocessingError } from './errors.js';
import { type NormalizationOptions, normalizeText } from './normalize-text.js';
import { fitTextPipeline } from './text-pipeline.js';
import { textPipelineFromJSON } from './text-pipeline-from-json.js';
import { textPipelineFromKerasTokenizer } from './text-pipeline-from-keras-tokenizer.js';
import { vocabularyFromJSON } from './vocabulary-from-json.js';

// Issue 5: arbitrary Unicode (lone surrogates, NULs, controls, markup, huge lines) never makes the
// normaliser, the tokenizers or the encoder throw or produce an id outside the vocabulary, and arbitrary
// or mutated JSON never makes a loader throw anything but TextPreprocessingError.

const RUNS = Number(process.env.GLOSSA_FUZZ_RUNS ?? 200);

const nasty = fc.constantFrom(
  '\u0000',
  '\uD800',
  '\uDFFF',
  '\uDBFF\uDFFF',
  '\uFEFF',
  '\u200B',
  '\u202E',
  '\u0301',
  '\u0085',
  '\u2028',
  '\r\n',
  '\t',
  '&amp;',
  '&#0;',
  '&#xD800;',
  '&#99999999;',
  '<',
  '</',
  '<script>',
  '<!--',
  '>',
  '"',
  "'",
  'İ',
  'ß',
  'ﬃ',
  '㍿',
  '🏳️‍🌈',
  '👍🏽',
  '中文',
  '日本語',
  'ภาษาไทย',
  'العربية',
  '\u{E0001}',
  ' '.repeat(50),
);
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.array(fc.oneof(nasty, fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 30 }).map((parts) => parts.join('')),
);
const tokenizer: fc.Arbitrary<TokenizerConfig> = fc.oneof(
  fc.constantFrom<TokenizerConfig>({ type: 'word' }, { type: 'whitespace' }, { type: 'char' }),
  fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 4 }), fc.boolean())
    .map(([minN, extra, boundaries]): TokenizerConfig => ({ type: 'char-ngram', minN, maxN: minN + extra, boundaries })),
);
const normalization: fc.Arbitrary<NormalizationOptions> = fc.record(
  {
    unicode: fc.constantFrom('NFKC' as const, 'NFC' as const, 'none' as const),
    lowercase: fc.boolean(),
    stripAccents: fc.boolean(),
    stripHtml: fc.boolean(),
    removeControl: fc.boolean(),
    collapseWhitespace: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe('text preprocessing on arbitrary text', () => {
  it('normalises and tokenizes anything into non-empty string tokens', () => {
    fc.assert(
      fc.property(text, normalization, tokenizer, (input, options, config) => {
        const normalized = normalizeText(input, options);
        expect(typeof normalized).toBe('string');
        for (const token of createTokenizer(config).tokenize(normalized)) {
          expect(typeof token).toBe('string');
          expect(token.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('encodes anything to ids inside the vocabulary, at most maxLength of them', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 8 }), text, tokenizer, fc.integer({ min: 1, max: 40 }), (corpus, input, config, maxLength) => {
        const pipeline = fitTextPipeline(corpus, { tokenizer: config, maxLength });
        const ids = pipeline.encode(input);
        expect(ids.length).toBeLessThanOrEqual(maxLength);
        for (const id of ids) {
          expect(Number.isInteger(id)).toBe(true);
          expect(id).toBeGreaterThanOrEqual(1);
          expect(id).toBeLessThan(pipeline.vocabulary.size);
        }
        const batch = pipeline.encodeBatch([input, ...corpus]);
        expect(batch.ids.length).toBe(batch.batchSize * batch.length);
        // What was encoded round-trips through the pipeline's JSON.
        expect(Array.from(textPipelineFromJSON(JSON.stringify(pipeline.toJSON())).encode(input))).toEqual(Array.from(ids));
      }),
      { numRuns: RUNS },
    );
  });

  it('handles megabyte-long lines of every shape in one pass', () => {
    const shapes = [
      'word '.repeat(200_000),
      'x'.repeat(1_000_000),
      '中'.repeat(500_000),
      'a\u0301'.repeat(300_000),
      '&amp;'.repeat(200_000),
      '<'.repeat(1_000_000),
      '<b'.repeat(300_000),
      '\uD800'.repeat(500_000),
      '\u0000'.repeat(500_000),
      ' '.repeat(1_000_000),
    ];
    const pipeline = fitTextPipeline(['word x 中 a'], { maxLength: 100 });
    for (const config of [{ type: 'word' }, { type: 'whitespace' }, { type: 'char' }, { type: 'char-ngram', minN: 2, maxN: 4 }] as TokenizerConfig[]) {
      const tokenize = createTokenizer(config);
      for (const shape of shapes) expect(Array.isArray(tokenize.tokenize(normalizeText(shape)))).toBe(true);
    }
    for (const shape of shapes) expect(pipeline.encode(shape).length).toBeLessThanOrEqual(100);
    // ~10 s alone; several times that while turbo runs every package's tests at once on 2 cores.
  }, 240_000);
});

describe('loaders on arbitrary JSON', () => {
  const loaders: Array<[string, (json: unknown) => unknown]> = [
    ['textPipelineFromJSON', (json) => textPipelineFromJSON(json)],
    ['vocabularyFromJSON', (json) => vocabularyFromJSON(json)],
    ['textPipelineFromKerasTokenizer', (json) => textPipelineFromKerasTokenizer(json as object)],
  ];
  const refusesCleanly = (load: (json: unknown) => unknown, json: unknown): void => {
    try {
      load(json);
    } catch (error) {
      if (!(error instanceof TextPreprocessingError)) throw error;
    }
  };

  it.each(loaders)('%s throws only TextPreprocessingError on any JSON value or text', (_name, load) => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string({ unit: 'binary' }), fc.json()), (json) => refusesCleanly(load, json)),
      { numRuns: RUNS },
    );
  });

  it('textPipelineFromJSON loads or refuses a valid pipeline with one value replaced', () => {
    const valid = fitTextPipeline(['a b c', 'b c d'], { tokenizer: { type: 'char-ngram', minN: 1, maxN: 3 } }).toJSON() as unknown as Record<string, unknown>;
    const keys = ['schema', 'schemaVersion', 'config', 'vocabulary'];
    const configKeys = ['normalization', 'tokenizer', 'vocabulary', 'maxLength', 'padding', 'truncating', '__proto__', 'constructor'];
    const hostile = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(2 ** 31, 1e12, -1, 0.5, '__proto__', null, [], {}));
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.constantFrom(...configKeys), hostile, fc.boolean(), (key, configKey, value, deep) => {
        const copy = structuredClone(valid);
        if (deep && typeof copy.config === 'object' && copy.config !== null) (copy.config as Record<string, unknown>)[configKey] = value;
        else copy[key] = value;
        try {
          const pipeline = textPipelineFromJSON(copy);
          for (const id of pipeline.encode('a b c d e')) expect(id).toBeLessThan(pipeline.vocabulary.size);
        } catch (error) {
          if (!(error instanceof TextPreprocessingError)) throw error;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a Keras word_index with absurd indices without allocating them', () => {
    const keras = (wordIndex: Record<string, unknown>): string =>
      JSON.stringify({
        class_name: 'Tokenizer',
        config: {
          num_words: null,
          filters: '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n',
          lower: true,
          split: ' ',
          char_level: false,
          oov_token: '<OOV>',
          document_count: 2,
          word_counts: JSON.stringify({ a: 1 }),
          word_docs: JSON.stringify({ a: 1 }),
          index_docs: JSON.stringify({ 2: 1 }),
          index_word: JSON.stringify({ 1: '<OOV>', 2: 'a' }),
          word_index: JSON.stringify(wordIndex),
        },
      });
    for (const index of [1e9, 2 ** 31, -1, 1.5, 'two', 1e300]) {
      refusesCleanly((json) => textPipelineFromKerasTokenizer(json as string), keras({ '<OOV>': 1, a: index }));
    }
  });
});
