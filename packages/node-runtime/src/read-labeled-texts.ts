import type { DataProblem } from './data-problem.js';
import { DataError } from './errors.js';
import { openRecords, reportProblem } from './internal/open-records.js';
import type { ReadRecordsOptions } from './read-records.js';

/**
 * A text with its label, as read for training or evaluation.
 */
export interface LabeledText {
  /** The text, exactly as in the file (CSV line breaks normalised to `\n`). */
  text: string;
  /** The label, trimmed; numbers become strings (`1` → `"1"`). */
  label: string;
  /** 1-based line the row starts on. */
  line: number;
}

/**
 * Streams `{ text, label, line }` from a CSV, TSV or JSONL file, in bounded memory. Rows whose text or
 * label is empty (or only whitespace) are bad rows, like malformed ones: they fail, or with
 * `onBadRow: 'skip'` are skipped and reported to `onSkip`.
 *
 * @param path - the file to read
 * @param options - see {@link ReadRecordsOptions}; `textColumn` / `labelColumn` default to `text` / `label`
 * @returns an async iterable of {@link LabeledText}
 * @throws {@link DataError} `MISSING_COLUMN` (with the closest column name), `BAD_DATA`, `EMPTY_FILE`,
 *   `FILE_NOT_FOUND`, `UNKNOWN_FORMAT` (also for txt files, which have no labels)
 * @example
 * ```ts
 * for await (const { text, label } of readLabeledTexts('reviews.csv', { textColumn: 'review' })) {
 *   counts.set(label, (counts.get(label) ?? 0) + 1);
 * }
 * ```
 */
export async function* readLabeledTexts(path: string, options: ReadRecordsOptions = {}): AsyncGenerator<LabeledText> {
  const textColumn = options.textColumn ?? 'text';
  const labelColumn = options.labelColumn ?? 'label';
  const required = [textColumn, labelColumn, ...(options.requiredColumns ?? [])];
  const { items, format, file } = await openRecords(path, options, required);
  if (format === 'txt') {
    await items.return(undefined);
    throw new DataError(
      'UNKNOWN_FORMAT',
      `${file}: a txt file holds only texts, no labels. Use a CSV, TSV or JSONL file with "${textColumn}" and "${labelColumn}" columns for training and evaluation.`,
      { file, line: 0 },
    );
  }
  for await (const item of items) {
    if (item.problem !== undefined) {
      reportProblem(item.problem, options);
      continue;
    }
    const { line, fields } = item.record;
    const text = fields[textColumn] ?? '';
    const label = (fields[labelColumn] ?? '').trim();
    let problem: DataProblem | undefined;
    if (text.trim() === '') {
      problem = {
        kind: 'empty-text',
        file,
        line,
        message: `${file}:${line}: the "${textColumn}" value is empty. Remove the row or fill in the text; or pass onBadRow: "skip" (--on-bad-row skip) to skip such rows.`,
      };
    } else if (label === '') {
      problem = {
        kind: 'empty-label',
        file,
        line,
        message: `${file}:${line}: the "${labelColumn}" value is empty. Give every row a label; or pass onBadRow: "skip" (--on-bad-row skip) to skip unlabeled rows.`,
      };
    }
    if (problem !== undefined) {
      reportProblem(problem, options);
      continue;
    }
    yield { text, label, line };
  }
}
