/**
 * Reading Parquet files row group by row group, in slices of bounded size, as the same row items the
 * CSV/TSV/JSONL/txt sources yield (see record-source.ts).
 */
import { type FileHandle, open } from 'node:fs/promises';
import { type AsyncBuffer, type Compressors, type FileMetaData, parquetMetadataAsync, parquetRead, parquetSchema, type SchemaTree } from 'hyparquet';
import type { DataProblem } from '../data-problem.js';
import { DataError, NodeRuntimeError } from '../errors.js';
import { recordPlace } from '../detect-format.js';
import { SKIP_HINT, describeColumns, missingColumnAdvice, type SourceItem, type SourceSettings } from './record-source.js';

/**
 * Uncompressed bytes of the selected columns read per slice of a row group (about: whole pages are decoded).
 * Small slices keep the decoded rows and their garbage small: on 1,048,576-row groups of short texts, slices
 * of 8,192 rows peaked ~80 MB lower than slices of 65,536 and read as fast without offset indexes (with
 * them, ~35% slower: a page is decoded once per slice it feeds), and reading is a small part of predicting.
 */
export const PARQUET_SLICE_BYTES = 1024 * 1024;
/** Most rows per slice, whatever their size. */
export const PARQUET_MAX_SLICE_ROWS = 8192;

/**
 * A Parquet file as hyparquet reads it (byte ranges on demand), keeping the ranges the current and the
 * previous slice read: a row group without an offset index is fetched whole for every slice of it, and is
 * then read from disk once per row group, not once per slice. {@link ParquetBytes.nextSlice} drops what the
 * slice before did not use; {@link ParquetBytes.nextGroup} drops everything.
 */
export interface ParquetBytes extends AsyncBuffer {
  /** Called before each slice. */
  nextSlice(): void;
  /** Called before the first slice of each row group. */
  nextGroup(): void;
  /** Releases the file. */
  close(): Promise<void>;
}

interface CacheEntry {
  generation: number;
  bytes: Promise<ArrayBuffer>;
}

/**
 * Wraps a positional reader (`read(start, end)` → the bytes) with the slice cache of {@link ParquetBytes}.
 *
 * @param byteLength - The file's size.
 * @param read - Reads bytes `start` to `end` (exclusive).
 * @param close - Releases the file.
 * @returns The buffer.
 */
export function cachedParquetBytes(
  byteLength: number,
  read: (start: number, end: number) => Promise<ArrayBuffer>,
  close: () => Promise<void> = async () => {},
): ParquetBytes {
  const cache = new Map<string, CacheEntry>();
  let generation = 0;
  return {
    byteLength,
    slice(start: number, end = byteLength): Promise<ArrayBuffer> {
      const key = `${start}:${end}`;
      const hit = cache.get(key);
      if (hit !== undefined) {
        hit.generation = generation;
        return hit.bytes;
      }
      const bytes = read(start, end);
      cache.set(key, { generation, bytes });
      return bytes;
    },
    nextSlice() {
      for (const [key, entry] of cache) if (entry.generation < generation) cache.delete(key);
      generation++;
    },
    nextGroup() {
      cache.clear();
      generation++;
    },
    close,
  };
}

/**
 * Opens a Parquet file for {@link parquetSource}: one file handle, positional reads.
 *
 * @param path - The file (already checked to exist and be a file).
 * @returns The buffer.
 */
export async function openParquetFile(path: string): Promise<ParquetBytes> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new NodeRuntimeError(
      'STORAGE',
      `${path}: could not open the file (${error instanceof Error ? error.message : String(error)}). Check that it is readable.`,
      { cause: error },
    );
  }
  const { size } = await handle.stat();
  return cachedParquetBytes(
    size,
    async (start, end) => {
      const bytes = new Uint8Array(Math.max(0, end - start));
      let filled = 0;
      while (filled < bytes.length) {
        const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === bytes.length ? bytes.buffer : bytes.buffer.slice(0, filled);
    },
    () => handle.close(),
  );
}

