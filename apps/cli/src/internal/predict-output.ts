import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { CliError } from '../cli-error.js';
import type { PredictionRecord, RuntimeApi } from '../runtime.js';
import { createStreamWriter } from './stream-writer.js';

/** The line formats of `glossa predict`'s output (one line per record, after a CSV/TSV header). */
export const PREDICT_OUTPUT_FORMATS = ['jsonl', 'csv', 'tsv'] as const;

/** A line format of `glossa predict`'s output. */
export type PredictOutputFormat = (typeof PREDICT_OUTPUT_FORMATS)[number];

/** Every `--output-format` of `glossa predict`: the line formats, and Parquet (binary: a file or a pipe, never a terminal). */
export const PREDICT_OUTPUT_CHOICES = [...PREDICT_OUTPUT_FORMATS, 'parquet'] as const;

/** An `--output-format` of `glossa predict`. */
export type PredictOutputChoice = (typeof PREDICT_OUTPUT_CHOICES)[number];

/** One input record on its way to the output: a text to label, or the reason it has no label (node-runtime's type, shared with its Parquet writer and the queue). */
export type PredictItem = PredictionRecord;

/** Field names the output writes itself; `--id-column` / `--keep` may not use them. */
export const RESERVED_OUTPUT_FIELDS = ['text', 'label', 'scores', 'line', 'error'] as const;

/**
 * Checks the names `--id-column` and `--keep` copy to the output: no duplicates, none of the output's own fields.
 *
 * @param names - The id column first, then the kept columns.
 * @returns The names.
 * @throws {CliError} USAGE naming the clash.
 */
export function checkCopiedFields(names: readonly string[]): readonly string[] {
  const seen = new Set<string>();
  for (const name of names) {
    if ((RESERVED_OUTPUT_FIELDS as readonly string[]).includes(name)) {
      throw new CliError(
        'USAGE',
        `--id-column/--keep: "${name}" is a field the output writes itself (${RESERVED_OUTPUT_FIELDS.join(', ')}); rename the input column or copy another one`,
      );
    }
    if (seen.has(name)) throw new CliError('USAGE', `--id-column/--keep: "${name}" is named twice`);
    seen.add(name);
  }
  return names;
}

/**
 * Serialises output records: JSONL (one object per record: the copied fields, then `text`, `label`,
 * `scores` — or `line` and `error`), or CSV/TSV with a header (copied fields, `text`, `label`, one
 * `score:<label>` column per label, `error`).
 */
export interface PredictWriter {
  /** Lines for a run of records (`predictions[i]` belongs to the i-th item with a text). */
  format(items: readonly PredictItem[], predictions: ReadonlyArray<{ label: string; scores: Record<string, number> }>): string;
}

/**
 * Serialises one prediction as a JSONL line: the copied input fields, then text, label and scores.
 *
 * @param text - The input text.
 * @param label - Predicted label.
 * @param scores - Label → probability.
 * @param kept - Input fields copied to the output (`--id-column`, `--keep`), first.
 * @returns `{…kept, "text":…,"label":…,"scores":{…}}` plus a newline.
 * @example
 * ```ts
 * predictionLine('nice', 'pos', { neg: 0.1, pos: 0.9 });
 * ```
 */
