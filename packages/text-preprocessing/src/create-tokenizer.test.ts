import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenizer, type TokenizerConfig } from './create-tokenizer.js';
import { TextPreprocessingError } from './errors.js';
import { segmentWordsUnchunked } from './internal/word-segmentation.js';

const configs: TokenizerConfig[] = [
  { type: 'word' },
  { type: 'whitespace' },
  { type: 'char' },
  { type: 'char-ngram' },
  { type: 'char-ngram', minN: 1, maxN: 3, boundaries: false },
  { type: 'keras', filters: '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n', split: ' ', charLevel: false },
  { type: 'keras', filters: '', split: ' ', charLevel: true },
];

describe('createTokenizer', () => {
  it('never throws on arbitrary strings, for every tokenizer type', () => {
    const tokenizers = configs.map(createTokenizer);
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (text) => {
        for (const tokenizer of tokenizers) {
          const tokens = tokenizer.tokenize(text);
          expect(Array.isArray(tokens)).toBe(true);
          for (const token of tokens) expect(token.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fills in defaults in its config', () => {
    expect(createTokenizer({ type: 'char-ngram' }).config).toEqual({
      type: 'char-ngram',
      minN: 2,
      maxN: 4,
      boundaries: true,
    });
    expect(createTokenizer({ type: 'char-ngram', minN: 5 }).config).toMatchObject({ minN: 5, maxN: 5 });
    expect(createTokenizer({ type: 'char-ngram', maxN: 1 }).config).toMatchObject({ minN: 1, maxN: 1 });
  });

  it('rejects invalid configs with every problem listed', () => {
    const call = () => createTokenizer({ type: 'char-ngram', minN: 0, maxN: 'x' } as unknown as TokenizerConfig);
    expect(call).toThrow(TextPreprocessingError);
    try {
      call();
    } catch (error) {
      const e = error as TextPreprocessingError;
      expect(e.code).toBe('INVALID_CONFIG');
      expect(e.problems.map((p) => p.path)).toEqual(['$.minN', '$.maxN']);
    }
    expect(() => createTokenizer({ type: 'bpe' } as unknown as TokenizerConfig)).toThrow(/\$\.type must be one of/);
    expect(() => createTokenizer({ type: 'char-ngram', minN: 4, maxN: 2 })).toThrow(/must be >= minN/);
  });

  it('rejects non-string input with INVALID_ARGUMENT', () => {
    expect(() => createTokenizer({ type: 'word' }).tokenize(null as unknown as string)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('word tokenizer', () => {
  const tokenizer = createTokenizer({ type: 'word' });

  it('keeps words, contractions and numbers and drops punctuation', () => {
    expect(tokenizer.tokenize("Don't stop: it's 3.14 times better, e.g. here!")).toEqual(["Don't", 'stop', "it's", '3.14', 'times', 'better', 'e.g', 'here']);
  });

  it('keeps emoji, emoji with modifiers, ZWJ sequences and flags', () => {
    expect(tokenizer.tokenize('love it 😍👍🏽 family 👨\u200d👩\u200d👧 🇫🇷!!')).toEqual(['love', 'it', '😍', '👍🏽', 'family', '👨\u200d👩\u200d👧', '🇫🇷']);
  });

  it('segments Chinese into multi-character words', () => {
    const tokens = tokenizer.tokenize('我喜欢北京天安门。这个产品非常好！');
    expect(tokens).toContain('喜欢');
    expect(tokens).toContain('北京');
    expect(tokens).toContain('天安门');
    expect(tokens.some((t) => t.length > 1)).toBe(true);
    expect(tokens).not.toContain('。');
    expect(tokens.join('')).toBe('我喜欢北京天安门这个产品非常好');
  });

  it('segments Japanese, Thai, Korean, Russian and Arabic text', () => {
    expect(tokenizer.tokenize('日本語のテキスト')).toEqual(['日本語', 'の', 'テキスト']);
    expect(tokenizer.tokenize('ภาษาไทย')).toEqual(['ภาษา', 'ไทย']);
    expect(tokenizer.tokenize('한국어 문장')).toEqual(['한국어', '문장']);
    expect(tokenizer.tokenize('Привет, мир!')).toEqual(['Привет', 'мир']);
    expect(tokenizer.tokenize('مرحبا بالعالم')).toEqual(['مرحبا', 'بالعالم']);
  });

  it('gives the same tokens as unchunked Intl.Segmenter for short text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(tokenizer.tokenize(text)).toEqual(segmentWordsUnchunked(text));
      }),
      { numRuns: 500 },
    );
  });

  it('tokenizes a 200,000-character text (chunked) with the same words as its parts', () => {
    const paragraph = 'Le café était très bon 😀, mais le service — lent. 我喜欢北京。 ';
    const text = paragraph.repeat(Math.ceil(200_000 / paragraph.length));
    expect(text.length).toBeGreaterThanOrEqual(200_000);
    const tokens = tokenizer.tokenize(text);
    const perParagraph = tokenizer.tokenize(paragraph);
    expect(tokens.length).toBe(perParagraph.length * Math.ceil(200_000 / paragraph.length));
    expect(tokens.slice(0, perParagraph.length)).toEqual(perParagraph);
  });

  it('tokenizes a 200,000-character text without any whitespace', () => {
    const text = '这个产品非常好我很满意'.repeat(18_200);
    expect(text.length).toBeGreaterThan(200_000);
    const tokens = tokenizer.tokenize(text);
    expect(tokens.join('')).toBe(text);
    expect(tokens.length).toBeGreaterThan(text.length / 4);
  });
});

describe('whitespace tokenizer', () => {
  it('splits on Unicode whitespace and keeps punctuation attached', () => {
    expect(createTokenizer({ type: 'whitespace' }).tokenize('  hello,\u00a0world!\u3000again\n')).toEqual(['hello,', 'world!', 'again']);
  });
});

describe('char tokenizer', () => {
  it('returns grapheme clusters without whitespace', () => {
    expect(createTokenizer({ type: 'char' }).tokenize('ok 👍🏽 é')).toEqual(['o', 'k', '👍🏽', 'é']);
  });
});

describe('char-ngram tokenizer', () => {
  it('produces fastText-style n-grams with boundary markers', () => {
    const tokenizer = createTokenizer({ type: 'char-ngram', minN: 1, maxN: 3 });
    expect(tokenizer.tokenize('ab')).toEqual(['<a', '<ab', 'a', 'ab', 'ab>', 'b', 'b>']);
  });

  it('produces plain n-grams without boundaries, per word', () => {
    const tokenizer = createTokenizer({ type: 'char-ngram', minN: 2, maxN: 2, boundaries: false });
    expect(tokenizer.tokenize('abc, de')).toEqual(['ab', 'bc', 'de']);
  });

  it('counts code points, not UTF-16 units', () => {
    const tokenizer = createTokenizer({ type: 'char-ngram', minN: 1, maxN: 1, boundaries: false });
    expect(tokenizer.tokenize('😀')).toEqual(['😀']);
  });
});

describe('keras tokenizer', () => {
  it('replaces filters by the separator and splits', () => {
    const tokenizer = createTokenizer({ type: 'keras', filters: '!,.', split: ' ', charLevel: false });
    expect(tokenizer.tokenize("hello, world!it's.fine")).toEqual(['hello', 'world', "it's", 'fine']);
  });

  it('returns every code point at char level', () => {
    const tokenizer = createTokenizer({ type: 'keras', filters: '!', split: ' ', charLevel: true });
    expect(tokenizer.tokenize('a b!😀')).toEqual(['a', ' ', 'b', '!', '😀']);
  });
});
