/**
 * Small, forgiving RFC 822 / MIME helpers: enough to turn real-world mail (SpamAssassin corpus)
 * into readable text. Never throws on malformed input; decodes what it can.
 */

/** Parsed message headers: lower-case name → unfolded values in order. */
export type Headers = Map<string, string[]>;

/** A header/body split of one message or MIME part. */
export interface MimeEntity {
  headers: Headers;
  body: string;
}

const HEADER_LINE = /^([!-9;-~]+):[ \t]?(.*)$/;

/**
 * Splits a message (or part) into headers and body at the first empty line. Header lines are
 * unfolded; an mbox `From ` line and other non-header lines before the body are skipped.
 *
 * @param raw - Message text with `\n` line ends.
 * @returns Headers and body.
 * @example
 * ```ts
 * parseEntity('Subject: hi\n\nbody').headers.get('subject'); // ['hi']
 * ```
 */
export function parseEntity(raw: string): MimeEntity {
  const headers: Headers = new Map();
  const lines = raw.split('\n');
  // A part that does not start with a header line has no headers at all.
  const first = lines[0] ?? '';
  if (first !== '' && !HEADER_LINE.test(first) && !first.startsWith('From ')) {
    return { headers, body: raw };
  }
  let current: { name: string; value: string } | undefined;
  const flush = (): void => {
    if (current === undefined) return;
    const list = headers.get(current.name) ?? [];
    list.push(current.value.trim());
    headers.set(current.name, list);
    current = undefined;
  };
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') break;
    if ((line.startsWith(' ') || line.startsWith('\t')) && current !== undefined) {
      current.value += ` ${line.trim()}`;
      continue;
    }
    const match = HEADER_LINE.exec(line);
    flush();
    if (match !== null) current = { name: (match[1] ?? '').toLowerCase(), value: match[2] ?? '' };
  }
  flush();
  return { headers, body: lines.slice(i + 1).join('\n') };
}

/**
 * First value of a header.
 *
 * @param headers - Parsed headers.
 * @param name - Lower-case header name.
 * @returns The value or undefined.
 * @example
 * ```ts
 * headerValue(headers, 'content-type');
 * ```
 */
export function headerValue(headers: Headers, name: string): string | undefined {
  return headers.get(name)?.[0];
}

/** A structured header such as Content-Type: `value; key=param; ...`. */
export interface StructuredHeader {
  /** Lower-case main value, e.g. `text/plain`. */
  value: string;
  /** Lower-case parameter names → unquoted values. */
  params: Record<string, string>;
}

/**
 * Parses a structured header (`text/plain; charset="utf-8"`).
 *
 * @param raw - Header value (may be undefined).
 * @param fallback - Main value when missing.
 * @returns Value and parameters.
 * @example
 * ```ts
 * parseStructuredHeader('text/plain; charset="UTF-8"', 'text/plain').params.charset; // 'UTF-8'
 * ```
 */
export function parseStructuredHeader(raw: string | undefined, fallback: string): StructuredHeader {
  if (raw === undefined) return { value: fallback, params: {} };
  const semicolon = raw.indexOf(';');
  const value = (semicolon < 0 ? raw : raw.slice(0, semicolon)).trim().toLowerCase();
  const params: Record<string, string> = {};
  const rest = semicolon < 0 ? '' : raw.slice(semicolon);
  const pattern = /;\s*([^=\s;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)/g;
  for (const match of rest.matchAll(pattern)) {
    const key = (match[1] ?? '').toLowerCase();
    let param = match[2] ?? '';
    if (param.startsWith('"')) param = param.slice(1, -1).replace(/\\(.)/g, '$1');
    if (!(key in params)) params[key] = param;
  }
  return { value: value === '' ? fallback : value, params };
}

/**
 * Decodes quoted-printable text to bytes (soft line breaks removed; stray non-ASCII characters
 * kept as their UTF-8 bytes).
 *
 * @param text - Encoded text.
 * @returns The bytes.
 * @example
 * ```ts
 * new TextDecoder().decode(decodeQuotedPrintable('caf=C3=A9')); // 'café'
 * ```
 */
export function decodeQuotedPrintable(text: string): Uint8Array {
  const softBreaksRemoved = text.replace(/=[ \t]*\r?\n/g, '');
  const out: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < softBreaksRemoved.length; i++) {
    const char = softBreaksRemoved.charCodeAt(i);
    if (char === 0x3d) {
      const hex = softBreaksRemoved.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        out.push(Number.parseInt(hex, 16));
        i += 2;
        continue;
      }
      out.push(char);
    } else if (char < 0x80) {
      out.push(char);
    } else {
      const codePoint = softBreaksRemoved.codePointAt(i) ?? char;
      for (const byte of encoder.encode(String.fromCodePoint(codePoint))) out.push(byte);
      if (codePoint > 0xffff) i += 1;
    }
  }
  return Uint8Array.from(out);
}

