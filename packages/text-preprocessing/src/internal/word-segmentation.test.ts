import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findCut, forEachChunk } from './chunking.js';
import { scanAsciiWords, segmentGraphemes, segmentWords, segmentWordsUnchunked } from './word-segmentation.js';

const asciiText = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...'abcXYZ0129_') },
    { weight: 4, arbitrary: fc.constantFrom(...'.,;:\'" \t\n\r-!?@#$%&()[]/\\') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 60,
});

const mixedUnit = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(..."abc019_.,:'") },
  { weight: 4, arbitrary: fc.constantFrom(' ', ' ', '\n', '\u00a0', '\u3000', '\u202f') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'é',
      'ß',
      '\u0301',
      '\u200d',
      '\u200b',
      '😀',
      '👍🏽',
      '🏽',
      '🇫🇷',
      '我',
      '喜欢',
      '北京',
      '。',
      '，',
      'カタカナ',
      'ไทย',
      'мир',
      'עברית',
      '"',
      '٣',
    ),
  },
);

describe('scanAsciiWords', () => {
  it('gives exactly the word-like segments of Intl.Segmenter on ASCII text', () => {
    fc.assert(
      fc.property(asciiText, (text) => {
        const fast: string[] = [];
        scanAsciiWords(text, 0, text.length, fast);
        expect(fast).toEqual(segmentWordsUnchunked(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('handles the UAX #29 joiners', () => {
    const out: string[] = [];
    const text = "don't e.g. 3.14 1,000 a:b foo_bar _ __ a. 'x' a..b";
    scanAsciiWords(text, 0, text.length, out);
    expect(out).toEqual(["don't", 'e.g', '3.14', '1,000', 'a:b', 'foo_bar', '__', 'a', 'x', 'a', 'b']);
  });
});

describe('segmentWords', () => {
  it('gives the same words as unchunked segmentation when chunks end at guaranteed boundaries', () => {
    fc.assert(
      fc.property(fc.string({ unit: mixedUnit, maxLength: 80 }), fc.integer({ min: 4, max: 24 }), (text, size) => {
        let hard = false;
        forEachChunk(text, 0, text.length, size, (_from, _to, kind) => {
          if (kind === 'hard') hard = true;
        });
        fc.pre(!hard);
        expect(segmentWords(text, size)).toEqual(segmentWordsUnchunked(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('matches unchunked segmentation on mixed ASCII/non-ASCII text with the default chunk size', () => {
    fc.assert(
      fc.property(fc.string({ unit: mixedUnit, maxLength: 300 }), (text) => {
        expect(segmentWords(text)).toEqual(segmentWordsUnchunked(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('does not split Chinese words at forced cuts in long text without whitespace', () => {
    const sentence = '我喜欢北京天安门这个产品非常好';
    const expected = segmentWordsUnchunked(sentence);
    const text = sentence.repeat(40);
    const words = segmentWords(text, 50);
    expect(words.join('')).toBe(text);
    // Most cuts restart at a segment start: nearly every word matches the reference segmentation.
    const reference = segmentWordsUnchunked(text);
    expect(Math.abs(words.length - reference.length)).toBeLessThanOrEqual(4);
    expect(expected.length).toBeGreaterThan(4);
  });
});

describe('findCut', () => {
  it('prefers whitespace, then closing punctuation, then a cut that keeps surrogate pairs whole', () => {
    expect(findCut('ab cd ef', 0, 7)).toEqual({ index: 6, kind: 'whitespace' });
    expect(findCut('我们。你们好', 0, 5)).toEqual({ index: 3, kind: 'punctuation' });
    const emoji = '😀😀😀😀';
    const cut = findCut(emoji, 0, 3);
    expect(cut.kind).toBe('hard');
    expect(cut.index % 2).toBe(0);
  });
});

describe('segmentGraphemes', () => {
  it('keeps emoji with modifiers and ZWJ sequences whole and skips whitespace', () => {
    expect(segmentGraphemes('a 👍🏽\u00a0👨\u200d👩\u200d👧 é')).toEqual(['a', '👍🏽', '👨\u200d👩\u200d👧', 'é']);
  });

  it('splits ASCII into characters without whitespace', () => {
    expect(segmentGraphemes('ab c\r\nd')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('gives the same clusters chunked and unchunked', () => {
    fc.assert(
      fc.property(fc.string({ unit: mixedUnit, maxLength: 120 }), (text) => {
        const unchunked = Array.from(new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(text))
          .map((s) => s.segment)
          .filter((s) => !/^\p{White_Space}/u.test(s));
        let hard = false;
        forEachChunk(text, 0, text.length, 10, (_f, _t, kind) => {
          if (kind === 'hard') hard = true;
        });
        fc.pre(!hard);
        expect(segmentGraphemes(text, 10)).toEqual(unchunked);
      }),
      { numRuns: 1000 },
    );
  });
});
