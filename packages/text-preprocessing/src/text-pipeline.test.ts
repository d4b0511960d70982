import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVocabulary } from './build-vocabulary.js';
import { TextPreprocessingError } from './errors.js';
import { PAD_ID, UNK_ID, UNK_TOKEN } from './special-tokens.js';
import { createTextPipeline, DEFAULT_TEXT_PIPELINE_CONFIG, fitTextPipeline, resolveTextPipelineConfig, type TextPipelineConfig } from './text-pipeline.js';

const corpus = ['I loved this movie! 😍', 'Terrible plot &amp; <b>awful</b> acting.', 'Loved the acting, hated the ending.', '我喜欢这部电影'];

describe('fitTextPipeline', () => {
  it('builds the vocabulary from normalized, tokenized texts', () => {
    const pipeline = fitTextPipeline(corpus);
    const tokens = pipeline.vocabulary.tokens();
    expect(tokens.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    expect(tokens).toContain('loved');
    expect(tokens).toContain('😍');
    expect(tokens).toContain('喜欢');
    expect(tokens).not.toContain('Loved');
    expect(tokens).not.toContain('<b>');
    expect(pipeline.config).toEqual({ ...DEFAULT_TEXT_PIPELINE_CONFIG, tokenizer: { type: 'word' } });
  });

  it('matches the documented example ids', () => {
    const pipeline = fitTextPipeline(['I loved it!', 'I hated it.'], { maxLength: 20 });
    expect(Array.from(pipeline.encode('loved it'))).toEqual([4, 3]);
    expect(Array.from(pipeline.encodeBatch(['loved it', 'hated']).ids)).toEqual([4, 3, 5, 0]);
  });

  it('accepts a generator and rejects non-string texts', () => {
    function* texts() {
      yield 'a b';
      yield 'b';
    }
    expect(fitTextPipeline(texts()).vocabulary.tokens()).toEqual(['<pad>', '<unk>', 'b', 'a']);
    expect(() => fitTextPipeline(['ok', 3 as unknown as string])).toThrow(/text #1 is not a string/);
    expect(() => fitTextPipeline(5 as unknown as string[])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('rejects invalid configs with JSON paths', () => {
    const bad = { maxLength: 0, padding: 'left', tokenizer: { type: 'nope' } } as unknown as Partial<TextPipelineConfig>;
    try {
      fitTextPipeline(['x'], bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TextPreprocessingError);
      const e = error as TextPreprocessingError;
      expect(e.code).toBe('INVALID_CONFIG');
      expect(e.problems.map((p) => p.path).sort()).toEqual(['$.maxLength', '$.padding', '$.tokenizer.type']);
    }
  });
});

describe('TextPipeline.encode', () => {
  const pipeline = fitTextPipeline(corpus, { maxLength: 5 });

  it('returns ids truncated to maxLength and not padded; empty text gives an empty array', () => {
    const ids = pipeline.encode('loved loved loved loved loved loved loved');
    expect(ids).toBeInstanceOf(Int32Array);
    expect(ids.length).toBe(5);
    expect(pipeline.encode('')).toEqual(new Int32Array(0));
    expect(pipeline.encode('   <p></p> ')).toEqual(new Int32Array(0));
  });

  it('truncates at the end by default and at the start with truncating: pre', () => {
    const post = fitTextPipeline(['a b c d e f g'], { maxLength: 3 });
    const pre = fitTextPipeline(['a b c d e f g'], { maxLength: 3, truncating: 'pre' });
    expect(post.decode(post.encode('a b c d e f g'))).toEqual(['a', 'b', 'c']);
    expect(pre.decode(pre.encode('a b c d e f g'))).toEqual(['e', 'f', 'g']);
  });

  it('maps unknown words to UNK_ID and never produces NaN or out-of-range ids', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const ids = pipeline.encode(text);
        for (const id of ids) {
          expect(Number.isInteger(id)).toBe(true);
          expect(id).toBeGreaterThanOrEqual(UNK_ID);
          expect(id).toBeLessThan(pipeline.vocabulary.size);
        }
      }),
      { numRuns: 300 },
    );
    expect(Array.from(pipeline.encode('zyzzyva'))).toEqual([UNK_ID]);
  });

  it('round-trips decode(encode(x)) to the tokens, with unknown tokens as <unk>', () => {
    const words = ['loved', 'acting', 'plot', 'movie', 'unseen', 'zebra', '喜欢', '😍'];
    const wide = fitTextPipeline(corpus, { maxLength: 1000 });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 30 }), (chosen) => {
        const text = chosen.join(' ');
        const tokens = wide.tokenize(text);
        const expected = tokens.map((t) => (wide.vocabulary.has(t) ? t : UNK_TOKEN));
        expect(wide.decode(wide.encode(text))).toEqual(expected);
      }),
    );
  });
});

