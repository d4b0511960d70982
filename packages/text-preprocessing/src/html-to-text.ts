import { stripHtmlOnce } from './internal/html.js';

/** The document head (title, meta, styles): not part of the text a reader sees. */
const HEAD = /<head\b[^<>]*>[\s\S]*?(?:<\/head\s*>|$)/gi;

/**
 * Turns an HTML document (a mail body, a web page) into the plain text a reader sees: drops the head,
 * comments, `<script>` and `<style>` elements, ends a line at line-level elements (`p`, `br`, `div`, `li`,
 * headings, table rows…), removes inline tags without a space (`<b>un</b>like` stays one word) and other
 * tags with one, decodes character references (named, decimal, hex; 0x80–0x9F as Windows-1252, as browsers
 * do), and collapses runs of spaces and tabs. Line breaks are kept; what `normalizeText` later does with
 * them is up to its options. Markup that is itself escaped (`&lt;b&gt;`) is decoded once and kept as text.
 *
 * @param html - HTML source.
 * @returns The text, one line per line-level element.
 * @example
 * ```ts
 * import { htmlToText } from '@glossa/text-preprocessing';
 *
 * htmlToText('<p>Hello <b>world</b></p><p>Tom &amp; Jerry</p>'); // '\nHello world\n\nTom & Jerry\n'
 * ```
 */
export function htmlToText(html: string): string {
  return stripHtmlOnce(html.replace(HEAD, ' '), true).replace(/[ \t\f\v\r]+/g, ' ');
}
