import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DataError, NodeRuntimeError } from './errors.js';
import { errnoCode } from './internal/fs-utils.js';

/**
 * The layout of a word-vector text file:
 * - `fasttext`: a `.vec` file, whose first line is a header `<word count> <dimension>`;
 * - `glove`: no header, every line (the first included) is `<word> <value> … <value>`.
 */
export type WordVectorsFormat = 'fasttext' | 'glove';

/**
 * What the first line of a word-vector file says, from {@link readWordVectorsHeader}.
 */
export interface WordVectorsHeader {
  /** Number of values per word. */
  dimension: number;
  /** Number of words announced by a fastText header; absent for GloVe files. */
  count?: number;
  /** Whether the file has a fastText header. */
  format: WordVectorsFormat;
}

/**
 * Options of {@link readWordVectors}.
 */
export interface ReadWordVectorsOptions {
  /**
   * The words whose vectors to keep (e.g. a classifier's vocabulary); every other line is only checked,
   * so memory stays bounded by the number of requested words whatever the file's size.
   */
  tokens: readonly string[] | ReadonlySet<string>;
  /** Aborting stops reading; the promise then rejects with the signal's reason (an `AbortError`). */
  signal?: AbortSignal;
}

/**
 * The vectors of the requested words found in a file, from {@link readWordVectors}.
 */
export interface WordVectors {
  /** Number of values per word. */
  dimension: number;
  /** Whether the file had a fastText header. */
  format: WordVectorsFormat;
  /** Number of words announced by a fastText header; absent for GloVe files. */
  count?: number;
  /**
   * The vector of every requested word found (length `dimension`), keyed by the requested word: an exact
   * match, or else the first file word that lower-cases to it.
   */
  vectors: Map<string, Float32Array>;
  /** Lines of the file read (the header and blank lines included). */
  linesRead: number;
  /** Requested words that got a vector (`vectors.size`). */
  covered: number;
  /** Distinct requested words. */
  requested: number;
}

/** Longest line accepted, in bytes: a 300-dimensional line is about 3 KB. */
const MAX_LINE_BYTES = 1024 * 1024;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

const FIX_HINT = 'Pass a word-vector text file: a fastText .vec file ("<count> <dimension>" header, then "<word> <values…>" lines) or a GloVe .txt file.';

/** One line of the file as bytes, with its 1-based number. */
interface RawLine {
  bytes: Buffer;
  line: number;
}

function notFound(path: string, error: unknown): DataError {
  return new DataError(
    'FILE_NOT_FOUND',
    `${path}: file not found. Check the path of the word-vector file (relative paths start at ${process.cwd()}).`,
    { file: path, line: 0 },
    { cause: error },
  );
}

async function checkFile(path: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') throw notFound(path, error);
    throw readFailure(path, error);
  }
  if (!isFile) {
    throw new DataError('FILE_NOT_FOUND', `${path}: this is a directory, not a word-vector file. ${FIX_HINT}`, { file: path, line: 0 });
  }
}

function readFailure(path: string, error: unknown): NodeRuntimeError {
  const detail = error instanceof Error ? error.message : String(error);
  return new NodeRuntimeError('STORAGE', `${path}: could not read the word-vector file (${detail}). Check that it exists and is readable.`, { cause: error });
}

/** Code points of `bytes` before byte `offset`, plus one: the 1-based column of that byte. */
function columnOf(bytes: Buffer, offset: number): number {
  return [...bytes.subarray(0, offset).toString('utf8')].length + 1;
}

/** Offset of the first byte that does not belong to a valid UTF-8 character. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) need = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      if (lead === 0xe0) lower = 0xa0;
      else if (lead === 0xed) upper = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      need = 3;
      if (lead === 0xf0) lower = 0x90;
      else if (lead === 0xf4) upper = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < lower || next > upper) return i;
      lower = 0x80;
      upper = 0xbf;
    }
    i += need + 1;
  }
  return bytes.length;
}

/** Rejects files that are clearly not word-vector text: compressed, fastText binary models, UTF-16/32. */
function checkMagic(path: string, head: Buffer): void {
  const at = (i: number): number | undefined => head[i];
  const fail = (message: string): never => {
    throw new DataError('UNKNOWN_FORMAT', `${path}:1:1: ${message}`, { file: path, line: 1, column: 1 });
  };
  if (at(0) === 0x1f && at(1) === 0x8b) {
    fail('the file is gzip-compressed. Decompress it first (e.g. `gunzip wiki.en.vec.gz`) and pass the .vec text file.');
  }
  if (at(0) === 0xba && at(1) === 0x16 && at(2) === 0x4f && at(3) === 0x2f) {
    fail(
      'this is a fastText binary model (.bin), not a word-vector text file. Pass the .vec text file instead (fastText publishes both; `fasttext print-word-vectors` also writes one).',
    );
  }
  if ((at(0) === 0xff && at(1) === 0xfe) || (at(0) === 0xfe && at(1) === 0xff) || (at(0) === 0 && at(1) === 0 && at(2) === 0xfe && at(3) === 0xff)) {
    fail(
      'the file is UTF-16 or UTF-32 encoded (it starts with such a byte-order mark); only UTF-8 is read. Convert it (e.g. `iconv -f UTF-16 -t UTF-8 in.vec > out.vec`).',
    );
  }
}