/** A string that was not valid UTF-8, kept as found so the row can be reported. */
class InvalidUtf8 {
  constructor(readonly bytes: Uint8Array) {}
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** hyparquet's string parser, strict: invalid UTF-8 becomes an {@link InvalidUtf8} instead of U+FFFD. */
function stringFromBytes(bytes: Uint8Array | undefined): string | InvalidUtf8 | undefined {
  if (bytes === undefined) return undefined;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return new InvalidUtf8(bytes);
  }
}

let codecs: Promise<Compressors> | undefined;

/** hyparquet-compressors (gzip, zstd, brotli, lz4; snappy in WebAssembly), loaded on first use. */
function loadCompressors(): Promise<Compressors> {
  codecs ??= import('hyparquet-compressors').then((module) => module.compressors as Compressors);
  return codecs;
}

/** The type of a top-level column, for messages: `string`, `int64`, `timestamp`, `struct`, `list`… */
export function columnTypeName(node: SchemaTree): string {
  const { element } = node;
  if (node.children.length > 0) {
    const kind = element.converted_type ?? element.logical_type?.type;
    return kind === 'LIST' ? 'list' : kind === 'MAP' || kind === 'MAP_KEY_VALUE' ? 'map' : 'struct';
  }
  const logical = element.logical_type?.type ?? element.converted_type;
  if (logical === 'UTF8' || logical === 'STRING') return 'string';
  if (logical !== undefined) return logical.toLowerCase().replace(/_(millis|micros)$/, '');
  if (element.type === 'BYTE_ARRAY') return 'binary';
  return (element.type ?? 'group').toLowerCase();
}

/** Whether a column holds text: a BYTE_ARRAY leaf, plain or annotated as a string or enum. */
function isTextColumn(node: SchemaTree): boolean {
  const { element } = node;
  if (node.children.length > 0 || element.type !== 'BYTE_ARRAY' || element.repetition_type === 'REPEATED') return false;
  const logical = element.logical_type?.type ?? element.converted_type;
  return logical === undefined || logical === 'UTF8' || logical === 'STRING' || logical === 'ENUM';
}

function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof InvalidUtf8) return lenientUtf8.decode(value.bytes);
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, jsonValue(v)]),
    );
  }
  return value;
}

/**
 * A Parquet value as a field string, as the JSONL reader turns JSON values into strings: strings as they
 * are, numbers (also INT64, in full) and booleans in their usual form, dates and timestamps in ISO 8601,
 * binary in base64, lists and structs as JSON; null (and a missing optional value) is left out.
 */
function fieldText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  const json = jsonValue(value);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

/** The byte position of the first invalid UTF-8 sequence, as the character (code point) it would be. */
function invalidCharacter(bytes: Uint8Array): number {
  const text = lenientUtf8.decode(bytes);
  const index = text.indexOf('\uFFFD');
  return [...text.slice(0, Math.max(0, index))].length + 1;
}

function badBytesProblem(settings: SourceSettings, line: number, column: string, value: InvalidUtf8): DataProblem {
  const character = invalidCharacter(value.bytes);
  return {
    kind: 'invalid-utf8',
    file: settings.file,
    line,
    column: character,
    message:
      `${recordPlace(settings.file, line, 'parquet')}: the "${column}" value is not valid UTF-8 (at character ${character}). Parquet strings are UTF-8 by specification: ` +
      `the program that wrote the file stored another encoding; decode the column to text before writing it (in Spark or pandas), then write the file again.${SKIP_HINT}`,
  };
}

function tooLongProblem(settings: SourceSettings, line: number, column: string, length: number): DataProblem {
  return {
    kind: 'line-too-long',
    file: settings.file,
    line,
    column: settings.maxRecordSize + 1,
    message:
      `${recordPlace(settings.file, line, 'parquet')}: the "${column}" value is ${length} characters long, more than maxRecordSize (${settings.maxRecordSize}). ` +
      `Raise maxRecordSize (--max-record-size) if values really are this long.${SKIP_HINT}`,
  };
}

function describeTypedColumns(nodes: readonly SchemaTree[]): string {
  return describeColumns(
    nodes.map((node) => node.element.name),
    nodes.map((node) => columnTypeName(node)),
  );
}

