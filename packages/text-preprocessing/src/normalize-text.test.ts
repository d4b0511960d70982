import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextPreprocessingError } from './errors.js';
import { WHITESPACE_RUN, normalizeText, type NormalizationOptions, resolveNormalizationOptions } from './normalize-text.js';

const optionsArbitrary: fc.Arbitrary<NormalizationOptions> = fc.record(
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

/** Text biased towards the characters that interact: markup, entities, marks, controls, case. */
const trickyText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.constantFrom(
        '<',
        '>',
        '&',
        ';',
        '#',
        'amp',
        'lt;',
        'gt;',
        '&amp;',
        '&lt;',
        '&gt;',
        '&#60;',
        '&#x3C;',
        '&QUOT;',
        '<b>',
        '</p>',
        '<script>',
        '</script>',
        '<!--',
        '-->',
        '\u0000',
        '\u200b',
        '\ufeff',
        '\u0301',
        '\u0308',
        'İ',
        'Σ',
        'ǅ',
        '＜',
        '＆',
        '；',
        '\u00a0',
        '\u3000',
        ' ',
        '\t',
        '\n',
        'É',
        'ﬁ',
        '㎆',
      ),
    ),
    { maxLength: 24 },
  )
  .map((parts) => parts.join(''));

describe('the whitespace collapse', () => {
  it('matches only the runs it changes, with the output of replacing every \\p{White_Space} run by one space', () => {
    const pieces = fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u3000', '\u2028', '\u0085', 'a', 'bc', '好', '');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect(text.replace(WHITESPACE_RUN, ' ')).toBe(text.replace(/\p{White_Space}+/gu, ' '));
      }),
      { numRuns: 2000 },
    );
    expect('one two three'.match(WHITESPACE_RUN)).toBeNull();
  });
});

