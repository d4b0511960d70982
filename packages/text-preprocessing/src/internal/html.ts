/**
 * One pass of HTML stripping: removes comments, `<script>`/`<style>` elements with their content,
 * tags, and decodes character references. `normalizeText` repeats passes until nothing changes, so
 * doubly escaped markup (`&amp;lt;b&amp;gt;`) is removed as well.
 */

const LATIN1_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';

const OTHER_ENTITIES: Readonly<Record<string, number>> = {
  amp: 0x26,
  lt: 0x3c,
  gt: 0x3e,
  quot: 0x22,
  apos: 0x27,
  OElig: 0x152,
  oelig: 0x153,
  Scaron: 0x160,
  scaron: 0x161,
  Yuml: 0x178,
  fnof: 0x192,
  circ: 0x2c6,
  tilde: 0x2dc,
  ensp: 0x2002,
  emsp: 0x2003,
  thinsp: 0x2009,
  zwnj: 0x200c,
  zwj: 0x200d,
  lrm: 0x200e,
  rlm: 0x200f,
  ndash: 0x2013,
  mdash: 0x2014,
  lsquo: 0x2018,
  rsquo: 0x2019,
  sbquo: 0x201a,
  ldquo: 0x201c,
  rdquo: 0x201d,
  bdquo: 0x201e,
  dagger: 0x2020,
  Dagger: 0x2021,
  bull: 0x2022,
  hellip: 0x2026,
  permil: 0x2030,
  prime: 0x2032,
  Prime: 0x2033,
  lsaquo: 0x2039,
  rsaquo: 0x203a,
  oline: 0x203e,
  euro: 0x20ac,
  trade: 0x2122,
  larr: 0x2190,
  uarr: 0x2191,
  rarr: 0x2192,
  darr: 0x2193,
  harr: 0x2194,
  hearts: 0x2665,
  spades: 0x2660,
  clubs: 0x2663,
  diams: 0x2666,
  star: 0x2606,
  check: 0x2713,
};

const NAMED_ENTITIES: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  LATIN1_NAMES.split(' ').forEach((name, i) => {
    map.set(name, String.fromCharCode(0xa0 + i));
  });
  for (const [name, code] of Object.entries(OTHER_ENTITIES)) map.set(name, String.fromCodePoint(code));
  return map;
})();

/** HTML maps numeric references 0x80–0x9F to Windows-1252 characters, as browsers do. */
const WINDOWS_1252: readonly number[] = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Inline elements are removed without a space so `<b>un</b>like` stays one word. */
const INLINE_TAGS = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'cite',
  'code',
  'data',
  'dfn',
  'em',
  'font',
  'i',
  'kbd',
  'mark',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'time',
  'tt',
  'u',
  'var',
  'wbr',
]);

const HTML_PATTERN =
  /<!--[\s\S]*?(?:-->|$)|<(script|style)\b[^<>]*>[\s\S]*?(?:<\/\1\s*>|$)|<\/?([A-Za-z][A-Za-z0-9:-]*)[^<>]*>|<[!?][^<>]*>|&(#[0-9]{1,8}|#[xX][0-9A-Fa-f]{1,7}|[A-Za-z][A-Za-z0-9]{0,31});/gi;

function decodeNumeric(ref: string): string {
  const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD';
  if (code >= 0x80 && code <= 0x9f) return String.fromCodePoint(WINDOWS_1252[code - 0x80] ?? code);
  return String.fromCodePoint(code);
}

/** Elements that start or end a line of text: {@link stripHtmlOnce} with `lineBreaks` turns their tags into `\n`. */
const LINE_TAGS = new Set(['br', 'p', 'div', 'tr', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'hr', 'blockquote', 'pre', 'ul', 'ol', 'dl', 'dt', 'dd']);

/**
 * Applies one stripping pass. Returns the input unchanged when it holds neither `<` nor `&`.
 *
 * @param lineBreaks - Turn the tags of line-level elements (`p`, `br`, `div`, `li`, headings…) into `\n`
 *   instead of a space (`htmlToText`); `normalizeText` collapses all whitespace and leaves it false.
 */
export function stripHtmlOnce(text: string, lineBreaks = false): string {
  if (!text.includes('<') && !text.includes('&')) return text;
  return text.replace(HTML_PATTERN, (match: string, rawElement?: string, tagName?: string, entity?: string) => {
    if (entity !== undefined) {
      if (entity[0] === '#') return decodeNumeric(entity);
      return NAMED_ENTITIES.get(entity) ?? match;
    }
    if (rawElement !== undefined) return ' ';
    if (tagName !== undefined) {
      const name = tagName.toLowerCase();
      if (INLINE_TAGS.has(name)) return '';
      if (lineBreaks && LINE_TAGS.has(name)) return '\n';
    }
    return ' ';
  });
}
