import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { Prediction } from '@glossa/model-core';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { openAtomicWriteStream } from './atomic-write-stream.js';
import { NodeRuntimeError } from './errors.js';
import { checkChoiceOption, checkNumberOption } from './internal/check-option.js';

/**
 * One input record on its way to the output, as `glossa predict` and `glossa queue collect` carry it: a
 * text that was labelled, or the reason it was not.
 */
export interface PredictionRecord {
  /** 1-based input line (row, for Parquet input; argument number for texts given as arguments). */
  line: number;
  /** The text (absent for some error records). */
  text?: string;
  /** Why this record has no label (a blank line, an empty text, a malformed row…). */
  error?: string;
  /** Input fields copied to the output (`--id-column`, `--keep`), by name. */
  kept?: Record<string, unknown>;
}

/** Compression of the Parquet output: snappy (the default, as Spark writes), gzip, or none. */
export type ParquetCompression = 'snappy' | 'gzip' | 'uncompressed';

/** Every {@link ParquetCompression}. */
export const PARQUET_COMPRESSIONS: readonly ParquetCompression[] = ['snappy', 'gzip', 'uncompressed'];

/** Options of {@link createParquetPredictionWriter}. */
export interface ParquetPredictionWriterOptions {
  /** The model's labels, in order: one `score:<label>` column each. */
  labels: readonly string[];
  /** Input fields copied to every row, first, in order (`--id-column`, `--keep`). Default none. */
  copied?: readonly string[];
  /** Rows per row group: a group is encoded and written once it holds this many. Default 100,000. */
  rowGroupRows?: number;
  /**
   * Characters of text (and copied fields, and errors) per row group: a group is also written once its rows
   * hold this many, so memory stays bounded with long texts. Default 32 Mi.
   */
  rowGroupChars?: number;
  /** Default `'snappy'`. */
  compression?: ParquetCompression;
}

/**
 * Writes predictions as a Parquet file, streaming: rows are buffered until a row group is full, then encoded
 * and written, so memory holds one row group. Columns, as `glossa predict --output-format csv` writes them:
 * the copied fields, `text`, `label`, one `score:<label>` DOUBLE column per label, `error` — strings are
 * UTF-8, and a value that is absent (the label and scores of an error record, the error of a labelled one,
 * a copied field a record lacks) is null.
 */
export interface ParquetPredictionWriter {
  /**
   * Adds a run of records; `predictions[i]` belongs to the i-th record without an `error`. Resolves once the
   * row groups it filled are written (waiting for the stream to drain).
   */
  write(records: readonly PredictionRecord[], predictions: readonly Prediction[]): Promise<void>;
  /**
   * Writes the last row group and the footer. A stream passed in is left open (end it yourself); a file
   * given by its path is completed and renamed into place. A stream whose writer is never closed holds a
   * file without a footer, which no reader accepts.
   */
  close(): Promise<void>;
  /**
   * Stops without a footer, after a failure: a file given by its path is removed (the path keeps what it
   * held before), a stream passed in is left as it is.
   */
  abort(): Promise<void>;
  /** Rows written or buffered so far. */
  readonly rows: number;
}

/** Bytes moved from the encoder's buffer to the stream at a time (the encoder keeps at most about this much). */
const CHUNK_BYTES = 1024 * 1024;

/**
 * hyparquet-writer's byte buffer, emptied into a stream: every megabyte while a row group is encoded, and
 * after each row group, waiting for the stream to drain.
 */
class StreamByteWriter extends ByteWriter {
  private failure: Error | undefined;

