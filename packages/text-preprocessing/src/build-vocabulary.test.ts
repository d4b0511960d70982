import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVocabulary, createVocabularyBuilder } from './build-vocabulary.js';
import { TextPreprocessingError } from './errors.js';
import { PAD_ID, PAD_TOKEN, UNK_ID, UNK_TOKEN } from './special-tokens.js';

describe('buildVocabulary', () => {
  it('reserves <pad> = 0 and <unk> = 1 and orders by frequency, ties by first occurrence', () => {
    const vocabulary = buildVocabulary([
      ['b', 'a', 'c'],
      ['a', 'd', 'c'],
      ['e', 'd'],
    ]);
    expect(vocabulary.tokens()).toEqual([PAD_TOKEN, UNK_TOKEN, 'a', 'c', 'd', 'b', 'e']);
    expect(vocabulary.idOf(PAD_TOKEN)).toBe(PAD_ID);
    expect(vocabulary.idOf(UNK_TOKEN)).toBe(UNK_ID);
    expect(vocabulary.size).toBe(7);
  });

  it('applies maxSize (including the reserved ids) and minFrequency', () => {
    const lists = [['x', 'y', 'y', 'z', 'z', 'z']];
    expect(buildVocabulary(lists, { maxSize: 3 }).tokens()).toEqual([PAD_TOKEN, UNK_TOKEN, 'z']);
    expect(buildVocabulary(lists, { minFrequency: 2 }).tokens()).toEqual([PAD_TOKEN, UNK_TOKEN, 'z', 'y']);
    expect(buildVocabulary(lists, { maxSize: 2 }).tokens()).toEqual([PAD_TOKEN, UNK_TOKEN]);
  });

  it('does not give the reserved tokens a second id when they occur in the data', () => {
    expect(buildVocabulary([['<pad>', '<unk>', 'a', '<unk>']]).tokens()).toEqual([PAD_TOKEN, UNK_TOKEN, 'a']);
  });

  it('maps unknown tokens to UNK_ID, never undefined or NaN', () => {
    const vocabulary = buildVocabulary([['known']]);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (token) => {
        const id = vocabulary.idOf(token);
        expect(Number.isInteger(id)).toBe(true);
        if (token !== 'known' && token !== PAD_TOKEN) expect(id).toBe(UNK_ID);
      }),
    );
    expect(vocabulary.idOf('__proto__')).toBe(UNK_ID);
    expect(vocabulary.idOf('constructor')).toBe(UNK_ID);
  });

  it('round-trips tokens → ids → tokens for tokens in the vocabulary, unknown → <unk>', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'grapheme', maxLength: 5 }), { maxLength: 10 }), { maxLength: 10 }),
        fc.array(fc.string({ unit: 'grapheme', maxLength: 5 }), { maxLength: 20 }),
        (lists, query) => {
          const vocabulary = buildVocabulary(lists);
          const ids = query.map((t) => vocabulary.idOf(t));
          const back = ids.map((id) => vocabulary.tokenOf(id));
          query.forEach((token, i) => {
            expect(back[i]).toBe(vocabulary.has(token) ? token : UNK_TOKEN);
          });
        },
      ),
    );
  });

  it('returns <unk> for invalid ids', () => {
    const vocabulary = buildVocabulary([['a']]);
    for (const id of [-1, 3, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(vocabulary.tokenOf(id)).toBe(UNK_TOKEN);
    expect(vocabulary.tokenOf(2)).toBe('a');
  });

  it('accepts any iterable of token lists', () => {
    function* lists() {
      yield ['a'];
      yield ['b', 'b'];
    }
    expect(buildVocabulary(lists()).tokens()).toEqual([PAD_TOKEN, UNK_TOKEN, 'b', 'a']);
  });

  it('rejects invalid options', () => {
    expect(() => buildVocabulary([], { maxSize: 1 })).toThrow(TextPreprocessingError);
    expect(() => buildVocabulary([], { minFrequency: 0.5 })).toThrow(/minFrequency must be an integer/);
  });
});

describe('createVocabularyBuilder', () => {
  it('builds the same vocabulary incrementally as in one go', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 8 }), { maxLength: 12 }), (lists) => {
        const builder = createVocabularyBuilder({ maxSize: 5 });
        for (const list of lists) builder.add(list);
        expect(builder.documentCount).toBe(lists.length);
        expect(builder.build().tokens()).toEqual(buildVocabulary(lists, { maxSize: 5 }).tokens());
      }),
    );
  });

  it('stays usable after build', () => {
    const builder = createVocabularyBuilder();
    builder.add(['a']);
    expect(builder.build().size).toBe(3);
    builder.add(['b']);
    expect(builder.build().size).toBe(4);
    expect(builder.distinctTokens).toBe(2);
  });

  it('rejects non-string tokens', () => {
    const builder = createVocabularyBuilder();
    expect(() => builder.add([1 as unknown as string])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => builder.add('abc' as unknown as string[])).toThrow(/expected an array/);
  });
});
