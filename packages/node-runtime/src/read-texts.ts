import type { Readable } from 'node:stream';
import { openRecords, reportProblem } from './internal/open-records.js';
import type { ReadRecordsOptions } from './read-records.js';

/**
 * A text to classify, with where it came from.
 */
export interface InputText {
  /** The text. */
  text: string;
  /** 1-based line it starts on, to match predictions back to input rows. */
  line: number;
  /** Every field of the row (CSV/TSV/JSONL), e.g. to copy an id column into the output. */
  fields: Readonly<Record<string, string>>;
}

/**
 * Streams texts to predict on, in bounded memory: one text per non-blank line for txt files and streams
 * (stdin), the `textColumn` field of each JSONL object, or the `textColumn` column of a CSV/TSV file.
 * Rows with an empty text are bad rows (fail, or skip with `onBadRow: 'skip'`).
 *
 * @param source - a file path, or a readable stream such as `process.stdin` (read as `options.format`,
 *   default `'txt'`)
 * @param options - see {@link ReadRecordsOptions}
 * @returns an async iterable of {@link InputText}
 * @throws {@link DataError} `MISSING_COLUMN`, `BAD_DATA`, `EMPTY_FILE`, `FILE_NOT_FOUND`, `UNKNOWN_FORMAT`
 * @example
 * ```ts
 * for await (const { text, line } of readTexts(process.stdin, { format: 'jsonl' })) {
 *   console.log(line, text.length);
 * }
 * ```
 */
export async function* readTexts(source: string | Readable, options: ReadRecordsOptions = {}): AsyncGenerator<InputText> {
  const textColumn = options.textColumn ?? 'text';
  const { items, file } = await openRecords(source, options, [textColumn, ...(options.requiredColumns ?? [])]);
  for await (const item of items) {
    if (item.problem !== undefined) {
      reportProblem(item.problem, options);
      continue;
    }
    const { line, fields } = item.record;
    const text = fields[textColumn] ?? '';
    if (text.trim() === '') {
      reportProblem(
        {
          kind: 'empty-text',
          file,
          line,
          message: `${file}:${line}: the "${textColumn}" value is empty. Remove the row or fill in the text; or pass onBadRow: "skip" (--on-bad-row skip) to skip such rows.`,
        },
        options,
      );
      continue;
    }
    yield { text, line, fields };
  }
}