/**
 * Decodes base64 text to bytes, ignoring whitespace and junk characters.
 *
 * @param text - Encoded text.
 * @returns The bytes.
 * @example
 * ```ts
 * new TextDecoder().decode(decodeBase64('aGVsbG8=')); // 'hello'
 * ```
 */
export function decodeBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
}

const CHARSET_ALIASES: Record<string, string> = {
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  default: 'windows-1252',
  default_charset: 'windows-1252',
  'unknown-8bit': 'windows-1252',
  'x-unknown': 'windows-1252',
  chinesebig5: 'big5',
  gb2312_charset: 'gb2312',
  unicode: 'utf-8',
};

/**
 * Decodes bytes in a named charset; unknown charsets fall back to UTF-8 when the bytes are valid
 * UTF-8, else windows-1252 (which never fails).
 *
 * @param bytes - Raw bytes.
 * @param charset - Charset label (any case, may be quoted or empty).
 * @returns The text.
 * @example
 * ```ts
 * decodeCharset(Uint8Array.of(0x63, 0x61, 0x66, 0xe9), 'iso-8859-1'); // 'café'
 * ```
 */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const label = (charset ?? '')
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  const name = CHARSET_ALIASES[label] ?? label;
  if (name !== '') {
    try {
      const decoder = new TextDecoder(name);
      // WHATWG maps latin1/ascii labels to windows-1252; Node 20 decodes it as plain latin1.
      if (decoder.encoding === 'windows-1252') return decodeWindows1252(bytes);
      return decoder.decode(bytes);
    } catch {
      // unsupported label: fall through
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

// windows-1252 code points for bytes 0x80–0x9f (undefined slots map to the C1 control, as WHATWG does).
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/**
 * Decodes windows-1252 bytes (never fails).
 *
 * @param bytes - Raw bytes.
 * @returns The text.
 * @example
 * ```ts
 * decodeWindows1252(Uint8Array.of(0x80)); // '€'
 * ```
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let start = 0; start < bytes.length; start += 8192) {
    const codes = Array.from(bytes.subarray(start, start + 8192), (byte) => (byte >= 0x80 && byte < 0xa0 ? (WINDOWS_1252_HIGH[byte - 0x80] ?? byte) : byte));
    out += String.fromCharCode(...codes);
  }
  return out;
}

/**
 * Decodes RFC 2047 encoded-words (`=?charset?B|Q?text?=`) in a header value; whitespace between
 * adjacent encoded-words is dropped as the RFC says.
 *
 * @param value - Header value.
 * @returns Decoded text.
 * @example
 * ```ts
 * decodeEncodedWords('=?utf-8?Q?caf=C3=A9?= time'); // 'café time'
 * ```
 */
export function decodeEncodedWords(value: string): string {
  const pattern = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
  const joined = value.replace(/(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?)/g, '$1');
  return joined.replace(pattern, (_whole, charset: string, encoding: string, text: string) => {
    const cleanCharset = charset.split('*')[0] ?? charset;
    const bytes = encoding.toLowerCase() === 'b' ? decodeBase64(text) : decodeQuotedPrintable(text.replace(/_/g, ' '));
    return decodeCharset(bytes, cleanCharset);
  });
}

/**
 * Decodes a part's body according to its Content-Transfer-Encoding and charset.
 *
 * @param body - Encoded body text.
 * @param transferEncoding - e.g. `base64`, `quoted-printable`, `7bit` (any case).
 * @param charset - Charset label.
 * @returns Decoded text.
 * @example
 * ```ts
 * decodeBody('aGk=', 'base64', 'utf-8'); // 'hi'
 * ```
 */
export function decodeBody(body: string, transferEncoding: string | undefined, charset: string | undefined): string {
  const encoding = (transferEncoding ?? '').trim().toLowerCase();
  if (encoding === 'base64') return decodeCharset(decodeBase64(body), charset);
  if (encoding === 'quoted-printable') return decodeCharset(decodeQuotedPrintable(body), charset);
  return body;
}

/**
 * Splits a multipart body at its boundary lines; preamble and epilogue are dropped.
 *
 * @param body - The multipart body.
 * @param boundary - The boundary parameter.
 * @returns The raw parts, or undefined when no boundary line is found.
 * @example
 * ```ts
 * splitMultipart('--b\n\none\n--b\n\ntwo\n--b--\n', 'b'); // ['\none', '\ntwo']
 * ```
 */
export function splitMultipart(body: string, boundary: string): string[] | undefined {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let current: string[] | undefined;
  let found = false;
  for (const line of body.split('\n')) {
    const trimmed = line.trimEnd();
    if (trimmed === `${delimiter}--`) {
      if (current !== undefined) parts.push(current.join('\n'));
      current = undefined;
      found = true;
      break;
    }
    if (trimmed === delimiter) {
      if (current !== undefined) parts.push(current.join('\n'));
      current = [];
      found = true;
      continue;
    }
    current?.push(line);
  }
  if (current !== undefined) parts.push(current.join('\n'));
  return found ? parts : undefined;
}