/** Reads the footer, with messages for what is not a Parquet file, a truncated one and an encrypted one. */
async function readMetadata(bytes: ParquetBytes, settings: SourceSettings): Promise<FileMetaData> {
  const file = settings.file;
  const notParquet = (what: string): DataError =>
    new DataError(
      'BAD_DATA',
      `${file}: ${what}. If it holds CSV, TSV or JSON Lines, give it that extension or pass --format csv|tsv|jsonl (format option); ` +
        'if it is a Parquet file that was cut short (an interrupted copy or download, or a file still being written), copy it again.',
      { file, line: 0 },
    );
  if (bytes.byteLength < 12) throw notParquet(`this is not a Parquet file (${bytes.byteLength} bytes; a Parquet file starts and ends with "PAR1")`);
  const [head, tail] = await Promise.all([bytes.slice(0, 4), bytes.slice(bytes.byteLength - 4)]);
  const start = Buffer.from(head).toString('latin1');
  const end = Buffer.from(tail).toString('latin1');
  if (start === 'PAR1' && end === 'PARE') {
    throw new DataError(
      'BAD_DATA',
      `${file}: the Parquet file is encrypted (its footer ends in "PARE"); Glossa reads unencrypted Parquet only. Write the data without encryption.`,
      { file, line: 0 },
    );
  }
  if (start !== 'PAR1') throw notParquet(`this is not a Parquet file (it starts with ${JSON.stringify(start)}, not "PAR1")`);
  if (end !== 'PAR1')
    throw notParquet(
      'the Parquet file is incomplete: it starts with "PAR1" but does not end with it, so its footer (the index of its columns and row groups) is missing',
    );
  try {
    return await parquetMetadataAsync(bytes);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new DataError(
      'BAD_DATA',
      `${file}: the Parquet footer cannot be read (${detail}): the file is damaged. Write or copy it again.`,
      { file, line: 0 },
      { cause: error },
    );
  }
}

/** The columns to read, after checking they exist (and the text column holds strings). */
function selectColumns(metadata: FileMetaData, settings: SourceSettings): string[] {
  const file = settings.file;
  const top = parquetSchema(metadata).children;
  const names = top.map((node) => node.element.name);
  const wanted = settings.requiredColumns.length === 0 ? names : [...new Set(settings.requiredColumns)];
  for (const column of wanted) {
    const node = top.find((candidate) => candidate.element.name === column);
    if (node === undefined) {
      throw new DataError(
        'MISSING_COLUMN',
        `${file}: the Parquet file has no column "${column}" (columns: ${describeTypedColumns(top)}). ${missingColumnAdvice(column, names, settings)}`,
        { file, line: 0 },
      );
    }
    if (column === settings.textColumn && settings.requiredColumns.includes(column) && !isTextColumn(node)) {
      const texts = top.filter(isTextColumn).map((candidate) => candidate.element.name);
      const option = settings.columnOptions?.[column] ?? 'textColumn (--text-column)';
      throw new DataError(
        'BAD_DATA',
        `${file}: the "${column}" column holds ${columnTypeName(node)} values, not text, so it cannot be the text to classify. ` +
          (texts.length > 0
            ? `Set ${option} to a string column: ${texts.map((name) => JSON.stringify(name)).join(', ')}.`
            : `The file has no string column (columns: ${describeTypedColumns(top)}); write the texts as a string column.`),
        { file, line: 0 },
      );
    }
  }
  return wanted;
}

/** How many rows of a row group one slice reads: about {@link PARQUET_SLICE_BYTES} of the selected columns. */
function sliceRows(metadata: FileMetaData, group: number, columns: readonly string[], sliceBytes: number): number {
  const rowGroup = metadata.row_groups[group]!;
  const rows = Number(rowGroup.num_rows);
  let bytes = 0;
  for (const chunk of rowGroup.columns) {
    const path = chunk.meta_data?.path_in_schema[0];
    if (path !== undefined && columns.includes(path)) bytes += Number(chunk.meta_data?.total_uncompressed_size ?? 0n);
  }
  const perRow = Math.max(1, bytes / Math.max(1, rows));
  return Math.max(1, Math.min(PARQUET_MAX_SLICE_ROWS, Math.floor(sliceBytes / perRow)));
}