describe('TextPipeline.encodeBatch', () => {
  const pipeline = fitTextPipeline(['one two three four five six'], { maxLength: 4 });

  it("pads to the longest row with PAD_ID after the ids by default ('post')", () => {
    const batch = pipeline.encodeBatch(['one two', 'one two three four five six', '', 'three']);
    expect(batch.batchSize).toBe(4);
    expect(batch.length).toBe(4);
    expect(Array.from(batch.lengths)).toEqual([2, 4, 0, 1]);
    const [one, two, three, four] = ['one', 'two', 'three', 'four'].map((w) => pipeline.vocabulary.idOf(w));
    expect(Array.from(batch.ids)).toEqual([one, two, 0, 0, one, two, three, four, 0, 0, 0, 0, three, 0, 0, 0]);
  });

  it('pads before the ids with padding: pre, and honours length and minLength', () => {
    const pre = fitTextPipeline(['a b c'], { padding: 'pre' });
    const a = pre.vocabulary.idOf('a');
    const b = pre.vocabulary.idOf('b');
    expect(Array.from(pre.encodeBatch(['a b', 'a']).ids)).toEqual([a, b, PAD_ID, a]);
    expect(pre.encodeBatch(['a'], { length: 3 }).ids).toEqual(Int32Array.of(0, 0, a));
    expect(pre.encodeBatch(['a b c'], { length: 2 }).ids).toEqual(Int32Array.of(a, b));
    expect(pre.encodeBatch(['', ''], { minLength: 1 }).length).toBe(1);
    expect(pre.encodeBatch([]).ids.length).toBe(0);
  });

  it('rejects non-string texts', () => {
    expect(() => pipeline.encodeBatch(['ok', null as unknown as string])).toThrow(/texts\[1\] is not a string/);
  });
});

describe('createTextPipeline', () => {
  it('wraps an existing vocabulary', () => {
    const pipeline = createTextPipeline(buildVocabulary([['good'], ['bad']]), { maxLength: 50 });
    expect(Array.from(pipeline.encode('Good, not bad'))).toEqual([2, 1, 3]);
  });

  it('works with every tokenizer type', () => {
    for (const tokenizer of [{ type: 'whitespace' as const }, { type: 'char' as const }, { type: 'char-ngram' as const, minN: 2, maxN: 3 }]) {
      const pipeline = fitTextPipeline(corpus, { tokenizer });
      expect(pipeline.encode(corpus[0] as string).length).toBeGreaterThan(0);
      expect(pipeline.config.tokenizer.type).toBe(tokenizer.type);
    }
  });
});

describe('resolveTextPipelineConfig', () => {
  it('merges nested options with defaults', () => {
    const config = resolveTextPipelineConfig({ normalization: { lowercase: false }, vocabulary: { maxSize: 10 } });
    expect(config.normalization).toMatchObject({ lowercase: false, unicode: 'NFKC', stripHtml: true });
    expect(config.vocabulary).toEqual({ maxSize: 10, minFrequency: 1 });
    expect(config.maxLength).toBe(100);
    expect(config.padding).toBe('post');
    expect(config.truncating).toBe('post');
  });
});
