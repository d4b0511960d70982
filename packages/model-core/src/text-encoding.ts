import { ModelCoreError } from './errors.js';

/** An encoding data files commonly come in. */
export interface CommonEncoding {
  /** Its WHATWG name, as `new TextDecoder(label).encoding` reports it. */
  name: string;
  /** The writing it serves, for grouping a list: `Unicode`, `Chinese`, `Japanese`, `Korean`, `Western European`. */
  language: string;
  /** What writes it, e.g. `Simplified Chinese exports`. */
  use: string;
  /** Another label people know it by (`latin1` for windows-1252), if any. */
  alias?: string;
}

/**
 * The encodings data files commonly come in, UTF-8 first: the labels the messages name and a page offers
 * in its encoding list. Every WHATWG label works; these are the ones worth listing.
 */
export const COMMON_ENCODINGS: readonly CommonEncoding[] = [
  { name: 'utf-8', language: 'Unicode', use: 'Unicode' },
  { name: 'gb18030', language: 'Chinese', use: 'Simplified Chinese exports' },
  { name: 'gbk', language: 'Chinese', use: 'Simplified Chinese, older' },
  { name: 'big5', language: 'Chinese', use: 'Traditional Chinese' },
  { name: 'shift_jis', language: 'Japanese', use: 'Japanese' },
  { name: 'euc-jp', language: 'Japanese', use: 'Japanese, Unix' },
  { name: 'euc-kr', language: 'Korean', use: 'Korean' },
  { name: 'windows-1252', language: 'Western European', use: 'Western European', alias: 'latin1' },
  { name: 'utf-16le', language: 'Unicode', use: 'Unicode, 16-bit' },
  { name: 'utf-16be', language: 'Unicode', use: 'Unicode, 16-bit big-endian' },
];

/** The encodings the advice of {@link undecodableTextMessage} recommends, one per kind of export. */
const ADVISED = ['gb18030', 'big5', 'shift_jis', 'windows-1252'];

/**
 * The WHATWG name of an encoding label (`GBK` → `gbk`, `latin1` → `windows-1252`, `UTF8` → `utf-8`).
 *
 * @param label - Any label `TextDecoder` accepts, in any case.
 * @returns The encoding's name, or `undefined` when `label` names no encoding.
 * @example
 * ```ts
 * resolveEncoding('latin1'); // 'windows-1252'
 * resolveEncoding('klingon'); // undefined
 * ```
 */
