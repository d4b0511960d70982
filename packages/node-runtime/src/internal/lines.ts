/** One line of a text stream with its 1-based number. */
export interface NumberedLine {
  /** The line without its line break (`''` when it was too long). */
  text: string;
  line: number;
  /** Set when the line was longer than `maxLineLength`: its length in characters (its text is dropped). */
  tooLong?: number;
}

/**
 * Splits a byte or string stream into lines (LF, CRLF or lone CR), streaming: at most one chunk and one
 * partial line are held. A UTF-8 byte-order mark at the start is dropped. A final line without a line
 * break is returned too; a trailing line break does not produce an extra empty line. A line longer than
 * `maxLineLength` characters is not kept: it comes back as `{ text: '', tooLong: length }`, so memory stays
 * bounded even for a file without line breaks.
 */
export async function* readLines(
  input: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  maxLineLength: number = Number.POSITIVE_INFINITY,
): AsyncGenerator<NumberedLine> {
  const decoder = new TextDecoder('utf-8'); // strips a leading BOM from byte input
  let partial = '';
  let overflow = 0; // characters of the current line when it is too long, else 0
  let line = 0;
  let atStart = true;
  let afterCR = false;
  const lines: NumberedLine[] = [];
  const append = (piece: string): void => {
    if (overflow > 0) {
      overflow += piece.length;
    } else if (partial.length + piece.length > maxLineLength) {
      overflow = partial.length + piece.length;
      partial = '';
    } else {
      partial += piece;
    }
  };
  const endLine = (): void => {
    line++;
    lines.push(overflow > 0 ? { text: '', line, tooLong: overflow } : { text: partial, line });
    partial = '';
    overflow = 0;
  };
  const split = (text: string): void => {
    let start = 0;
    if (afterCR && text.charCodeAt(0) === 10) start = 1; // the LF of a CRLF split across chunks
    if (text.length > 0) afterCR = false;
    for (let i = start; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      append(text.slice(start, i));
      endLine();
      if (ch === 13) {
        if (i + 1 === text.length) afterCR = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    append(text.slice(start));
  };
  for await (const chunk of input) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (atStart && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      atStart = false;
    }
    split(text);
    yield* lines;
    lines.length = 0;
  }
  split(decoder.decode());
  yield* lines;
  if (partial.length > 0 || overflow > 0) {
    line++;
    yield overflow > 0 ? { text: '', line, tooLong: overflow } : { text: partial, line };
  }
}
