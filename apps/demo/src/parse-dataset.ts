import { type EncodingControl, formatFromExtension, StrictTextDecoder } from '@glossa/web-runtime';
import Papa from 'papaparse';

/** File formats the demo reads. */
export type DatasetFormat = 'csv' | 'tsv' | 'jsonl';

/** A parsed upload: the column names and every row as strings. */
export interface ParsedDataset {
  /** The format that was parsed. */
  format: DatasetFormat;
  /** Column (CSV/TSV header) or field (JSONL) names, in first-seen order. */
  columns: string[];
  /** One record per data row; missing fields are absent. */
  rows: Array<Record<string, string>>;
  /** Malformed rows, skipped (at most the first 20 are described). */
  problems: string[];
  /** How many rows were skipped. */
  skipped: number;
  /** The encoding the file was read in (WHATWG name). */
  encoding: string;
  /** Whether the file's byte-order mark chose the encoding. */
  encodingFromByteOrderMark: boolean;
  /** Set when the header's delimiter overrode the name's format, e.g. `the header is tab-separated, so it was read as TSV`. */
  formatNote?: string;
}

/** Options of {@link parseDataset}. */
export interface ParseDatasetOptions {
  /** The format its name says (see {@link detectFormat}); a CSV/TSV header with the other delimiter overrides it. */
  format: DatasetFormat;
  /** The encoding (any WHATWG label); a byte-order mark overrides it. Default `utf-8`. */
  encoding?: string;
  /** The file's name, for messages. Default: the File's name, else `upload`. */
  name?: string;
  /** Called with the fraction of bytes read so far. */
  onProgress?: (fraction: number) => void;
}

/** How the page names the encoding, in the messages about a file in another encoding. */
export const ENCODING_LIST: EncodingControl = { name: 'the Encoding list', example: 'windows-1252' };

/**
 * A file whose text is mostly NUL characters — UTF-16 without a byte-order mark (every ASCII character
 * followed or preceded by a 0x00 byte), or not text at all — which is valid UTF-8 and would otherwise be read
 * as garbage.
 *
 * @example
 * ```ts
 * try { await parseDataset(file, { format: 'csv' }); } catch (e) { if (e instanceof NotTextError) offerUtf16(); }
 * ```
 */
export class NotTextError extends Error {
  override name = 'NotTextError' as const;
}

/** Throws {@link NotTextError} when NUL characters are common in `text` (two or more, and at least 1%: node-runtime's test for binary data). */
function checkIsText(name: string, text: string): void {
  let nul = 0;
  for (let i = text.indexOf('\0'); i !== -1; i = text.indexOf('\0', i + 1)) nul++;
  if (nul < 2 || nul * 100 < text.length) return;
  throw new NotTextError(
    `${name}: ${nul.toLocaleString('en')} of its first ${text.length.toLocaleString('en')} characters are NUL bytes (0x00), which text files do not contain: ` +
      'the file is UTF-16 without a byte-order mark, binary or damaged. Choose utf-16le or utf-16be in the Encoding list, or save it as UTF-8 text.',
  );
}

const MAX_PROBLEMS = 20;
/** Decoded text is handed to the parsers in pieces of about this many characters. */
const PIECE = 1 << 20;

/**
 * Picks the format from a file name's extension with the table node-runtime's readers use
 * (`formatFromExtension`: `.tsv`/`.tab` → TSV, `.jsonl`/`.ndjson` → JSONL); anything else, Parquet and
 * plain text included, is read as CSV.
 *
 * @param name - The file name.
 * @returns The format.
 * @example
 * ```ts
 * detectFormat('reviews.tsv'); // 'tsv'
 * ```
 */
export function detectFormat(name: string): DatasetFormat {
  const format = formatFromExtension(name);
  return format === 'tsv' || format === 'jsonl' ? format : 'csv';
}

/**
 * The delimited format the header row really has: a CSV whose one-column header holds tabs is TSV, a TSV
 * whose one-column header holds commas is CSV (the rule node-runtime's readers use to say "this is a TSV
 * file"); otherwise the format given.
 *
 * @param format - The format the file's name says.
 * @param text - The file's first text (its header row at least, when there is one).
 * @returns The format to read, and a note when it is not the one given.
 * @example
 * ```ts
 * delimiterOf('csv', 'id\ttext\tlabel\n'); // { format: 'tsv', note: 'the header is tab-separated, so it was read as TSV' }
 * ```
 */
export function delimiterOf(format: 'csv' | 'tsv', text: string): { format: 'csv' | 'tsv'; note?: string } {
  const end = text.search(/[\r\n]/);
  const header = end === -1 ? text : text.slice(0, end);
  const fields = Papa.parse<string[]>(header, { delimiter: format === 'tsv' ? '\t' : ',' }).data[0] ?? [];
  if (fields.length !== 1) return { format };
  if (format === 'csv' && header.includes('\t')) return { format: 'tsv', note: 'the header is tab-separated, so it was read as TSV' };
  if (format === 'tsv' && header.includes(',')) return { format: 'csv', note: 'the header is comma-separated, so it was read as CSV' };
  return { format };
}

