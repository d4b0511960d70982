import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { DataProblem } from '../data-problem.js';
import { DATA_FORMATS, type DataFormat, detectFormat, recordPlace } from '../detect-format.js';
import { NodeRuntimeError } from '../errors.js';
import type { ReadRecordsOptions } from '../read-records.js';
import { checkChoiceOption, checkNameOption, checkNumberOption } from './check-option.js';
import { openParquetFile, parquetSource } from './parquet-source.js';
import { DEFAULT_MAX_RECORD_SIZE, checkDataFile, problemToError, recordSource, type SourceItem, type SourceSettings } from './record-source.js';
import { Transcode, encodingName } from './transcode.js';

/** Applies the `onBadRow` policy: throws in fail mode, reports in skip mode. */
export function reportProblem(problem: DataProblem, options: ReadRecordsOptions): void {
  if ((options.onBadRow ?? 'fail') === 'fail') throw problemToError(problem);
  options.onSkip?.(problem);
}

/** The advice after an empty text, for readers that fail or skip. */
export const EMPTY_TEXT_ADVICE = '. Remove the row or fill in the text; or pass onBadRow: "skip" (--on-bad-row skip) to skip such rows.';

/**
 * The problem of a row whose text or label is empty or only whitespace (`null` in a Parquet file).
 *
 * @param kind - `empty-text` or `empty-label`.
 * @param where - The file, the record's line (row for Parquet) and the format.
 * @param column - The column or field.
 * @param value - The value read (`undefined` when it was null).
 * @param advice - What follows the message's first sentence, e.g. ` (nothing to label).` or `. Remove the row…`.
 * @returns The problem.
 */
export function emptyValueProblem(
  kind: 'empty-text' | 'empty-label',
  where: { file: string; line: number; format: DataFormat },
  column: string,
  value: string | undefined,
  advice: string,
): DataProblem {
  const { file, line, format } = where;
  return { kind, file, line, message: `${recordPlace(file, line, format)}: the "${column}" value is ${value === undefined ? 'null' : 'empty'}${advice}` };
}

/** Largest `maxRecordSize` accepted: V8's longest string. */
export const MAX_RECORD_SIZE_LIMIT = 2 ** 29 - 24;

/** Validates the reader options (programmer mistakes throw `INVALID_OPTION` before any file is opened). */
export function checkReadOptions(options: ReadRecordsOptions): void {
  const where = 'readRecords';
  if (options.format !== undefined) checkChoiceOption(where, 'format', options.format, DATA_FORMATS);
  if (options.onBadRow !== undefined) checkChoiceOption(where, 'onBadRow', options.onBadRow, ['fail', 'skip']);
  if (options.textColumn !== undefined) checkNameOption(where, 'textColumn', options.textColumn);
  if (options.labelColumn !== undefined) checkNameOption(where, 'labelColumn', options.labelColumn);
  if (options.maxRecordSize !== undefined) checkNumberOption(where, 'maxRecordSize', options.maxRecordSize, 1, MAX_RECORD_SIZE_LIMIT, true);
  if (options.onSkip !== undefined && typeof options.onSkip !== 'function') {
    throw new NodeRuntimeError('INVALID_OPTION', `${where}: onSkip must be a function (got ${typeof options.onSkip}).`);
  }
}

/** Opens a path or stream and returns its row items. */
export async function openRecords(
  source: string | Readable,
  options: ReadRecordsOptions,
  requiredColumns: readonly string[],
  keepBlankLines = false,
): Promise<{ items: AsyncGenerator<SourceItem>; format: DataFormat; file: string }> {
  const encoding = options.encoding === undefined ? 'utf-8' : encodingName('readRecords', options.encoding);
  checkReadOptions(options);
  const file = typeof source === 'string' ? source : (options.sourceName ?? '<stream>');
  // Checked first: a directory or a missing file is named as such, not blamed on its extension.
  if (typeof source === 'string') await checkDataFile(source);
  let format: DataFormat;
  try {
    format = options.format ?? (typeof source === 'string' ? detectFormat(source) : 'txt');
  } catch (error) {
    if (typeof source !== 'string') source.destroy();
    throw error;
  }
  if (format === 'parquet' && options.encoding !== undefined) {
    throw new NodeRuntimeError(
      'INVALID_OPTION',
      `${file}: encoding does not apply to Parquet files: Parquet stores text as UTF-8 by specification. Leave out encoding (--encoding).`,
    );
  }
  const settings: SourceSettings = {
    file,
    format,
    textColumn: options.textColumn ?? 'text',
    requiredColumns,
    maxRecordSize: options.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE,
    keepBlankLines,
    encoding,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(options.columnOptions ? { columnOptions: options.columnOptions } : {}),
  };
  if (format === 'parquet' && typeof source === 'string') {
    return { items: parquetSource(await openParquetFile(source), settings), format, file };
  }
  const raw = typeof source === 'string' ? createReadStream(source, { highWaterMark: 64 * 1024 }) : source;
  const input = encoding === 'utf-8' ? raw : transcoded(raw, encoding);
  return { items: recordSource(input, settings), format, file };
}

/** `raw` decoded from `encoding` to UTF-8 bytes; errors and early ends travel both ways. */
function transcoded(raw: Readable, encoding: string): Readable {
  const transcode = new Transcode(encoding);
  raw.on('error', (error) => transcode.destroy(error));
  transcode.on('close', () => raw.destroy());
  return raw.pipe(transcode);
}
