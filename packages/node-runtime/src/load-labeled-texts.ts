import type { DataProblem } from './data-problem.js';
import { DataError } from './errors.js';
import { checkNumberOption } from './internal/check-option.js';
import { type LabeledRecord, readLabeledTexts } from './read-labeled-texts.js';
import type { ReadRecordsOptions } from './read-records.js';

/**
 * Options for {@link loadLabeledTexts}.
 */
export interface LoadLabeledTextsOptions extends ReadRecordsOptions {
  /** Most problems kept in the result (all are counted in `skipped`). Default 1000. */
  maxProblems?: number;
}

/**
 * What {@link loadLabeledTexts} read.
 */
export interface LabeledTexts {
  /** Every usable row, in file order, with the line it starts on. */
  records: LabeledRecord[];
  /** How many rows were skipped (only with `onBadRow: 'skip'`). */
  skipped: number;
  /** The first `maxProblems` problems with skipped rows, in line order. */
  problems: DataProblem[];
}

/**
 * Reads a whole labelled data set into memory for training: {@link readLabeledTexts}, collected.
 *
 * @param path - a CSV, TSV or JSONL file
 * @param options - see {@link LoadLabeledTextsOptions}
 * @returns the records, how many rows were skipped and why
 * @throws {@link DataError} as {@link readLabeledTexts}, and `EMPTY_FILE` when no usable row remains
 * @example
 * ```ts
 * const { records, skipped } = await loadLabeledTexts('reviews.csv', { onBadRow: 'skip' });
 * console.log(`${records.length} rows, ${skipped} skipped`);
 * ```
 */
export async function loadLabeledTexts(path: string, options: LoadLabeledTextsOptions = {}): Promise<LabeledTexts> {
  const maxProblems = checkNumberOption('loadLabeledTexts', 'maxProblems', options.maxProblems ?? 1000, 0, Number.MAX_SAFE_INTEGER, true);
  const problems: DataProblem[] = [];
  let skipped = 0;
  const records: Array<{ text: string; label: string; line: number }> = [];
  const reader = readLabeledTexts(path, {
    ...options,
    onSkip: (problem) => {
      skipped++;
      if (problems.length < maxProblems) problems.push(problem);
      options.onSkip?.(problem);
    },
  });
  for await (const { text, label, line } of reader) records.push({ text, label, line });
  if (records.length === 0) {
    const column = options.textColumn ?? 'text';
    throw new DataError(
      'EMPTY_FILE',
      `${path}: no usable rows${skipped > 0 ? ` (${skipped} skipped, first: ${problems[0]?.message ?? 'unknown'})` : ''}. Add rows with a non-empty "${column}" and "${options.labelColumn ?? 'label'}".`,
      { file: path, line: 0 },
    );
  }
  problems.sort((a, b) => a.line - b.line);
  return { records, skipped, problems };
}
