import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;

/** A byte-level problem found while normalising: invalid UTF-8 or a NUL byte. */
export interface ByteIssue {
  /** `invalid-utf8`: a byte that cannot start or continue a UTF-8 character; `nul-byte`: a 0x00 byte. */
  kind: 'invalid-utf8' | 'nul-byte';
  /** 1-based line (counted in the normalised output, so CRLF and CR count once). */
  line: number;
  /** 1-based character position in the line (code points before it, plus one). */
  column: number;
  /** The offending byte. */
  byte: number;
  /** 0-based offset of the byte in the input. */
  offset: number;
}

/** What the stream started with, when it looks like a text file in another encoding. */
export type ForeignEncoding = 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

/** Options of {@link NormalizeNewlines}. */
export interface NormalizeNewlinesOptions {
  /** Called with the first byte problem of each line, in line order, before that line's bytes are passed on. */
  onIssue?: (issue: ByteIssue) => void;
  /**
   * When given, a NUL byte in a text file is passed on as a space and reported here (every one) instead of
   * being an issue: a stray NUL in a text field is data, not a sign of a binary file. In a chunk where NUL
   * bytes are common (two or more, and at least 1% of its bytes: binary data, UTF-16 without a byte-order
   * mark) they stay issues.
   */
  onNulReplaced?: (at: { line: number; column: number }) => void;
}

/**
 * A byte stream transform turning CRLF and lone CR into LF. Works on bytes: CR and LF never occur inside
 * multi-byte UTF-8 sequences. A CR at the end of a chunk is held back until the next byte is known.
 * Feeding csv-parse only LF line breaks keeps its line counter exact (it counts the two bytes of a CRLF
 * inside a quoted field as two lines) and lets LF, CRLF and mixed files parse alike.
 *
 * It also validates UTF-8 as it goes (a state machine over the bytes, carried across chunks) and reports
 * the first invalid byte or NUL byte of each line through `onIssue`, with its line and column; the bytes
 * themselves are passed on unchanged (decoders later turn invalid ones into U+FFFD).
 */
export class NormalizeNewlines extends Transform {
  private pendingCR = false;
  private readonly onIssue: ((issue: ByteIssue) => void) | undefined;
  private readonly onNulReplaced: ((at: { line: number; column: number }) => void) | undefined;
  /** Current 1-based line of the output. */
  private line = 1;
  /** Characters (code points) seen so far on the current line. */
  private chars = 0;
  /** The last line an issue was reported for. */
  private reportedLine = 0;
  /** Continuation bytes still expected by the current UTF-8 sequence. */
  private need = 0;
  /** Allowed range of the next continuation byte. */
  private lower = 0x80;
  private upper = 0xbf;
  /** The first byte of the current UTF-8 sequence (reported when the sequence breaks off). */
  private lead = 0;
  /** Input bytes seen before the current chunk. */
  private offset = 0;
  /** The first bytes of the stream, kept to recognise a UTF-16/32 byte-order mark. */
  private head: number[] = [];
  /** Set when the stream starts with a UTF-16 or UTF-32 byte-order mark. */
  foreignEncoding: ForeignEncoding | undefined;

  constructor(options: NormalizeNewlinesOptions = {}) {
    super();
    this.onIssue = options.onIssue;
    this.onNulReplaced = options.onNulReplaced;
  }

  /** Reports a problem at character `column` of the current line (once per line). */
  private report(kind: ByteIssue['kind'], byte: number, index: number, column: number): void {
    if (this.onIssue === undefined || this.reportedLine === this.line) return;
    this.reportedLine = this.line;
    this.onIssue({ kind, line: this.line, column, byte, offset: this.offset + index });
  }