/** Settings of {@link parquetSource} beyond the shared ones. */
export interface ParquetSourceOptions {
  /** Uncompressed bytes per slice (tests make it small). Default {@link PARQUET_SLICE_BYTES}. */
  sliceBytes?: number;
  /** Told of each slice read: its row group (0-based) and rows (0-based, end exclusive). For tests. */
  onSlice?: (slice: { group: number; rowStart: number; rowEnd: number }) => void;
}

/**
 * Streams the rows of a Parquet file as row items: only the selected columns (the required ones, or all
 * when none are required), row group by row group, each group in slices of about `sliceBytes` of
 * uncompressed data, so memory holds one slice of rows (plus, for a row group without an offset index,
 * its compressed selected columns). `line` is the 1-based row number in the file.
 *
 * @param bytes - The file, from {@link openParquetFile} (closed when the generator ends).
 * @param settings - The shared source settings.
 * @param options - Slice size and a hook for tests.
 * @returns The rows and row problems (invalid UTF-8 in a string, a value over maxRecordSize).
 * @throws {@link DataError} `BAD_DATA` for a file that is not Parquet, damaged, encrypted or whose text column is
 *   not a string column; `MISSING_COLUMN` listing the columns with their types.
 */
export async function* parquetSource(bytes: ParquetBytes, settings: SourceSettings, options: ParquetSourceOptions = {}): AsyncGenerator<SourceItem> {
  const file = settings.file;
  try {
    const metadata = await readMetadata(bytes, settings);
    const names = selectColumns(metadata, settings);
    const compressors = await loadCompressors();
    const groups = metadata.row_groups.length;
    let groupStart = 0;
    for (let group = 0; group < groups; group++) {
      const groupRows = Number(metadata.row_groups[group]!.num_rows);
      const step = sliceRows(metadata, group, names, options.sliceBytes ?? PARQUET_SLICE_BYTES);
      bytes.nextGroup();
      for (let offset = 0; offset < groupRows; offset += step) {
        const rowStart = groupStart + offset;
        const rowEnd = groupStart + Math.min(groupRows, offset + step);
        bytes.nextSlice();
        options.onSlice?.({ group, rowStart, rowEnd });
        let rows: unknown[][] = [];
        try {
          await parquetRead({
            file: bytes,
            metadata,
            columns: names,
            rowStart,
            rowEnd,
            compressors,
            useOffsetIndex: true,
            parsers: { stringFromBytes },
            rowFormat: 'array',
            onComplete: (data: unknown[][]) => {
              rows = data;
            },
          });
        } catch (error) {
          const detail = error instanceof Error ? error.message : String(error);
          const codec = /unsupported compression codec: (\w+)/.exec(detail)?.[1];
          throw new DataError(
            'BAD_DATA',
            `${file}: row group ${group + 1} of ${groups} (rows ${groupStart + 1}–${groupStart + groupRows}) cannot be read (${detail}). ` +
              (codec !== undefined
                ? `Glossa reads Parquet compressed with snappy, gzip, zstd, brotli or lz4, not ${codec}: write the file again with one of them (Spark: spark.sql.parquet.compression.codec=snappy).`
                : 'The file is damaged or was cut short; write or copy it again.'),
            { file, line: rowStart + 1 },
            { cause: error },
          );
        }
        for (let i = 0; i < rows.length; i++) {
          const line = rowStart + i + 1;
          const row = rows[i]!;
          const entries: [string, string][] = [];
          let problem: DataProblem | undefined;
          for (let c = 0; c < names.length; c++) {
            const value = row[c];
            if (value instanceof InvalidUtf8) {
              problem ??= badBytesProblem(settings, line, names[c]!, value);
              continue;
            }
            const text = fieldText(value);
            if (text === undefined) continue;
            if (text.length > settings.maxRecordSize) problem ??= tooLongProblem(settings, line, names[c]!, text.length);
            entries.push([names[c]!, text]);
          }
          yield problem === undefined ? { record: { line, fields: Object.fromEntries(entries) } } : { problem };
        }
        rows = [];
      }
      groupStart += groupRows;
    }
  } finally {
    await bytes.close();
  }
}
