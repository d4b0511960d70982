import { createInterface } from 'node:readline';
import { CliError } from '../cli-error.js';

/**
 * Turns one input line into a text and, for a JSON line, its fields: a line starting with `{` is parsed as
 * JSON and must have a string `text` field; any other line is the text itself. Blank lines give `undefined`.
 *
 * @param line - The raw line (without its newline).
 * @param source - File name or `stdin`, for error messages.
 * @param lineNumber - 1-based line number, for error messages.
 * @param field - The JSON field holding the text (default `text`).
 * @returns The text (and a JSON line's fields), or undefined for a blank line.
 * @throws {CliError} RUNTIME when a JSON line is invalid or has no string `text`.
 * @example
 * ```ts
 * parseTextRecord('{"text": "great film", "id": 7}', 'stdin', 1); // { text: 'great film', fields: { text: 'great film', id: 7 } }
 * parseTextRecord('great film', 'stdin', 2);                      // { text: 'great film' }
 * ```
 */
export function parseTextRecord(
  line: string,
  source: string,
  lineNumber: number,
  field = 'text',
): { text: string; fields?: Record<string, unknown> } | undefined {
  const cleaned = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (cleaned.trim() === '') return undefined;
  if (!cleaned.trimStart().startsWith('{')) return { text: cleaned };
  let value: unknown;
  try {
    value = JSON.parse(cleaned);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(
      'RUNTIME',
      `${source}:${lineNumber}: line starts with "{" but is not valid JSON (${reason}). ` +
        'Give one text per line, or one JSON object with a "text" field per line.',
    );
  }
  const text =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.hasOwn(value, field)
        ? (value as Record<string, unknown>)[field]
        : undefined
      : undefined;
  if (typeof text !== 'string') {
    throw new CliError(
      'RUNTIME',
      `${source}:${lineNumber}: JSON line has no string "${field}" field. Write {"${field}": "..."} per line, or name the field with --text-column.`,
    );
  }
  return { text, fields: value as Record<string, unknown> };
}

/**
 * Turns one input line into a text (see {@link parseTextRecord}, which also returns a JSON line's fields).
 *
 * @param line - The raw line (without its newline).
 * @param source - File name or `stdin`, for error messages.
 * @param lineNumber - 1-based line number, for error messages.
 * @param field - The JSON field holding the text (default `text`).
 * @returns The text, or undefined for a blank line.
 * @throws {CliError} RUNTIME when a JSON line is invalid or has no string `text`.
 * @example
 * ```ts
 * parseTextLine('{"text": "great film"}', 'stdin', 1); // 'great film'
 * ```
 */
export function parseTextLine(line: string, source: string, lineNumber: number, field = 'text'): string | undefined {
  return parseTextRecord(line, source, lineNumber, field)?.text;
}

/**
 * Reads texts from a stream, one per line (plain or JSONL, detected per line), in bounded memory:
 * readline pauses the stream while the consumer is busy.
 *
 * @param input - Readable stream (file or stdin).
 * @param source - Name for error messages.
 * @returns An async iterable of texts.
 * @throws {CliError} RUNTIME on an invalid JSON line (see {@link parseTextLine}).
 * @example
 * ```ts
 * for await (const text of readTextLines(process.stdin, 'stdin')) console.log(text);
 * ```
 */
export async function* readTextLines(input: NodeJS.ReadableStream, source: string): AsyncGenerator<string> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      const text = parseTextLine(line, source, lineNumber);
      if (text !== undefined) yield text;
    }
  } finally {
    lines.close();
  }
}
