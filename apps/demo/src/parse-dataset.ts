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
}

const MAX_PROBLEMS = 20;

/**
 * Picks the format from a file name's extension (`.tsv`/`.tab` → TSV, `.jsonl`/`.ndjson` → JSONL, else CSV).
 *
 * @param name - The file name.
 * @returns The format.
 * @example
 * ```ts
 * detectFormat('reviews.tsv'); // 'tsv'
 * ```
 */
export function detectFormat(name: string): DatasetFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  return 'csv';
}

function cellToString(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function parseDelimited(file: Blob, format: 'csv' | 'tsv', onProgress: (fraction: number) => void): Promise<ParsedDataset> {
  const rows: Array<Record<string, string>> = [];
  const problems: string[] = [];
  let skipped = 0;
  let columns: string[] = [];
  return new Promise((resolve, reject) => {
    // Papa reads a File/Blob in chunks (FileReader), so a large upload never sits in memory as one string.
    Papa.parse<Record<string, string | undefined>>(file as File, {
      header: true,
      delimiter: format === 'tsv' ? '\t' : ',',
      skipEmptyLines: 'greedy',
      chunkSize: 1 << 20,
      chunk(results) {
        if (columns.length === 0) columns = (results.meta.fields ?? []).filter((f) => f !== '');
        const bad = new Set<number>();
        for (const error of results.errors) {
          if (error.row === undefined) continue;
          bad.add(error.row);
          if (problems.length < MAX_PROBLEMS) problems.push(`row ${rows.length + error.row + 2}: ${error.message}`);
        }
        results.data.forEach((record, i) => {
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
        onProgress(file.size > 0 ? Math.min(1, results.meta.cursor / file.size) : 1);
      },
      complete: () => resolve({ format, columns, rows, problems, skipped }),
      error: (error) => reject(new Error(`Could not read the file: ${error.message}`)),
    });
  });
}

async function parseJsonLines(file: Blob, onProgress: (fraction: number) => void): Promise<ParsedDataset> {
  const rows: Array<Record<string, string>> = [];
  const problems: string[] = [];
  const columns: string[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  let lineNumber = 0;
  let read = 0;
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
  // Streamed: decoded and split chunk by chunk (progress counts bytes, as File.size does).
  const reader = file.stream().getReader();
  const decoder = new TextDecoder();
  let pending = '';
  const consume = (text: string): void => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) handleLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    read += value.byteLength;
    consume(decoder.decode(value, { stream: true }));
    onProgress(file.size > 0 ? Math.min(1, read / file.size) : 1);
  }
  consume(decoder.decode());
  if (pending !== '') handleLine(pending.endsWith('\r') ? pending.slice(0, -1) : pending);
  onProgress(1);
  return { format: 'jsonl', columns, rows, problems, skipped };
}

/**
 * Parses an uploaded CSV, TSV or JSONL file in the browser, streaming it in chunks. CSV and TSV need a
 * header row; RFC 4180 quoting is understood. Malformed rows are skipped and reported.
 *
 * @param file - The uploaded file.
 * @param format - Its format (see {@link detectFormat}).
 * @param onProgress - Called with the fraction read so far.
 * @returns The columns and rows.
 * @throws Error when the file cannot be read at all.
 * @example
 * ```ts
 * const data = await parseDataset(file, detectFormat(file.name));
 * console.log(data.columns, data.rows.length);
 * ```
 */
export function parseDataset(file: Blob, format: DatasetFormat, onProgress: (fraction: number) => void = () => {}): Promise<ParsedDataset> {
  return format === 'jsonl' ? parseJsonLines(file, onProgress) : parseDelimited(file, format, onProgress);
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
