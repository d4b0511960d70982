/** One line of a text stream with its 1-based number. */
export interface NumberedLine {
  text: string;
  line: number;
}

/**
 * Splits a byte or string stream into lines (LF, CRLF or lone CR), streaming: at most one chunk and one
 * partial line are held. A UTF-8 byte-order mark at the start is dropped. A final line without a line
 * break is returned too; a trailing line break does not produce an extra empty line.
 */
export async function* readLines(
  input: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): AsyncGenerator<NumberedLine> {
  const decoder = new TextDecoder('utf-8'); // strips a leading BOM from byte input
  let partial = '';
  let line = 0;
  let atStart = true;
  let afterCR = false;
  const lines: NumberedLine[] = [];
  const split = (text: string): void => {
    let start = 0;
    if (afterCR && text.charCodeAt(0) === 10) start = 1; // the LF of a CRLF split across chunks
    if (text.length > 0) afterCR = false;
    for (let i = start; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      line++;
      lines.push({ text: partial + text.slice(start, i), line });
      partial = '';
      if (ch === 13) {
        if (i + 1 === text.length) afterCR = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    partial += text.slice(start);
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
  if (partial.length > 0) yield { text: partial, line: line + 1 };
}