  private sniff(input: Buffer): void {
    if (this.head.length >= 4) return;
    for (let i = 0; i < input.length && this.head.length < 4; i++) this.head.push(input[i]!);
    const [a, b, c, d] = this.head;
    if (a === 0xff && b === 0xfe) this.foreignEncoding = c === 0 && d === 0 ? 'utf-32le' : 'utf-16le';
    else if (a === 0xfe && b === 0xff) this.foreignEncoding = 'utf-16be';
    else if (a === 0 && b === 0 && c === 0xfe && d === 0xff) this.foreignEncoding = 'utf-32be';
  }

  /** Checks one non-newline byte against the UTF-8 grammar and counts characters. */
  private check(byte: number, index: number): void {
    if (this.need > 0) {
      if (byte >= this.lower && byte <= this.upper) {
        this.need--;
        this.lower = 0x80;
        this.upper = 0xbf;
        return;
      }
      // The sequence broke off: report it at the character it started, then judge this byte afresh.
      this.need = 0;
      this.lower = 0x80;
      this.upper = 0xbf;
      this.report('invalid-utf8', this.lead, index, this.chars);
    }
    if (byte < 0x80) {
      if (byte === 0) this.report('nul-byte', byte, index, this.chars + 1);
      this.chars++;
      return;
    }
    this.chars++;
    this.lead = byte;
    if (byte >= 0xc2 && byte <= 0xdf) {
      this.need = 1;
    } else if (byte >= 0xe0 && byte <= 0xef) {
      this.need = 2;
      if (byte === 0xe0) this.lower = 0xa0;
      else if (byte === 0xed) this.upper = 0x9f;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      this.need = 3;
      if (byte === 0xf0) this.lower = 0x90;
      else if (byte === 0xf4) this.upper = 0x8f;
    } else {
      this.report('invalid-utf8', byte, index, this.chars);
    }
  }

  /** A line break ends the line; an unfinished UTF-8 sequence before it is invalid. */
  private newline(index: number): void {
    if (this.need > 0) {
      this.need = 0;
      this.lower = 0x80;
      this.upper = 0xbf;
      this.report('invalid-utf8', this.lead, index, this.chars);
    }
    this.line++;
    this.chars = 0;
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    const input = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (input.length === 0) {
      callback();
      return;
    }
    this.sniff(input);
    const output = Buffer.allocUnsafe(input.length + 1);
    let length = 0;
    let start = 0;
    if (this.pendingCR) {
      this.pendingCR = false;
      output[length++] = LF;
      this.newline(0);
      if (input[0] === LF) start = 1;
    }
    // NUL bytes become spaces unless this chunk looks binary.
    const replaceNul = this.onNulReplaced !== undefined && input.includes(0) && !looksBinary(input);
    for (let i = start; i < input.length; i++) {
      const byte = input[i]!;
      if (byte === 0 && replaceNul && this.need === 0) {
        this.chars++;
        this.onNulReplaced!({ line: this.line, column: this.chars });
        output[length++] = 0x20;
        continue;
      }
      if (byte === LF) {
        this.newline(i);
        output[length++] = LF;
        continue;
      }
      if (byte !== CR) {
        this.check(byte, i);
        output[length++] = byte;
        continue;
      }
      if (i + 1 === input.length) {
        this.pendingCR = true;
      } else {
        output[length++] = LF;
        this.newline(i);
        if (input[i + 1] === LF) i++;
      }
    }
    this.offset += input.length;
    callback(null, output.subarray(0, length));
  }

  override _flush(callback: TransformCallback): void {
    if (this.pendingCR) {
      this.pendingCR = false;
      this.newline(0);
      callback(null, Buffer.from([LF]));
      return;
    }
    if (this.need > 0) {
      this.need = 0;
      this.report('invalid-utf8', this.lead, 0, this.chars);
    }
    callback();
  }
}

/** Whether NUL bytes are common in `chunk` (two or more, and at least 1% of it): binary data or BOM-less UTF-16. */
function looksBinary(chunk: Buffer): boolean {
  let nul = 0;
  for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0) nul++;
  return nul >= 2 && nul * 100 >= chunk.length;
}
