import { DEFAULT_MAX_CHUNK, findCut, forEachChunk, isAttachingAt, isCutWhitespace, isGuaranteedCut, mayCutHard } from './chunking.js';
import { getGraphemeSegmenter, getWordSegmenter } from './segmenters.js';

/*
 * Word segmentation = UAX #29 word boundaries (Intl.Segmenter, ICU) keeping word-like segments and
 * emoji. ASCII stretches take a hand-written scanner that reproduces ICU's rules for ASCII exactly
 * (property-tested against Intl.Segmenter), which is several times faster.
 */

const OTHER = 0;
const LETTER = 1;
const DIGIT = 2;
const UNDERSCORE = 3;

const ASCII_CLASS = (() => {
  const table = new Uint8Array(128);
  for (let c = 0x41; c <= 0x5a; c++) table[c] = LETTER;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = LETTER;
  for (let c = 0x30; c <= 0x39; c++) table[c] = DIGIT;
  table[0x5f] = UNDERSCORE;
  return table;
})();

const COLON = 0x3a;
const PERIOD = 0x2e;
const APOSTROPHE = 0x27;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;

/**
 * Appends the word-like UAX #29 segments of the ASCII-only range `[start, end)` to `out`.
 *
 * Rules reproduced (ASCII subset of UAX #29 as tailored by ICU): letters, digits and `_` join
 * (WB5, WB8–WB10, WB13a/b); `letter (: . ') letter` joins (WB6/7); `digit (, ; . ') digit` joins
 * (WB11/12). A segment is word-like unless it is a single `_`.
 */
export function scanAsciiWords(text: string, start: number, end: number, out: string[]): void {
  let i = start;
  while (i < end) {
    let cls = ASCII_CLASS[text.charCodeAt(i)] ?? OTHER;
    if (cls === OTHER) {
      i++;
      continue;
    }
    const s = i;
    let previous = cls;
    i++;
    while (i < end) {
      const code = text.charCodeAt(i);
      cls = ASCII_CLASS[code] ?? OTHER;
      if (cls !== OTHER) {
        previous = cls;
        i++;
        continue;
      }
      if (i + 1 < end) {
        const next = ASCII_CLASS[text.charCodeAt(i + 1)] ?? OTHER;
        if (previous === LETTER && next === LETTER && (code === COLON || code === PERIOD || code === APOSTROPHE)) {
          i += 2;
          continue;
        }
        if (previous === DIGIT && next === DIGIT && (code === COMMA || code === SEMICOLON || code === PERIOD || code === APOSTROPHE)) {
          i += 2;
          continue;
        }
      }
      break;
    }
    if (!(i - s === 1 && previous === UNDERSCORE)) out.push(text.slice(s, i));
  }
}

const KEPT_SYMBOL = /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u;

/** Appends word-like segments and emoji/pictograph segments of `chunk` (via Intl.Segmenter). */
export function segmentWordsIntl(chunk: string, out: string[]): void {
  for (const part of getWordSegmenter().segment(chunk)) {
    if (part.isWordLike === true || KEPT_SYMBOL.test(part.segment)) out.push(part.segment);
  }
}

/** Maximal ASCII gap (code units) between two non-ASCII stretches that is still merged into one Intl call. */
const MERGE_GAP = 64;

const NON_ASCII_GLOBAL = /[^\x00-\x7f]/g;

function indexOfNonAscii(text: string, from: number): number {
  NON_ASCII_GLOBAL.lastIndex = from;
  const match = NON_ASCII_GLOBAL.exec(text);
  return match === null ? -1 : match.index;
}

/** Smallest safe cut p >= from (text[p-1] cut-whitespace, text[p] not attaching); text length if none. */
function nextSafeCut(text: string, from: number): number {
  const n = text.length;
  for (let p = Math.max(from, 1); p < n; p++) {
    if (isCutWhitespace(text.charCodeAt(p - 1)) && !isAttachingAt(text, p)) return p;
  }
  return n;
}

/** Largest safe cut p in (lower, j]; `lower` when there is none. Text in [lower, j) is ASCII. */
function previousSafeCut(text: string, j: number, lower: number): number {
  if (j > lower && isCutWhitespace(text.charCodeAt(j - 1)) && !isAttachingAt(text, j)) return j;
  for (let p = j - 1; p > lower; p--) {
    if (isCutWhitespace(text.charCodeAt(p - 1)) && !isCutWhitespace(text.charCodeAt(p))) return p;
  }
  return lower;
}

/**
 * Segments `[start, end)` with Intl.Segmenter in chunks. When a chunk has to be cut where no
 * boundary is guaranteed (long runs without whitespace or closing punctuation), its last segment is
 * dropped and segmentation restarts at that segment's start, so words are not split in two.
 */