function cellToString(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * The file's text in pieces of about {@link PIECE} characters, decoded as it streams by
 * {@link StrictTextDecoder}: a character is never dropped or replaced, and the first byte sequence the
 * encoding cannot decode throws `UndecodableTextError` with its line and column.
 */
async function* decodedPieces(file: Blob, decoder: StrictTextDecoder, onProgress: (fraction: number) => void): AsyncGenerator<string> {
  const reader = file.stream().getReader();
  let read = 0;
  let piece = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      read += value.byteLength;
      piece += decoder.decode(value, { stream: true });
      onProgress(file.size > 0 ? Math.min(1, read / file.size) : 1);
      if (piece.length >= PIECE) {
        yield piece;
        piece = '';
      }
    }
    piece += decoder.decode();
    if (piece !== '') yield piece;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * Papa Parse streams from any object shaped like a Node readable stream (`readable`, `read`, `on`,
 * `removeListener`); this one emits the decoded pieces, so Papa parses text that is already decoded whole
 * (its own File reader decodes each slice apart and turns a character cut by a slice into U+FFFD).
 */
function pieceStream(pieces: AsyncIterable<string>): { source: unknown; start: () => void } {
  const listeners = new Map<string, Set<(value?: unknown) => void>>();
  const emit = (event: string, value?: unknown): void => {
    for (const listener of [...(listeners.get(event) ?? [])]) listener(value);
  };
  const source = {
    readable: true,
    read: () => null,
    on(event: string, listener: (value?: unknown) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)?.add(listener);
      return source;
    },
    removeListener(event: string, listener: (value?: unknown) => void) {
      listeners.get(event)?.delete(listener);
      return source;
    },
    pause: () => undefined,
    resume: () => undefined,
  };
  const start = (): void => {
    void (async () => {
      try {
        for await (const piece of pieces) emit('data', piece);
        emit('end');
      } catch (error) {
        emit('error', error);
      }
    })();
  };
  return { source, start };
}

/**
 * Line breaks as node-runtime's readers see them: CRLF and a lone CR become LF, inside quoted fields too
 * (a CR at the end of a piece waits for the next one).
 */
async function* unixNewlines(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  let pendingCR = false;
  for await (let piece of pieces) {
    if (pendingCR) piece = `\r${piece}`;
    pendingCR = piece.endsWith('\r');
    if (pendingCR) piece = piece.slice(0, -1);
    yield piece.replace(/\r\n?/g, '\n');
  }
  if (pendingCR) yield '\n';
}

/** Whether a parsed record holds nothing but whitespace (extra fields included). */
function isBlankRecord(record: Record<string, unknown>): boolean {
  return Object.values(record).every((value) =>
    (Array.isArray(value) ? value : [value]).every((v) => v === undefined || v === null || String(v).trim() === ''),
  );
}

function parseDelimited(pieces: AsyncIterable<string>, format: 'csv' | 'tsv'): Promise<Pick<ParsedDataset, 'columns' | 'rows' | 'problems' | 'skipped'>> {
  const rows: Array<Record<string, string>> = [];
  const problems: string[] = [];
  let skipped = 0;
  let columns: string[] = [];
  const { source, start } = pieceStream(unixNewlines(pieces));
  return new Promise((resolve, reject) => {
    Papa.parse<Record<string, string | undefined>>(source as File, {
      header: true,
      delimiter: format === 'tsv' ? '\t' : ',',
      // As node-runtime's csv-parse reader: empty lines are skipped, and so are whitespace-only lines whose
      // field count is wrong; a row of empty fields with the right count is a row (csv-parity.test.ts).
      skipEmptyLines: true,
      chunk(results) {
        if (columns.length === 0) columns = (results.meta.fields ?? []).filter((f) => f !== '');
        const bad = new Set<number>();
        const blank = new Set<number>();
        for (const error of results.errors) {
          if (error.row === undefined) continue;
          const record = results.data[error.row];
          if (error.type === 'FieldMismatch' && record !== undefined && isBlankRecord(record)) {
            blank.add(error.row);
            continue;
          }
          bad.add(error.row);
          if (problems.length < MAX_PROBLEMS) problems.push(`row ${rows.length + error.row + 2}: ${error.message}`);
        }
        results.data.forEach((record, i) => {
          if (blank.has(i)) return;
          if (bad.has(i)) {
            skipped++;
            return;
          }
          const row: Record<string, string> = {};
          for (const column of columns) {
            const value = cellToString(record[column]);
            if (value !== undefined) row[column] = value;
          }
          rows.push(row);
        });
      },
      complete: () => resolve({ columns, rows, problems, skipped }),
      error: (error) => reject(error),
    });
    start();
  });
}

