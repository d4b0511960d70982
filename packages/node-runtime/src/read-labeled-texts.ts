import type { LabeledText } from '@glossa/model-core';
import type { DataProblem } from './data-problem.js';
import { DataError } from './errors.js';
import { EMPTY_TEXT_ADVICE, emptyValueProblem, openRecords, reportProblem } from './internal/open-records.js';
import type { ReadRecordsOptions } from './read-records.js';

/**
 * A labelled row as the readers give it: model-core's {@link LabeledText} (what `fit` and `evaluate` take)
 * plus the line it starts on. (Earlier releases exported it as `LabeledText`, which shadowed model-core's type.)
 *
 * @example
 * ```ts
 * const record: LabeledRecord = { text: 'great film', label: 'pos', line: 2 };
 * ```
 */
export interface LabeledRecord extends LabeledText {
  /** The text, exactly as in the file (CSV line breaks normalised to `\n`). */
  text: string;
  /** The label, trimmed; numbers become strings (`1` → `"1"`). */
  label: string;
  /** 1-based line the row starts on (for Parquet, the row number). */
  line: number;
}

/**
 * Streams `{ text, label, line }` from a CSV, TSV, JSONL or Parquet file, in bounded memory. Rows whose text or
 * label is empty (or only whitespace) are bad rows, like malformed ones: they fail, or with
 * `onBadRow: 'skip'` are skipped and reported to `onSkip`.
 *
 * @param path - the file to read
 * @param options - see {@link ReadRecordsOptions}; `textColumn` / `labelColumn` default to `text` / `label`
 * @returns an async iterable of {@link LabeledRecord}
 * @throws {@link DataError} `MISSING_COLUMN` (with the closest column name), `BAD_DATA`, `EMPTY_FILE`,
 *   `FILE_NOT_FOUND`, `UNKNOWN_FORMAT` (also for txt files, which have no labels)
 * @example
 * ```ts
 * for await (const { text, label } of readLabeledTexts('reviews.csv', { textColumn: 'review' })) {
 *   counts.set(label, (counts.get(label) ?? 0) + 1);
 * }
 * ```
 */
export async function* readLabeledTexts(path: string, options: ReadRecordsOptions = {}): AsyncGenerator<LabeledRecord> {
  const textColumn = options.textColumn ?? 'text';
  const labelColumn = options.labelColumn ?? 'label';
  const required = [textColumn, labelColumn, ...(options.requiredColumns ?? [])];
  const { items, format, file } = await openRecords(path, options, required);
  if (format === 'txt') {
    await items.return(undefined);
    throw new DataError(
      'UNKNOWN_FORMAT',
      `${file}: a txt file holds only texts, no labels. Use a CSV, TSV, JSONL or Parquet file with "${textColumn}" and "${labelColumn}" columns for training and evaluation.`,
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
      problem = emptyValueProblem('empty-text', { file, line, format }, textColumn, fields[textColumn], EMPTY_TEXT_ADVICE);
    } else if (label === '') {
      const advice = '. Give every row a label; or pass onBadRow: "skip" (--on-bad-row skip) to skip unlabeled rows.';
      problem = emptyValueProblem('empty-label', { file, line, format }, labelColumn, fields[labelColumn], advice);
    }
    if (problem !== undefined) {
      reportProblem(problem, options);
      continue;
    }
    yield { text, label, line };
  }
}