/**
 * The lines of a file as bytes (LF or CRLF line breaks, a UTF-8 BOM dropped), in bounded memory: a line
 * longer than {@link MAX_LINE_BYTES} fails as soon as it is seen. Checks each line for NUL bytes and
 * invalid UTF-8.
 */
async function* rawLines(path: string, signal: AbortSignal | undefined): AsyncGenerator<RawLine> {
  signal?.throwIfAborted();
  await checkFile(path);
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  let first = true;
  const finish = (bytes: Buffer): RawLine => {
    line++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CR) end--;
    let start = 0;
    if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    const trimmed = bytes.subarray(start, end);
    checkBytes(path, trimmed, line);
    return { bytes: trimmed, line };
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      signal?.throwIfAborted();
      if (first) {
        checkMagic(path, chunk);
        first = false;
      }
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(LF, start);
        if (newline === -1) {
          if (start < chunk.length) {
            pending.push(chunk.subarray(start));
            pendingBytes += chunk.length - start;
            if (pendingBytes > MAX_LINE_BYTES) throw tooLong(path, line + 1);
          }
          break;
        }
        if (pendingBytes + newline - start > MAX_LINE_BYTES) throw tooLong(path, line + 1);
        const piece = chunk.subarray(start, newline);
        const bytes = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
        pending = [];
        pendingBytes = 0;
        yield finish(bytes);
        start = newline + 1;
      }
    }
    if (pendingBytes > 0) yield finish(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
  } catch (error) {
    if (error instanceof NodeRuntimeError || signal?.aborted) throw error;
    if (errnoCode(error) === 'ENOENT') throw notFound(path, error);
    throw readFailure(path, error);
  } finally {
    stream.destroy();
  }
}

function tooLong(path: string, line: number): DataError {
  return new DataError(
    'BAD_DATA',
    `${path}:${line}: the line is longer than ${MAX_LINE_BYTES} bytes; word-vector lines are a few KB. The file is probably not a word-vector text file (binary, or without line breaks). ${FIX_HINT}`,
    { file: path, line },
  );
}

function checkBytes(path: string, bytes: Buffer, line: number): void {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const column = columnOf(bytes, nul);
    throw new DataError(
      'BAD_DATA',
      `${path}:${line}:${column}: the line contains a NUL byte (0x00): this is a binary file, not a word-vector text file. If it is a fastText .bin model, pass the .vec text file instead. ${FIX_HINT}`,
      { file: path, line, column },
    );
  }
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8(bytes);
    const column = columnOf(bytes, offset);
    const byte = `0x${bytes[offset]!.toString(16).toUpperCase().padStart(2, '0')}`;
    throw new DataError(
      'BAD_DATA',
      `${path}:${line}:${column}: invalid UTF-8 (byte ${byte} at character ${column}): this is a binary file (if it is a fastText .bin model, pass the .vec text file instead) or text in another encoding (convert it to UTF-8, e.g. \`iconv -f latin1 -t utf-8 in.vec > out.vec\`).`,
      { file: path, line, column },
    );
  }
}

/** Start and end offsets (in UTF-16 units) of the space- or tab-separated fields of `text`. */
function fieldBounds(text: string): number[] {
  const bounds: number[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let c = text.charCodeAt(i);
    while (i < n && (c === SPACE || c === TAB)) c = text.charCodeAt(++i);
    if (i >= n) break;
    const start = i;
    while (i < n && c !== SPACE && c !== TAB) c = text.charCodeAt(++i);
    bounds.push(start, i);
  }
  return bounds;
}

/** 1-based column (in code points) of UTF-16 offset `index` of `text`. */
function charColumn(text: string, index: number): number {
  return [...text.slice(0, index)].length + 1;
}

const UNSIGNED = /^\d+$/;
const SIGNED = /^[+-]?\d+$/;

