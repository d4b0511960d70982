import { describe, expect, it } from 'vitest';
import { htmlToText } from './html-to-text.js';
import { normalizeText } from './normalize-text.js';

describe('htmlToText', () => {
  it('drops the head, comments, scripts and styles and keeps the visible text', () => {
    const html = '<html><head><title>Offer</title><style>p{color:red}</style></head><body><!-- tracking --><script>alert(1)</script>Hello</body></html>';
    expect(htmlToText(html).trim()).toBe('Hello');
  });

  it('ends a line at line-level elements and joins inline elements without a space', () => {
    expect(htmlToText('<p>Save <b>50</b>%</p><ul><li>one</li><li>t<i>wo</i></li></ul>Line<br>break')).toBe('\nSave 50%\n\n\none\n\ntwo\n\nLine\nbreak');
  });

  it('puts a space for other tags and collapses runs of spaces and tabs, keeping line breaks', () => {
    expect(htmlToText('a<img src="x">b  \t c<td>d</td>\ne')).toBe('a b c d \ne');
  });

  it('decodes named, decimal and hex references, 0x80–0x9F as Windows-1252, and keeps unknown names', () => {
    expect(htmlToText('Tom &amp; Jerry &#8364;5 &#x41;&#150; &copy; &bogus;')).toBe('Tom & Jerry €5 A– © &bogus;');
  });

  it('decodes escaped markup once and keeps it as text', () => {
    expect(htmlToText('&lt;b&gt;bold&lt;/b&gt;')).toBe('<b>bold</b>');
  });

  it('agrees with normalizeText on the words once whitespace is collapsed', () => {
    const html = '<div>Caf&eacute; <span>ol</span>&eacute;!<br>Next&nbsp;line</div>';
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    expect(words(normalizeText(htmlToText(html), { lowercase: false, stripAccents: false }))).toEqual(
      words(normalizeText(html, { lowercase: false, stripAccents: false })),
    );
  });
});