async function parseJsonLines(pieces: AsyncIterable<string>): Promise<Pick<ParsedDataset, 'columns' | 'rows' | 'problems' | 'skipped'>> {
  const rows: Array<Record<string, string>> = [];
  const problems: string[] = [];
  const columns: string[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  let lineNumber = 0;
  const handleLine = (line: string): void => {
    lineNumber++;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skipped++;
      if (problems.length < MAX_PROBLEMS) problems.push(`line ${lineNumber}: not valid JSON`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      skipped++;
      if (problems.length < MAX_PROBLEMS) problems.push(`line ${lineNumber}: not a JSON object`);
      return;
    }
    const row: Record<string, string> = {};
    for (const [key, cell] of Object.entries(value)) {
      const text = cellToString(cell);
      if (text === undefined) continue;
      row[key] = text;
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
    rows.push(row);
  };
  let pending = '';
  for await (const piece of pieces) {
    pending += piece;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) handleLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
  if (pending !== '') handleLine(pending.endsWith('\r') ? pending.slice(0, -1) : pending);
  return { columns, rows, problems, skipped };
}

/** The first piece put back in front of the rest. */
async function* prepend(first: string | undefined, rest: AsyncIterator<string>): AsyncGenerator<string> {
  if (first !== undefined) yield first;
  for (;;) {
    const next = await rest.next();
    if (next.done === true) return;
    yield next.value;
  }
}

/**
 * Parses an uploaded CSV, TSV or JSONL file in the browser as it streams: decoded in the chosen encoding
 * (a byte-order mark overrides it) without ever dropping or replacing a character, then parsed in pieces of
 * about a million characters. CSV and TSV need a header row; RFC 4180 quoting is understood; a header with
 * the other delimiter switches the format (see {@link delimiterOf}). Malformed rows are skipped and reported.
 *
 * @param file - The uploaded file.
 * @param options - Its format by name, the encoding, a name for messages and a progress callback.
 * @returns The columns and rows, and how the file was read.
 * @throws UndecodableTextError (from `@glossa/web-runtime`) when the file is not valid in the encoding: the
 *   message is the command line's, naming the page's Encoding list.
 * @throws NotTextError when NUL characters are common in its first piece (UTF-16 without a byte-order mark).
 * @throws Error when the file cannot be read at all.
 * @example
 * ```ts
 * const data = await parseDataset(file, { format: detectFormat(file.name), encoding: 'gb18030' });
 * console.log(data.columns, data.rows.length);
 * ```
 */
export async function parseDataset(file: Blob, options: ParseDatasetOptions): Promise<ParsedDataset> {
  const onProgress = options.onProgress ?? (() => undefined);
  const name = options.name ?? ((file as { name?: unknown }).name as string | undefined) ?? 'upload';
  const decoder = new StrictTextDecoder({ encoding: options.encoding ?? 'utf-8', file: name, control: ENCODING_LIST });
  const pieces = decodedPieces(file, decoder, onProgress);
  const first = await pieces.next();
  if (first.done !== true) checkIsText(name, first.value);
  const text = prepend(first.done === true ? undefined : first.value, pieces);
  const how = { encoding: decoder.encoding, encodingFromByteOrderMark: decoder.fromByteOrderMark };
  if (options.format === 'jsonl') return { format: 'jsonl', ...(await parseJsonLines(text)), ...how };
  const { format, note } = delimiterOf(options.format, first.done === true ? '' : first.value);
  const parsed = await parseDelimited(text, format);
  onProgress(1);
  return { format, ...parsed, ...how, ...(note === undefined ? {} : { formatNote: note }) };
}

const TEXT_NAMES = ['text', 'sentence', 'review', 'content', 'message', 'body', 'tweet', 'document', 'comment', 'description'];
const LABEL_NAMES = ['label', 'labels', 'class', 'category', 'sentiment', 'target', 'y', 'tag'];

/**
 * Suggests the text and label columns: a column named `text` / `label` (or a common synonym), else the
 * column with the longest values for text and the one with the fewest distinct values for the label.
 *
 * @param dataset - The parsed data.
 * @returns Suggested column names (may be equal only when there is a single column).
 * @example
 * ```ts
 * suggestColumns(data); // { text: 'text', label: 'label' }
 * ```
 */
export function suggestColumns(dataset: Pick<ParsedDataset, 'columns' | 'rows'>): { text: string; label: string } {
  const { columns, rows } = dataset;
  const byName = (names: readonly string[], exclude?: string): string | undefined => {
    for (const name of names) {
      const found = columns.find((c) => c.trim().toLowerCase() === name && c !== exclude);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const sample = rows.slice(0, 500);
  const meanLength = (column: string): number => sample.reduce((sum, row) => sum + (row[column]?.length ?? 0), 0) / Math.max(1, sample.length);
  const distinct = (column: string): number => new Set(sample.map((row) => row[column])).size;
  const text = byName(TEXT_NAMES) ?? [...columns].sort((a, b) => meanLength(b) - meanLength(a))[0] ?? '';
  const label = byName(LABEL_NAMES, text) ?? [...columns].filter((c) => c !== text).sort((a, b) => distinct(a) - distinct(b))[0] ?? text;
  return { text, label };
}