export function predictionLine(text: string, label: string, scores: Record<string, number>, kept: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ ...kept, text, label, scores })}\n`;
}

/**
 * A writer for `format`.
 *
 * @param format - jsonl, csv or tsv.
 * @param copied - Copied field names, in order.
 * @param labels - The model's labels (the CSV/TSV score columns).
 * @returns The writer; CSV/TSV write the header before the first records.
 * @example
 * ```ts
 * createPredictWriter('csv', ['id'], ['neg', 'pos']).format([{ line: 1, text: 'fine', kept: { id: '7' } }], [{ label: 'pos', scores: { neg: 0.2, pos: 0.8 } }]);
 * // 'id,text,label,score:neg,score:pos,error\n7,fine,pos,0.2,0.8,\n'
 * ```
 */
export function createPredictWriter(format: PredictOutputFormat | 'terminal', copied: readonly string[], labels: readonly string[]): PredictWriter {
  if (format === 'terminal') {
    // For a person at a terminal: label, its probability to 4 places, the text (copied fields first).
    const width = Math.max(5, ...labels.map((l) => l.length));
    return {
      format(items, predictions) {
        let out = '';
        let p = 0;
        for (const item of items) {
          const kept = copied.map((name) => `${name}=${String(item.kept?.[name] ?? '')}  `).join('');
          if (item.error !== undefined) {
            out += `${'error'.padEnd(width)}  ${'-'.padStart(6)}  ${kept}${item.error}\n`;
            continue;
          }
          const prediction = predictions[p++]!;
          const score = (prediction.scores[prediction.label] ?? 0).toFixed(4);
          out += `${prediction.label.padEnd(width)}  ${score}  ${kept}${(item.text ?? '').replace(/\s+/g, ' ')}\n`;
        }
        return out;
      },
    };
  }
  if (format === 'jsonl') {
    return {
      format(items, predictions) {
        let out = '';
        let p = 0;
        for (const item of items) {
          const kept = item.kept ?? {};
          if (item.error !== undefined) {
            out += `${JSON.stringify({ ...kept, line: item.line, error: item.error })}\n`;
          } else {
            const prediction = predictions[p++]!;
            out += predictionLine(item.text ?? '', prediction.label, prediction.scores, kept);
          }
        }
        return out;
      },
    };
  }
  const delimiter = format === 'tsv' ? '\t' : ',';
  const header = [...copied, 'text', 'label', ...labels.map((l) => `score:${l}`), 'error'];
  let headerWritten = false;
  const cell = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));
  return {
    format(items, predictions) {
      const rows: string[][] = headerWritten ? [] : [header];
      headerWritten = true;
      let p = 0;
      for (const item of items) {
        const kept = copied.map((name) => cell(item.kept?.[name]));
        if (item.error !== undefined) {
          rows.push([...kept, item.text ?? '', '', ...labels.map(() => ''), item.error]);
        } else {
          const prediction = predictions[p++]!;
          rows.push([...kept, item.text ?? '', prediction.label, ...labels.map((l) => String(prediction.scores[l] ?? '')), '']);
        }
      }
      return stringify(rows, { delimiter, eof: true, record_delimiter: 'unix' });
    },
  };
}

/**
 * Where `glossa predict` (and `glossa queue collect`) put their records: the line formats through
 * {@link createPredictWriter} with backpressure, or a streaming Parquet file (row groups written as they
 * fill). Feed it runs of records in input order with the predictions of their texts.
 */
export interface PredictSink {
  /**
   * Writes a run of records (`predictions[i]` belongs to the i-th item without an `error`).
   * @returns false once the reader has gone away (EPIPE, `| head`): stop producing then.
   */
  write(items: readonly PredictItem[], predictions: ReadonlyArray<{ label: string; scores: Record<string, number> }>): Promise<boolean>;
  /** Ends the output after the last run: for Parquet the last row group and the footer (the stream itself is left open). */
  close(): Promise<void>;
  /**
   * Lets go of the stream without ending the output, after a failure (a no-op after `close`): a Parquet output
   * then has no footer, so no reader takes a partial file for a whole one.
   */
  abort(): Promise<void>;
  /** Whether the reader has gone away. */
  readonly closed: boolean;
}

function isClosedPipe(error: unknown, stream: NodeJS.WritableStream): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' || (stream as Partial<Writable>).destroyed === true;
}

/**
 * A sink writing `format` to `stream`.
 *
 * @param runtime - node-runtime (its Parquet writer).
 * @param format - A line format, `terminal` (readable lines for a person) or `parquet`.
 * @param copied - Copied field names, in order (`--id-column`, `--keep`).
 * @param labels - The model's labels.
 * @param stream - Where to write (stdout; for Parquet not a terminal: the caller checks).
 * @returns The sink.
 * @example
 * ```ts
 * const sink = await createPredictSink(runtime, 'parquet', ['id'], classifier.labels, process.stdout);
 * await sink.write([{ line: 1, text: 'fine', kept: { id: '7' } }], [{ label: 'pos', scores: { neg: 0.2, pos: 0.8 } }]);
 * await sink.close();
 * ```
 */
export async function createPredictSink(
  runtime: Pick<RuntimeApi, 'createParquetPredictionWriter'>,
  format: PredictOutputChoice | 'terminal',
  copied: readonly string[],
  labels: readonly string[],
  stream: NodeJS.WritableStream,
): Promise<PredictSink> {
  if (format !== 'parquet') {
    const out = createStreamWriter(stream);
    const writer = createPredictWriter(format, copied, labels);
    return {
      write: (items, predictions) => out.write(writer.format(items, predictions)),
      async close() {
        out.dispose();
      },
      async abort() {
        out.dispose();
      },
      get closed() {
        return out.closed;
      },
    };
  }
  const parquet = await runtime.createParquetPredictionWriter(stream as Writable, { labels, copied });
  let closed = false;
  let ended = false;
  const quietly = async (work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      if (!isClosedPipe(error, stream)) throw error;
      closed = true;
    }
  };
  return {
    async write(items, predictions) {
      if (!closed) await quietly(() => parquet.write(items, predictions));
      return !closed;
    },
    async close() {
      if (ended) return;
      ended = true;
      if (!closed) await quietly(() => parquet.close());
    },
    async abort() {
      if (ended) return;
      ended = true;
      await parquet.abort();
    },
    get closed() {
      return closed;
    },
  };
}