/** The header, or the dimension from the first vector line. */
function parseHeader(path: string, text: string, line: number): WordVectorsHeader {
  const bounds = fieldBounds(text);
  const fields = bounds.length / 2;
  const field = (i: number): string => text.slice(bounds[2 * i]!, bounds[2 * i + 1]!);
  if (fields === 2 && UNSIGNED.test(field(0)) && UNSIGNED.test(field(1))) {
    const count = Number(field(0));
    const dimension = Number(field(1));
    if (dimension < 1 || !Number.isSafeInteger(count) || !Number.isSafeInteger(dimension)) {
      throw new DataError(
        'BAD_DATA',
        `${path}:${line}: the fastText header "${text.trim()}" gives dimension ${field(1)}; it must be a positive integer (the header is "<word count> <dimension>", e.g. "2000000 300"). Fix the header line.`,
        { file: path, line },
      );
    }
    return { dimension, count, format: 'fasttext' };
  }
  if (fields <= 2 && SIGNED.test(field(0))) {
    const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text.trim();
    throw new DataError(
      'BAD_DATA',
      `${path}:${line}: the first line "${shown}" looks like a fastText header but is not two non-negative integers "<word count> <dimension>" (e.g. "2000000 300"). Fix the header, or remove it if the file is in GloVe format (no header).`,
      { file: path, line },
    );
  }
  if (fields === 1) {
    throw new DataError('BAD_DATA', `${path}:${line}: the first line holds a single field "${field(0).slice(0, 80)}" and no values. ${FIX_HINT}`, {
      file: path,
      line,
    });
  }
  return { dimension: fields - 1, format: 'glove' };
}

function emptyFile(path: string): DataError {
  return new DataError('EMPTY_FILE', `${path}: the file is empty (no vectors). ${FIX_HINT}`, { file: path, line: 0 });
}

/**
 * Reads the header of a word-vector text file: a fastText `.vec` file starts with `<word count>
 * <dimension>`; a GloVe file has no header, so the dimension is the number of values on its first line.
 * Only the first line is read.
 *
 * @param path - the `.vec` / `.txt` file
 * @returns the dimension, the announced word count (fastText) and the format
 * @throws {@link DataError} `FILE_NOT_FOUND`, `EMPTY_FILE`, `UNKNOWN_FORMAT` (a gzip file, a fastText `.bin`
 *   model, UTF-16), `BAD_DATA` (a header that is not two integers, a binary file, invalid UTF-8)
 * @example
 * ```ts
 * const { dimension, format } = await readWordVectorsHeader('wiki.en.vec'); // 300, 'fasttext'
 * ```
 */
export async function readWordVectorsHeader(path: string): Promise<WordVectorsHeader> {
  for await (const { bytes, line } of rawLines(path, undefined)) {
    const text = bytes.toString('utf8');
    if (text.trim() === '') continue;
    return parseHeader(path, text, line);
  }
  throw emptyFile(path);
}

function checkTokens(tokens: unknown): Set<string> {
  if (tokens instanceof Set || Array.isArray(tokens)) {
    const set = new Set<string>();
    for (const token of tokens as Iterable<unknown>) {
      if (typeof token !== 'string') {
        throw new NodeRuntimeError('INVALID_OPTION', `readWordVectors: tokens must hold strings only (got ${typeof token}).`);
      }
      set.add(token);
    }
    return set;
  }
  throw new NodeRuntimeError(
    'INVALID_OPTION',
    `readWordVectors: tokens must be an array or a Set of strings (got ${tokens === null ? 'null' : typeof tokens}).`,
  );
}

/**
 * Streams a word-vector text file — a fastText `.vec` file (with its `<count> <dimension>` header) or a
 * GloVe `.txt` file (no header) — and keeps the vectors of the requested `tokens` only, so memory is
 * bounded by the requested words whatever the file's size.
 *
 * A file word matches a requested token exactly; when the exact form never occurs, the first file word
 * that lower-cases to the token is used (Glossa lower-cases text, vector files often keep case). The first
 * occurrence of a word wins. Handles LF and CRLF, a UTF-8 BOM, trailing spaces and tabs, and words in any
 * script (CJK, emoji). Every line is checked for its number of values; the values themselves are parsed
 * on the lines that are kept. A word containing spaces (as in some GloVe files) is accepted when the field
 * before the last `dimension` ones is not a number.
 *
 * @param path - the `.vec` / `.txt` file
 * @param options - the requested `tokens`, and an optional abort `signal`
 * @returns the vectors found, with the dimension, the lines read and the coverage
 * @throws {@link DataError} `FILE_NOT_FOUND`, `EMPTY_FILE`, `UNKNOWN_FORMAT` (gzip, a fastText `.bin` model,
 *   UTF-16), `BAD_DATA` naming file, line (and column): a bad header, a line with the wrong number of values
 *   (expected and got), a value that is not a finite 32-bit float, a NUL byte or invalid UTF-8 (binary
 *   file), a line over 1 MB; {@link NodeRuntimeError} `INVALID_OPTION` when `tokens` is not strings
 * @example
 * ```ts
 * const { vectors, covered, requested } = await readWordVectors('wiki.en.vec', { tokens: ['the', 'movie'] });
 * console.log(`${covered} of ${requested} words`, vectors.get('movie')?.length);
 * ```
 */