export function resolveEncoding(label: string): string | undefined {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

/**
 * The message for a label that names no encoding, listing the common ones.
 *
 * @param where - What was given the label, e.g. `readRecords` or a file name.
 * @param label - The label given.
 * @returns `<where>: "<label>" is not an encoding label (WHATWG). Common ones: utf-8, gb18030, …`
 * @example
 * ```ts
 * unknownEncodingMessage('readRecords', 'klingon');
 * ```
 */
export function unknownEncodingMessage(where: string, label: string): string {
  const common = COMMON_ENCODINGS.map((e) => (e.alias === undefined ? e.name : `${e.name} (${e.alias})`)).join(', ');
  return `${where}: "${label}" is not an encoding label (WHATWG). Common ones: ${common}.`;
}

/** Where a text stops decoding in its encoding. */
export interface UndecodableText {
  /** The file's name, for the message (`<text>` when there is none). */
  file: string;
  /** 1-based line (CRLF and a lone CR each end one line). */
  line: number;
  /** 1-based character position in the line (code points before it, plus one). */
  column: number;
  /** The encoding the text was read in (WHATWG name). */
  encoding: string;
  /** UTF-8: the byte that cannot start or continue a character there (the first byte of a broken sequence). */
  byte?: number;
  /** 0-based offset of the undecodable sequence in the input, when known (UTF-8 and UTF-16). */
  offset?: number;
}

/** How a reader lets its user name the encoding, for the advice that ends {@link undecodableTextMessage}. */
export interface EncodingControl {
  /** The control, e.g. `--encoding (encoding)` on the command line, `the Encoding list` on a page. */
  name: string;
  /** Naming one encoding with it, e.g. `--encoding gb18030`, or `gb18030`. */
  example: string;
}

/** The control of a library call: its `encoding` option. */
export const ENCODING_OPTION: EncodingControl = { name: 'the encoding option', example: "encoding: 'gb18030'" };

function hex(byte: number): string {
  return `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * The message for text that is not valid in its encoding — one text for every reader (the command line,
 * node-runtime's readers, the demo page), which differ only in the control that names the encoding.
 *
 * @param problem - Where the text stops decoding.
 * @param control - How the user names the encoding.
 * @returns `<file>:<line>:<column>: invalid UTF-8 (byte 0xE9 at character 7); the file is probably in another encoding such as Windows-1252, GB18030 or Big5. Name it with …`
 * @example
 * ```ts
 * undecodableTextMessage({ file: 'a.csv', line: 3, column: 7, encoding: 'utf-8', byte: 0xe9 }, { name: '--encoding', example: '--encoding gb18030' });
 * ```
 */
export function undecodableTextMessage(problem: UndecodableText, control: EncodingControl): string {
  const { file, line, column, encoding, byte } = problem;
  const where = `${file}:${line}:${column}`;
  if (encoding !== 'utf-8') {
    const advice = ADVISED.map((name) => `${name} for ${COMMON_ENCODINGS.find((e) => e.name === name)?.use ?? name}`).join(', ');
    return (
      `${where}: a byte sequence that is not valid ${encoding.toUpperCase()} (at character ${column}); the file is probably in another encoding. ` +
      `Check ${control.name}: ${advice}, utf-8.`
    );
  }
  return (
    `${where}: invalid UTF-8 (${byte === undefined ? '' : `byte ${hex(byte)} `}at character ${column}); the file is probably in another encoding such as Windows-1252, GB18030 or Big5. ` +
    `Name it with ${control.name}, e.g. ${control.example}, or convert it to UTF-8 (e.g. \`iconv -f windows-1252 -t utf-8 in.csv > out.csv\`, or "Save as CSV UTF-8" in a spreadsheet).`
  );
}

/**
 * Text that is not valid in its encoding, thrown by {@link StrictTextDecoder}. `problem` says where; the
 * message is {@link undecodableTextMessage}'s.
 *
 * @example
 * ```ts
 * try { decoder.decode(bytes); } catch (e) { if (e instanceof UndecodableTextError) console.error(e.problem.line); }
 * ```
 */
export class UndecodableTextError extends ModelCoreError {
  override name = 'UndecodableTextError' as const;
  /** Where the text stops decoding. */
  readonly problem: UndecodableText;

  /**
   * @param problem - Where the text stops decoding.
   * @param control - How the user names the encoding, for the message.
   */
  constructor(problem: UndecodableText, control: EncodingControl) {
    super('INVALID_DATA', undecodableTextMessage(problem, control));
    this.problem = problem;
  }
}

/** A byte-order mark at the start of `bytes`: the encoding it announces and its length. */
export function sniffByteOrderMark(bytes: Uint8Array): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; length: number } | undefined {
  const [a, b, c] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (a === 0xff && b === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (a === 0xfe && b === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/** Options of {@link StrictTextDecoder}. */
export interface StrictTextDecoderOptions {
  /** The encoding (any WHATWG label); a byte-order mark at the start overrides it. Default `utf-8`. */
  encoding?: string;
  /** The file's name, for messages. Default `<text>`. */
  file?: string;
  /** How the user names the encoding, for messages. Default {@link ENCODING_OPTION}. */
  control?: EncodingControl;
}

const EMPTY = new Uint8Array(0);
const REPLACEMENT = 0xfffd;

/** Bytes of `text` in UTF-8 (it holds no lone surrogates: it comes from a decoder). */
function utf8Length(text: string, end = text.length): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * A streaming decoder that never drops or replaces a character: it returns the text chunk by chunk
 * (`TextDecoder` in streaming mode, so a character split between chunks is decoded whole) and throws
 * {@link UndecodableTextError} at the first byte sequence the encoding cannot decode, with its line and
 * column (and, for UTF-8, the byte). A UTF-8 or UTF-16 byte-order mark at the start decides the encoding,
 * whatever was asked, and is not part of the text. (A U+FFFD written in the file itself is text in UTF-8
 * and UTF-16; in the legacy encodings, where it never occurs in real exports, it is refused like an
 * undecodable sequence.)
 *
 * @example
 * ```ts
 * const decoder = new StrictTextDecoder({ encoding: 'gb18030', file: 'weibo.csv' });
 * for await (const chunk of file.stream()) text += decoder.decode(chunk, { stream: true });
 * text += decoder.decode();
 * ```
 */
export class StrictTextDecoder {
  /** The encoding asked for; after the first bytes, the one in use (a byte-order mark's, if there is one). */
  encoding: string;
  /** Whether a byte-order mark chose the encoding (known once three bytes, or all of a shorter input, were read). */
  fromByteOrderMark = false;
  private readonly file: string;
  private readonly control: EncodingControl;
  private decoder: InstanceType<typeof TextDecoder> | undefined;
  /** Bytes held until the byte-order mark can be recognised. */
  private head: Uint8Array = EMPTY;
  private failure: UndecodableTextError | undefined;
  private line = 1;
  /** Characters so far on the current line. */
  private column = 0;
  private afterCR = false;
  /** Input bytes accounted for by the text returned so far (UTF-8 and UTF-16). */
  private consumed = 0;
  /** The input's last bytes before the current chunk, and their offset: a sequence can start there. */
  private tail: Uint8Array = EMPTY;
  private tailOffset = 0;

  /**
   * @param options - The encoding, and the file name and control for messages.
   * @throws ModelCoreError `INVALID_OPTIONS` when the encoding is not a WHATWG label.
   */
  constructor(options: StrictTextDecoderOptions = {}) {
    this.file = options.file ?? '<text>';
    this.control = options.control ?? ENCODING_OPTION;
    const label = options.encoding ?? 'utf-8';
    const encoding = resolveEncoding(label);
    if (encoding === undefined) throw new ModelCoreError('INVALID_OPTIONS', unknownEncodingMessage(this.file, label));
    this.encoding = encoding;
  }

  /**
   * Decodes the next chunk of the input.
   *
   * @param chunk - The next bytes (none: the end of the input).
   * @param options - `stream: true` while more chunks follow.
   * @returns The text decoded so far and not returned before.
   * @throws UndecodableTextError at the first byte sequence the encoding cannot decode (and on every call after).
   */
  decode(chunk: Uint8Array = EMPTY, options: { stream?: boolean } = {}): string {
    if (this.failure !== undefined) throw this.failure;
    const stream = options.stream === true;
    let input = chunk;
    let offset = this.tailOffset + this.tail.length;
    if (this.decoder === undefined) {
      const head = new Uint8Array(this.head.length + chunk.length);
      head.set(this.head);
      head.set(chunk, this.head.length);
      if (head.length < 3 && stream) {
        this.head = head;
        return '';
      }
      this.head = EMPTY;
      const mark = sniffByteOrderMark(head);
      if (mark !== undefined) {
        this.encoding = mark.encoding;
        this.fromByteOrderMark = true;
      }
      // A UTF-8 byte-order mark counts as a character of the first line, as the UTF-8 readers count it.
      if (mark?.encoding === 'utf-8') this.column = 1;
      this.decoder = new TextDecoder(this.encoding, { fatal: false, ignoreBOM: true });
      this.consumed = mark?.length ?? 0;
      input = head.subarray(mark?.length ?? 0);
      offset = mark?.length ?? 0;
      this.tailOffset = offset;
    }
    const text = this.decoder.decode(input, { stream });
    const end = this.firstUndecodable(text, input, offset);
    this.advance(text, end);
    if (end < text.length) {
      this.failure = this.failureAt(text, end, input, offset);
      throw this.failure;
    }
    if (this.encoding === 'utf-8') this.consumed += utf8Length(text);
    else if (this.encoding === 'utf-16le' || this.encoding === 'utf-16be') this.consumed += 2 * text.length;
    // Keep the last bytes: an unfinished sequence at the end of this chunk starts there.
    if (input.length >= 4) {
      this.tail = input.slice(input.length - 4);
    } else {
      const joined = new Uint8Array(this.tail.length + input.length);
      joined.set(this.tail);
      joined.set(input, this.tail.length);
      this.tail = joined.slice(Math.max(0, joined.length - 4));
    }
    this.tailOffset = offset + input.length - this.tail.length;
    return text;
  }

  /** The input byte at `offset`, if it is in this chunk or the kept tail. */
  private byteAt(offset: number, input: Uint8Array, inputOffset: number): number | undefined {
    if (offset >= inputOffset) return input[offset - inputOffset];
    return this.tail[offset - this.tailOffset];
  }

  /** The byte offset of `text[index]`, for the encodings where it follows from the text (UTF-8, UTF-16). */
  private offsetOf(text: string, index: number): number | undefined {
    if (this.encoding === 'utf-8') return this.consumed + utf8Length(text, index);
    if (this.encoding === 'utf-16le' || this.encoding === 'utf-16be') return this.consumed + 2 * index;
    return undefined;
  }

  /** The index in `text` of the first U+FFFD that stands for undecodable bytes (`text.length` if none). */
  private firstUndecodable(text: string, input: Uint8Array, inputOffset: number): number {
    for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) {
      const at = this.offsetOf(text, i);
      if (at === undefined) return i;
      const bytes = [0, 1, 2].map((k) => this.byteAt(at + k, input, inputOffset));
      const written =
        this.encoding === 'utf-8'
          ? bytes[0] === 0xef && bytes[1] === 0xbf && bytes[2] === 0xbd
          : this.encoding === 'utf-16le'
            ? bytes[0] === (REPLACEMENT & 0xff) && bytes[1] === REPLACEMENT >> 8
            : bytes[0] === REPLACEMENT >> 8 && bytes[1] === (REPLACEMENT & 0xff);
      if (!written) return i;
    }
    return text.length;
  }

  /** Counts lines and characters in `text[0, end)`. */
  private advance(text: string, end: number): void {
    for (let i = 0; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) {
        if (!this.afterCR) {
          this.line++;
          this.column = 0;
        }
        this.afterCR = false;
      } else if (c === 0x0d) {
        this.line++;
        this.column = 0;
        this.afterCR = true;
      } else {
        this.afterCR = false;
        if (c < 0xdc00 || c > 0xdfff) this.column++;
      }
    }
  }

  private failureAt(text: string, index: number, input: Uint8Array, inputOffset: number): UndecodableTextError {
    const offset = this.offsetOf(text, index);
    const problem: UndecodableText = { file: this.file, line: this.line, column: this.column + 1, encoding: this.encoding };
    if (offset !== undefined) {
      problem.offset = offset;
      const byte = this.byteAt(offset, input, inputOffset);
      if (this.encoding === 'utf-8' && byte !== undefined) problem.byte = byte;
    }
    return new UndecodableTextError(problem, this.control);
  }
}