  constructor(private readonly stream: Writable) {
    super(CHUNK_BYTES + 64 * 1024);
    stream.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  override ensure(size: number): void {
    if (this.index > CHUNK_BYTES) this.push();
    super.ensure(size);
  }

  /** Hands the buffered bytes to the stream (a copy: the buffer is reused). */
  private push(): void {
    if (this.index === 0) return;
    if (this.failure === undefined) this.stream.write(Buffer.from(new Uint8Array(this.buffer, 0, this.index)));
    this.index = 0;
  }

  /** Throws the stream's error, if it has failed. */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  async flush(): Promise<void> {
    this.push();
    this.check();
    if (this.stream.writableNeedDrain) {
      await Promise.race([once(this.stream, 'drain'), once(this.stream, 'close')]);
    }
    this.check();
  }

  override finish(): void {
    this.push();
  }
}

/** The same text the CSV writer puts in a cell, or null for an absent value. */
function cellValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A streaming Parquet writer for predictions, to a file path or a Node `Writable` (e.g. `process.stdout`
 * when it is not a terminal). Feed it runs of records and their predictions in input order; the output has
 * one row per record, so row N of the file belongs to input record N.
 *
 * @param target - A file path (written atomically, as {@link openAtomicWriteStream} does: the file appears,
 *   whole, at `close()`) or a writable stream.
 * @param options - Labels, copied fields, row-group size, compression.
 * @returns The writer; call {@link ParquetPredictionWriter.close} at the end.
 * @throws {@link NodeRuntimeError} `INVALID_OPTION` for a label list that is empty or repeats a label, a copied
 *   field named like an output column, or a size out of range.
 * @example
 * ```ts
 * const writer = await createParquetPredictionWriter('scores.parquet', { labels: ['neg', 'pos'], copied: ['id'] });
 * await writer.write(
 *   [{ line: 1, text: 'great', kept: { id: '7' } }, { line: 2, error: 'empty text', kept: { id: '8' } }],
 *   [{ label: 'pos', scores: { neg: 0.1, pos: 0.9 } }],
 * );
 * await writer.close();
 * ```
 */
export async function createParquetPredictionWriter(target: string | Writable, options: ParquetPredictionWriterOptions): Promise<ParquetPredictionWriter> {
  const where = 'createParquetPredictionWriter';
  const labels = [...options.labels];
  const copied = [...(options.copied ?? [])];
  const rowGroupRows = checkNumberOption(where, 'rowGroupRows', options.rowGroupRows ?? 100_000, 1, 2 ** 31 - 1, true);
  const rowGroupChars = checkNumberOption(where, 'rowGroupChars', options.rowGroupChars ?? 32 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER, true);
  const compression = checkChoiceOption(where, 'compression', options.compression ?? 'snappy', PARQUET_COMPRESSIONS);
  if (labels.length === 0) throw new NodeRuntimeError('INVALID_OPTION', `${where}: labels is empty; pass the model's labels (classifier.labels).`);
  const names = [...copied, 'text', 'label', ...labels.map((label) => `score:${label}`), 'error'];
  const clash = names.find((name, i) => names.indexOf(name) !== i);
  if (clash !== undefined) {
    throw new NodeRuntimeError(
      'INVALID_OPTION',
      `${where}: the column "${clash}" would be written twice (columns: ${names.join(', ')}); rename the copied field or the label.`,
    );
  }

  const file = typeof target === 'string' ? await openAtomicWriteStream(target) : undefined;
  const stream = file?.stream ?? (target as Writable);
  const bytes = new StreamByteWriter(stream);
  const string = (name: string) => ({ name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const });
  const schema = [
    { name: 'root', num_children: names.length },
    ...copied.map(string),
    string('text'),
    string('label'),
    ...labels.map((label) => ({ name: `score:${label}`, type: 'DOUBLE' as const, repetition_type: 'OPTIONAL' as const })),
    string('error'),
  ];
  const parquet = new ParquetWriter({
    writer: bytes,
    schema,
    codec: compression === 'snappy' ? 'SNAPPY' : compression === 'gzip' ? 'GZIP' : 'UNCOMPRESSED',
    compressors: { GZIP: (input: Uint8Array) => gzipSync(input) },
    createdBy: 'glossa (hyparquet-writer)',
  });

  let columns: Array<Array<string | number | null>> = names.map(() => []);
  let buffered = 0;
  let chars = 0;
  let rows = 0;
  let closed = false;

  const writeGroup = async (): Promise<void> => {
    if (buffered === 0) return;
    const columnData = names.map((name, i) => ({ name, data: columns[i]! }));
    columns = names.map(() => []);
    buffered = 0;
    chars = 0;
    // Encodes the group, then awaits bytes.flush(): written out and drained.
    await parquet.write({ columnData, rowGroupSize: Number.MAX_SAFE_INTEGER });
  };

  return {
    get rows() {
      return rows;
    },
    async write(records, predictions) {
      if (closed) throw new NodeRuntimeError('INVALID_OPTION', `${where}: write() after close().`);
      bytes.check();
      let p = 0;
      for (const record of records) {
        const kept = copied.map((name) => cellValue(record.kept?.[name]));
        const prediction = record.error === undefined ? predictions[p++] : undefined;
        if (record.error === undefined && prediction === undefined) {
          throw new NodeRuntimeError(
            'INVALID_OPTION',
            `${where}: ${records.length} records without an error but only ${predictions.length} predictions; pass one prediction per labelled record.`,
          );
        }
        const row = [
          ...kept,
          record.text ?? null,
          prediction?.label ?? null,
          ...labels.map((label) => prediction?.scores[label] ?? null),
          record.error ?? null,
        ];
        for (let i = 0; i < row.length; i++) {
          const value = row[i]!;
          columns[i]!.push(value);
          if (typeof value === 'string') chars += value.length;
        }
        buffered++;
        rows++;
        if (buffered >= rowGroupRows || chars >= rowGroupChars) await writeGroup();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await writeGroup();
        await parquet.finish();
        await bytes.flush();
      } catch (error) {
        await file?.abort();
        throw error;
      }
      await file?.commit();
    },
    async abort() {
      closed = true;
      await file?.abort();
    },
  };
}