export async function readWordVectors(path: string, options: ReadWordVectorsOptions): Promise<WordVectors> {
  const wanted = checkTokens(options?.tokens);
  const signal = options.signal;
  const exact = new Map<string, Float32Array>();
  const folded = new Map<string, Float32Array>();
  let header: WordVectorsHeader | undefined;
  let linesRead = 0;

  const parseVector = (text: string, bounds: readonly number[], from: number, line: number, word: string): Float32Array => {
    const dimension = header!.dimension;
    const vector = new Float32Array(dimension);
    for (let v = 0; v < dimension; v++) {
      const start = bounds[2 * (from + v)]!;
      const raw = text.slice(start, bounds[2 * (from + v) + 1]!);
      const value = Math.fround(Number(raw));
      if (!Number.isFinite(value) || raw.startsWith('0x') || raw.startsWith('0X')) {
        const column = charColumn(text, start);
        throw new DataError(
          'BAD_DATA',
          `${path}:${line}:${column}: value ${v + 1} of "${word}" is "${raw.slice(0, 40)}", not a finite number (32-bit float). Fix or remove the line.`,
          { file: path, line, column },
        );
      }
      vector[v] = value;
    }
    return vector;
  };

  for await (const { bytes, line } of rawLines(path, signal)) {
    linesRead = line;
    // Blank lines (e.g. a trailing one) carry nothing.
    if (bytes.length === 0) continue;
    const text = bytes.toString('utf8');
    if (header === undefined) {
      if (text.trim() === '') continue;
      header = parseHeader(path, text, line);
      if (header.format === 'fasttext') continue;
    }
    const bounds = fieldBounds(text);
    const fields = bounds.length / 2;
    if (fields === 0) continue;
    const dimension = header.dimension;
    let valuesFrom = 1;
    if (fields !== dimension + 1) {
      // A word with spaces ("new york 0.1 …") when the field before the values is not a number.
      const beforeValues = fields - dimension - 1;
      const isWordWithSpaces = beforeValues > 0 && Number.isNaN(Number(text.slice(bounds[2 * beforeValues]!, bounds[2 * beforeValues + 1]!)));
      if (!isWordWithSpaces) {
        const source = header.format === 'fasttext' ? 'the header' : 'the first line';
        throw new DataError(
          'BAD_DATA',
          `${path}:${line}: expected a word and ${dimension} values (the dimension ${source} gives) but found ${fields - 1} values after "${text.slice(bounds[0]!, bounds[1]!).slice(0, 40)}". The line is truncated or damaged: fix or remove it.`,
          { file: path, line },
        );
      }
      valuesFrom = fields - dimension;
    }
    const word = valuesFrom === 1 ? text.slice(bounds[0]!, bounds[1]!) : text.slice(bounds[0]!, bounds[2 * valuesFrom - 1]!);
    let vector: Float32Array | undefined;
    if (wanted.has(word) && !exact.has(word)) {
      vector = parseVector(text, bounds, valuesFrom, line, word);
      exact.set(word, vector);
    }
    // "Berlin" is also the fallback of a requested "berlin" that the file may not hold.
    const lower = word.toLowerCase();
    if (lower !== word && wanted.has(lower) && !exact.has(lower) && !folded.has(lower)) {
      folded.set(lower, vector?.slice() ?? parseVector(text, bounds, valuesFrom, line, word));
    }
  }
  if (header === undefined) throw emptyFile(path);
  const vectors = new Map<string, Float32Array>();
  for (const token of wanted) {
    const vector = exact.get(token) ?? folded.get(token);
    if (vector !== undefined) vectors.set(token, vector);
  }
  return {
    dimension: header.dimension,
    format: header.format,
    ...(header.count === undefined ? {} : { count: header.count }),
    vectors,
    linesRead,
    covered: vectors.size,
    requested: wanted.size,
  };
}