describe('normalizeText', () => {
  it('is idempotent on arbitrary Unicode text with default options', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const once = normalizeText(text);
        expect(normalizeText(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent for every combination of options', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), trickyText), optionsArbitrary, (text, options) => {
        const once = normalizeText(text, options);
        expect(normalizeText(once, options)).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });

  it('is idempotent on lone surrogates and mixed markup', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('\ud83d', '\ude00', 'a', '&', '<', '>', ';', 'x') }), (text) => {
        const once = normalizeText(text);
        expect(normalizeText(once)).toBe(once);
      }),
    );
  });

  it('never throws for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), optionsArbitrary, (text, options) => {
        expect(typeof normalizeText(text, options)).toBe('string');
      }),
    );
  });

  it('lower-cases, applies NFKC and collapses whitespace by default', () => {
    expect(normalizeText('  ＨＥＬＬＯ\u00a0\u00a0Wörld ﬁne\t\n ')).toBe('hello wörld fine');
  });

  it('lower-cases independently of the locale (Turkish İ, final sigma)', () => {
    expect(normalizeText('İSTANBUL')).toBe('i̇stanbul');
    expect(normalizeText('ΟΔΟΣ')).toBe('οδος');
  });

  it('strips tags and decodes entities', () => {
    expect(normalizeText('<p>Great&nbsp;product &amp; FAST delivery!</p>')).toBe('great product & fast delivery!');
    expect(normalizeText('<div>one</div><div>two</div>')).toBe('one two');
    expect(normalizeText('<b>un</b>believable')).toBe('unbelievable');
    expect(normalizeText('a <a href="x">link</a>.')).toBe('a link.');
    expect(normalizeText('<img src="x.png" alt="pic"/>after')).toBe('after');
    expect(normalizeText('Tom &quot;Q&quot; O&apos;Neil &lt;3')).toBe('tom "q" o\'neil <3');
  });

  it('removes script and style elements with their content and comments', () => {
    expect(normalizeText('a<script type="text/javascript">var x = "<b>";</script>b')).toBe('a b');
    expect(normalizeText('a<STYLE>p { color: red }</STYLE>b')).toBe('a b');
    expect(normalizeText('a<!-- hidden > still hidden -->b')).toBe('a b');
    expect(normalizeText('keep <script>unclosed')).toBe('keep');
  });

  it('decodes numeric entities, including Windows-1252 and invalid code points', () => {
    expect(normalizeText('&#72;&#x69;&#X21;', { lowercase: false })).toBe('Hi!');
    expect(normalizeText('it&#146;s &#150; ok', { unicode: 'none' })).toBe('it\u2019s \u2013 ok');
    expect(normalizeText('a&#0;b&#xD800;c&#1114112;d')).toBe('abcd');
    expect(normalizeText('&#128512;')).toBe('😀');
  });

  it('leaves unknown entities and non-tags alone', () => {
    expect(normalizeText('&notanentity; &amp x < y > z', { lowercase: false })).toBe('&notanentity; &amp x < y > z');
    expect(normalizeText('i <3 it', { lowercase: false })).toBe('i <3 it');
  });

  it('removes doubly escaped markup to a fixpoint', () => {
    expect(normalizeText('&amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; text')).toBe('bold text');
    expect(normalizeText('&lt;i&gt;x&lt;/i&gt;')).toBe('x');
    expect(normalizeText('AT&amp;amp;T')).toBe('at&t');
  });

  it('keeps HTML when stripHtml is false', () => {
    expect(normalizeText('<b>x</b> &amp;', { stripHtml: false })).toBe('<b>x</b> &amp;');
  });

  it('removes controls, U+FFFD and zero-width characters but keeps ZWJ emoji sequences', () => {
    expect(normalizeText('a\u0000b\u200bc\ufeffd\ufffde\u00adf')).toBe('abcdef');
    expect(normalizeText('one\ttwo\nthree\r\nfour')).toBe('one two three four');
    expect(normalizeText('👨\u200d👩\u200d👧')).toBe('👨\u200d👩\u200d👧');
    expect(normalizeText('\u202eevil\u202c')).toBe('evil');
    expect(normalizeText('a\ud800b')).toBe('ab');
  });

  it('keeps controls when removeControl and collapseWhitespace are false', () => {
    expect(normalizeText('a\u0000\tb', { removeControl: false, collapseWhitespace: false })).toBe('a\u0000\tb');
  });

  it('strips accents on request and recomposes', () => {
    expect(normalizeText('Crème Brûlée à São Paulo', { stripAccents: true })).toBe('creme brulee a sao paulo');
    expect(normalizeText('e\u0301', { stripAccents: false, unicode: 'NFC' })).toBe('é');
    expect(normalizeText('¨', { stripAccents: true })).toBe('');
  });

  it('keeps case and form when asked', () => {
    expect(normalizeText('ＡＢＣ Déjà', { unicode: 'none', lowercase: false })).toBe('ＡＢＣ Déjà');
    expect(normalizeText('ＡＢＣ', { unicode: 'NFC', lowercase: false })).toBe('ＡＢＣ');
  });

  it('returns an empty string for empty or blank input', () => {
    expect(normalizeText('')).toBe('');
    expect(normalizeText(' \t\n\u3000 ')).toBe('');
  });

  it('rejects invalid options with every problem listed', () => {
    const call = () => normalizeText('x', { unicode: 'NFD', lowercase: 'yes', extra: 1 } as unknown as NormalizationOptions);
    expect(call).toThrow(TextPreprocessingError);
    try {
      call();
    } catch (error) {
      const e = error as TextPreprocessingError;
      expect(e.code).toBe('INVALID_CONFIG');
      expect(e.problems.map((p) => p.path).sort()).toEqual(['$.extra', '$.lowercase', '$.unicode']);
      expect(e.message).toMatch(/^normalizeText: /);
    }
  });

  it('rejects non-string input', () => {
    expect(() => normalizeText(42 as unknown as string)).toThrow(/expected a string \(got 42\)/);
  });
});

describe('resolveNormalizationOptions', () => {
  it('fills in every default', () => {
    expect(resolveNormalizationOptions({ lowercase: false })).toEqual({
      unicode: 'NFKC',
      lowercase: false,
      stripAccents: false,
      stripHtml: true,
      removeControl: true,
      collapseWhitespace: true,
    });
  });
});
