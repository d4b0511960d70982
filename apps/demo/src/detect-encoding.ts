/** The encodings a suggestion can name, besides UTF-8 and UTF-16: one per kind of legacy export. */
const LEGACY = ['windows-1252', 'gb18030', 'big5', 'shift_jis', 'euc-kr'] as const;

/** Frequent Chinese characters (simplified and traditional forms): real Chinese text is full of them, misread bytes are not. */
const COMMON_HAN = new Set(
  '的一是不了在人有我他这這个個们們中来來上大为為和国國地到以说說时時要就出会會可也你对對生能而子那得于於着著下自之年过過发發后後作里裡用道行所然家种種事成方多经經么麼去法学學如都同现現当當没沒动動面起看定天分还還进進好小部其些主样樣理心她本前开開但因只从從想实實日很最太非常差错錯喜欢歡买買质質量服务務价價格店房间間酒',
);

/** Frequent Hangul syllables. */
const COMMON_HANGUL = new Set('이다는에의가을를하고지서기사한로도리나자대어수인정시있들것해으그보아내요게만면니습라주우무구제일여전상');

function isHan(c: number): boolean {
  return c >= 0x4e00 && c <= 0x9fff;
}

function isCjkPunctuation(c: number): boolean {
  return (c >= 0x3000 && c <= 0x303f) || (c >= 0xff01 && c <= 0xff5e);
}

function isLatinLetter(c: number): boolean {
  return (c >= 0xc0 && c <= 0xff && c !== 0xd7 && c !== 0xf7) || [0x152, 0x153, 0x160, 0x161, 0x17d, 0x17e, 0x178].includes(c);
}

/** How typical one non-ASCII character is of text really written in `encoding` (1: typical, 0: a sign of misread bytes). */
function weight(encoding: (typeof LEGACY)[number], char: string, c: number, isolated: boolean): number {
  switch (encoding) {
    case 'windows-1252':
      // Western text has its accented letters one at a time between ASCII letters ("café", "naïve"); bytes of
      // a double-byte encoding read as Windows-1252 come in runs ("ÖÐÎÄ").
      if (isLatinLetter(c)) return isolated ? 1 : 0.3;
      return '‘’“”–—…€•'.includes(char) ? 0.8 : 0.05;
    case 'gb18030':
    case 'big5':
      if (COMMON_HAN.has(char)) return 1;
      if (isCjkPunctuation(c)) return 0.9;
      return isHan(c) ? 0.4 : 0;
    case 'shift_jis':
      if (c >= 0x3040 && c <= 0x30ff) return 1;
      if (isCjkPunctuation(c) || COMMON_HAN.has(char)) return 0.9;
      return isHan(c) ? 0.5 : 0;
    case 'euc-kr':
      if (COMMON_HANGUL.has(char)) return 1;
      if (isCjkPunctuation(c)) return 0.9;
      return c >= 0xac00 && c <= 0xd7a3 ? 0.4 : 0;
  }
}

/** The mean {@link weight} of the non-ASCII characters of `text` (0 when there are none). */
function plausibility(encoding: (typeof LEGACY)[number], text: string): number {
  const chars = Array.from(text);
  let sum = 0;
  let count = 0;
  chars.forEach((char, i) => {
    const c = char.codePointAt(0) ?? 0;
    if (c < 0x80) return;
    const isolated = (chars[i - 1] ?? ' ').charCodeAt(0) < 0x80 && (chars[i + 1] ?? ' ').charCodeAt(0) < 0x80;
    sum += weight(encoding, char, c, isolated);
    count++;
  });
  return count === 0 ? 0 : sum / count;
}

function decodes(encoding: string, bytes: Uint8Array): string | undefined {
  try {
    // Streaming, so a character cut off at the end of the sample does not count against the encoding.
    return new TextDecoder(encoding, { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return undefined;
  }
}

/** UTF-16 without a byte-order mark: NUL bytes in every other position (the high byte of ASCII characters). */
function utf16Order(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  let even = 0;
  let odd = 0;
  const n = bytes.length - (bytes.length % 2);
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  if (pairs < 2) return undefined;
  if (odd >= pairs * 0.3 && even <= odd / 10) return 'utf-16le';
  if (even >= pairs * 0.3 && odd <= even / 10) return 'utf-16be';
  return undefined;
}

/**
 * The encodings a sample of a file most plausibly is in, best first (at most three): UTF-8 when it decodes
 * as UTF-8, UTF-16 when every other byte is NUL, else the legacy encodings (Windows-1252, GB18030, Big5,
 * Shift_JIS, EUC-KR) that decode it without error, ranked by how typical the characters they give are of
 * text written in them. A suggestion for the user to choose from, never applied by itself.
 *
 * @param sample - Some bytes of the file (best: whole lines around the place that did not decode).
 * @param exclude - Encodings not to suggest (the one that just failed).
 * @returns WHATWG names, best first; empty when nothing fits.
 * @example
 * ```ts
 * suggestEncodings(new Uint8Array([0x63, 0x61, 0x66, 0xe9])); // ['windows-1252']
 * ```
 */
export function suggestEncodings(sample: Uint8Array, exclude: readonly string[] = []): string[] {
  const allowed = (encoding: string): boolean => !exclude.includes(encoding);
  const utf16 = utf16Order(sample);
  if (utf16 !== undefined && allowed(utf16)) return [utf16];
  if (allowed('utf-8') && sample.some((b) => b >= 0x80) && decodes('utf-8', sample) !== undefined) return ['utf-8'];
  const scored = LEGACY.filter(allowed)
    .map((encoding) => {
      const text = decodes(encoding, sample);
      return { encoding, score: text === undefined ? -1 : plausibility(encoding, text) };
    })
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  const best = scored[0]?.score ?? 0;
  return scored
    .filter((s) => s.score >= Math.max(0.3, best * 0.75))
    .slice(0, 3)
    .map((s) => s.encoding);
}

/**
 * Whole lines of `bytes` (what lies after its first line break and before its last one), so that a sample
 * cut out of a file starts and ends between characters in every ASCII-compatible encoding. The sample is
 * returned whole when it begins at the file's start (`atStart`) or has no inner line break.
 *
 * @param bytes - A slice of a file.
 * @param atStart - Whether the slice begins at the start of the file.
 * @param atEnd - Whether the slice ends at the end of the file.
 * @returns The whole lines inside the slice.
 * @example
 * ```ts
 * wholeLines(bytes, offset === 0, offset + bytes.length === file.size);
 * ```
 */
export function wholeLines(bytes: Uint8Array, atStart: boolean, atEnd: boolean): Uint8Array {
  const start = atStart ? 0 : bytes.indexOf(0x0a) + 1;
  const end = atEnd ? bytes.length : bytes.lastIndexOf(0x0a) + 1;
  return end > start ? bytes.subarray(start, end) : bytes;
}
