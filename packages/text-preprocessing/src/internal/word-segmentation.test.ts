import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findCut, forEachChunk, mayCutHard } from './chunking.js';
import { keptWords, scanAsciiWords, segmentGraphemes, segmentWords, segmentWordsUnchunked } from './word-segmentation.js';

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

describe('keptWords', () => {
  const side = fc.constantFrom('start' as const, 'end' as const);
  const reference = (text: string, count: number, end: 'start' | 'end', maxChunk?: number): string[] => {
    const all = segmentWords(text, maxChunk);
    return end === 'end' ? all.slice(Math.max(0, all.length - count)) : all.slice(0, count);
  };

  it('keeps exactly the first or last words of segmentWords on ASCII text', () => {
    fc.assert(
      fc.property(fc.array(asciiText, { maxLength: 12 }), fc.integer({ min: 0, max: 40 }), side, (parts, count, end) => {
        const text = parts.join(' ');
        expect(keptWords(text, count, end).words).toEqual(reference(text, count, end));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps exactly the first or last words of segmentWords on mixed text, hard chunk cuts included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: mixedUnit, maxLength: 300 }),
        fc.integer({ min: 0, max: 30 }),
        side,
        fc.integer({ min: 6, max: 60 }),
        (text, count, end, maxChunk) => {
          expect(keptWords(text, count, end, maxChunk).words).toEqual(reference(text, count, end, maxChunk));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps exactly the first or last words of segmentWords on mixed text in sentences (the stretch path)', () => {
    const separator = fc.constantFrom(' ', '\n', ' ', '。', '！', '\u3000');
    const sentences = fc.array(fc.tuple(fc.string({ unit: mixedUnit, maxLength: 12 }), separator), { maxLength: 40 });
    fc.assert(
      fc.property(sentences, fc.integer({ min: 0, max: 30 }), side, fc.integer({ min: 20, max: 200 }), (parts, count, end, maxChunk) => {
        const text = parts.map(([words, sep]) => words + sep).join('');
        expect(keptWords(text, count, end, maxChunk).words).toEqual(reference(text, count, end, maxChunk));
      }),
      { numRuns: 3000 },
    );
  });

  it('segments only a stretch at the kept end of a long text', () => {
    const review = 'I watched this film twice. The acting is wooden, the plot thin; still, 3.5 stars! '.repeat(40);
    const chinese = '这部电影很好看，演员的表演非常自然。故事情节也很吸引人！'.repeat(40);
    for (const [text, count] of [
      [review, 100],
      [chinese, 30],
      [`${review}北京 ${review}`, 100],
    ] as const) {
      expect(mayCutHard(text, 1000)).toBe(false);
      for (const end of ['start', 'end'] as const) {
        const kept = keptWords(text, count, end);
        expect(kept.words).toEqual(reference(text, count, end));
        expect(kept.words).toHaveLength(count);
        expect(kept.to - kept.from).toBeLessThan(text.length / 2);
        expect(end === 'end' ? kept.to : kept.from).toBe(end === 'end' ? text.length : 0);
      }
    }
  });

  it('segments the whole text where segmentWords would cut a chunk at no guaranteed boundary', () => {
    const text = `${'我喜欢北京天安门'.repeat(200)} ${'good movie '.repeat(100)}`;
    expect(mayCutHard(text, 1000)).toBe(true);
    const kept = keptWords(text, 10, 'end');
    expect(kept).toMatchObject({ from: 0, to: text.length });
    expect(kept.words).toEqual(reference(text, 10, 'end'));
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