function segmentRegion(text: string, start: number, end: number, maxChunk: number, out: string[]): void {
  let s = start;
  while (end - s > maxChunk) {
    const cut = findCut(text, s, s + maxChunk);
    if (cut.kind !== 'hard') {
      segmentWordsIntl(text.slice(s, cut.index), out);
      s = cut.index;
      continue;
    }
    const parts = Array.from(getWordSegmenter().segment(text.slice(s, cut.index)));
    const last = parts[parts.length - 1];
    const keep = last !== undefined && last.index > 0 ? parts.length - 1 : parts.length;
    for (let i = 0; i < keep; i++) {
      const part = parts[i] as Intl.SegmentData;
      if (part.isWordLike === true || KEPT_SYMBOL.test(part.segment)) out.push(part.segment);
    }
    s = keep < parts.length && last !== undefined ? s + last.index : cut.index;
  }
  if (end > s) segmentWordsIntl(text.slice(s, end), out);
}

/**
 * Splits a text into words: UAX #29 word-like segments plus emoji/pictographs and flags.
 * ASCII stretches use {@link scanAsciiWords}; the rest goes to Intl.Segmenter in chunks of at most
 * `maxChunk` code units, cut at guaranteed boundaries.
 */
export function segmentWords(text: string, maxChunk: number = DEFAULT_MAX_CHUNK): string[] {
  const out: string[] = [];
  const n = text.length;
  let pos = 0;
  while (pos < n) {
    const j = indexOfNonAscii(text, pos);
    if (j === -1) {
      scanAsciiWords(text, pos, n, out);
      break;
    }
    const start = previousSafeCut(text, j, pos);
    if (start > pos) scanAsciiWords(text, pos, start, out);
    let end = nextSafeCut(text, j + 1);
    while (end < n && end - start < maxChunk) {
      const k = indexOfNonAscii(text, end);
      if (k === -1 || k - end > MERGE_GAP) break;
      end = nextSafeCut(text, k + 1);
    }
    segmentRegion(text, start, end, maxChunk, out);
    pos = end;
  }
  return out;
}

/** The stretch first segmented for `count` words: 8 code units a word (English averages ~6 with its space). */
const CODE_UNITS_PER_WORD = 8;

/** The words a text keeps when cut to a number of words, and the stretch `[from, to)` that was segmented for them. */
export interface KeptWords {
  readonly words: string[];
  readonly from: number;
  readonly to: number;
}

/**
 * The words a text keeps when it is cut to `count` words: `segmentWords(text).slice(-count)` for `side: 'end'`,
 * `segmentWords(text).slice(0, count)` for `'start'` — segmenting only a stretch at that end of the text, doubled
 * until it holds `count` words. The stretch begins (or ends) at a guaranteed word boundary, and it is used only
 * where `segmentWords` itself cuts no chunk at a place without one (ASCII text never; other text when every
 * `maxChunk` code units hold a guaranteed cut), so the words are the same; otherwise the whole text is segmented.
 * A 1,300-character review kept to its last 100 words is segmented about halfway.
 */
export function keptWords(text: string, count: number, side: 'start' | 'end', maxChunk: number = DEFAULT_MAX_CHUNK): KeptWords {
  const n = text.length;
  let span = Math.max(1, count) * CODE_UNITS_PER_WORD;
  if (count > 0 && span < n) {
    const ascii = indexOfNonAscii(text, 0) === -1;
    if (ascii || !mayCutHard(text, maxChunk)) {
      for (; span < n; span *= 2) {
        let cut = side === 'end' ? n - span : span;
        while (cut > 0 && cut < n && !isGuaranteedCut(text, cut)) cut += side === 'end' ? 1 : -1;
        if (cut <= 0 || cut >= n) continue;
        const from = side === 'end' ? cut : 0;
        const to = side === 'end' ? n : cut;
        let words: string[];
        if (ascii) {
          words = [];
          scanAsciiWords(text, from, to, words);
        } else words = segmentWords(text.slice(from, to), maxChunk);
        if (words.length >= count) return { words: side === 'end' ? words.slice(words.length - count) : words.slice(0, count), from, to };
      }
    }
  }
  const all = segmentWords(text, maxChunk);
  return { words: side === 'end' ? all.slice(Math.max(0, all.length - count)) : all.slice(0, Math.max(0, count)), from: 0, to: n };
}

/** Segments a whole text with Intl.Segmenter in one call (reference behaviour, used by tests). */
export function segmentWordsUnchunked(text: string): string[] {
  const out: string[] = [];
  segmentWordsIntl(text, out);
  return out;
}

const STARTS_WITH_WHITESPACE = /^\p{White_Space}/u;

/** Splits a text into grapheme clusters, skipping whitespace clusters. */
export function segmentGraphemes(text: string, maxChunk: number = DEFAULT_MAX_CHUNK): string[] {
  const out: string[] = [];
  if (indexOfNonAscii(text, 0) === -1) {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (!isCutWhitespace(code)) out.push(text[i] as string);
    }
    return out;
  }
  const segmenter = getGraphemeSegmenter();
  forEachChunk(text, 0, text.length, maxChunk, (from, to) => {
    for (const part of segmenter.segment(text.slice(from, to))) {
      if (!STARTS_WITH_WHITESPACE.test(part.segment)) out.push(part.segment);
    }
  });
  return out;
}
