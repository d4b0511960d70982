/**
 * Splitting long texts into chunks at positions where a Unicode (UAX #29) word or grapheme
 * boundary is guaranteed, so that segmenting the chunks one by one gives the same result as
 * segmenting the whole text. Intl.Segmenter on Node 20 slows down sharply on long strings; short
 * chunks keep it linear.
 */

/** Default maximum chunk length in UTF-16 code units. */
export const DEFAULT_MAX_CHUNK = 1000;

/**
 * Whitespace after which a boundary is guaranteed: `\p{White_Space}` minus U+202F NARROW NO-BREAK
 * SPACE, which is `ExtendNumLet` in UAX #29 and joins words.
 */
export function isCutWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x205f ||
    code === 0x3000
  );
}

/**
 * Characters that attach to what precedes them (UAX #29 Extend/Format/ZWJ, emoji modifiers, a few
 * spacing marks): a chunk must never start with one of them.
 */
const ATTACHING = /[\p{White_Space}\p{M}\p{Cf}\p{Grapheme_Extend}\p{Emoji_Modifier}\u0e33\u0eb3]/uy;

export function isAttachingAt(text: string, index: number): boolean {
  ATTACHING.lastIndex = index;
  return ATTACHING.test(text);
}

/** True when `index` (0 < index < length) is after cut-whitespace and before a non-attaching character. */
export function isSafeCut(text: string, index: number): boolean {
  return isCutWhitespace(text.charCodeAt(index - 1)) && !isAttachingAt(text, index);
}

/**
 * Punctuation after which a word boundary is guaranteed (UAX #29 `Other`, not Mid* or
 * ExtendNumLet) — used only when a chunk has no whitespace, as in Chinese or Japanese.
 */
const CLOSING_PUNCTUATION = new Set(Array.from('。！？、!?)]}）】」』》〉〕〗〙〛…｡､').map((c) => c.charCodeAt(0)));

/**
 * True when a word boundary is guaranteed at `index` (0 < index < length) whatever surrounds the text: after
 * cut-whitespace or closing punctuation, before a non-attaching character (the cuts {@link findCut} prefers).
 */
export function isGuaranteedCut(text: string, index: number): boolean {
  const previous = text.charCodeAt(index - 1);
  return (isCutWhitespace(previous) || CLOSING_PUNCTUATION.has(previous)) && !isAttachingAt(text, index);
}

/**
 * False when every stretch of `maxChunk` code units of `text` holds a guaranteed cut, so {@link findCut} never
 * makes a `hard` one and chunked segmentation equals unchunked segmentation wherever the chunks start.
 */
export function mayCutHard(text: string, maxChunk: number): boolean {
  const n = text.length;
  let last = 0;
  // From each cut, the furthest cut less than maxChunk on (searched backwards: usually a few steps).
  while (n - last >= maxChunk) {
    let p = last + maxChunk - 1;
    while (p > last && !isGuaranteedCut(text, p)) p--;
    if (p === last) return true;
    last = p;
  }
  return false;
}

/** Kinds of cut, from best to worst. A `hard` cut may split a word in rare cases. */
export type CutKind = 'whitespace' | 'punctuation' | 'hard';

/** Finds the best cut in (start, limit]; `limit` must be < text length. */
export function findCut(text: string, start: number, limit: number): { index: number; kind: CutKind } {
  for (let p = limit; p > start; p--) {
    if (isCutWhitespace(text.charCodeAt(p - 1)) && !isAttachingAt(text, p)) return { index: p, kind: 'whitespace' };
  }
  for (let p = limit; p > start; p--) {
    if (CLOSING_PUNCTUATION.has(text.charCodeAt(p - 1)) && !isAttachingAt(text, p)) {
      return { index: p, kind: 'punctuation' };
    }
  }
  for (let p = limit; p > start + 1; p--) {
    const code = text.charCodeAt(p);
    const previous = text.charCodeAt(p - 1);
    const lowSurrogate = code >= 0xdc00 && code <= 0xdfff;
    if (!lowSurrogate && previous !== 0x200d && !isAttachingAt(text, p)) return { index: p, kind: 'hard' };
  }
  // Nothing better: avoid splitting a surrogate pair at least.
  const code = text.charCodeAt(limit);
  return { index: code >= 0xdc00 && code <= 0xdfff ? limit + 1 : limit, kind: 'hard' };
}

/**
 * Splits `[start, end)` into consecutive ranges of at most `maxChunk` code units (a range can be
 * one longer to keep a surrogate pair whole). Calls `visit` for each range with the kind of cut
 * that ended it (`'end'` for the last one).
 */
export function forEachChunk(
  text: string,
  start: number,
  end: number,
  maxChunk: number,
  visit: (from: number, to: number, kind: CutKind | 'end') => void,
): void {
  let s = start;
  while (end - s > maxChunk) {
    const cut = findCut(text, s, s + maxChunk);
    visit(s, cut.index, cut.kind);
    s = cut.index;
  }
  if (end > s) visit(s, end, 'end');
}
