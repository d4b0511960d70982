import { SingleBar } from 'cli-progress';
import type { Colors } from '../internal/context.js';
import { formatDuration, formatRate } from '../internal/format.js';

/** Shows how far `glossa analyze` has read; `stop` must be called in every case. */
export interface ReadProgress {
  /** Rows read so far, and bytes of the file when known. */
  update(rows: number, bytes?: number): void;
  /** A phase after reading (e.g. explaining samples), as a plain line. */
  note(line: string): void;
  /** Removes the bar (idempotent). */
  stop(): void;
}

/** Options of {@link createReadProgress}. */
export interface ReadProgressOptions {
  /** Where progress goes (stderr). */
  stream: NodeJS.WritableStream;
  /** Interactive terminal: an animated bar; otherwise a plain line now and then. */
  tty: boolean;
  /** Colours. */
  colors: Colors;
  /** Size of the input file in bytes, when it is a file read as text (else the bar counts rows). */
  totalBytes?: number;
  /** Seconds between plain lines (default 10). */
  every?: number;
}

/**
 * Progress of a streaming read: on a terminal a bar over the file's bytes (rows and rows/s beside it, ETA
 * from the bytes), or a running count of rows when the size is unknown (stdin, Parquet); elsewhere one
 * plain line every `every` seconds.
 *
 * @param options - Stream, mode and size.
 * @returns The progress sink.
 * @example
 * ```ts
 * const progress = createReadProgress({ stream: process.stderr, tty: true, colors, totalBytes: 52_000_000 });
 * progress.update(10_000, 480_000);
 * progress.stop();
 * ```
 */
export function createReadProgress(options: ReadProgressOptions): ReadProgress {
  const started = performance.now();
  const rate = (rows: number): string => `${formatRate(rows / Math.max((performance.now() - started) / 1000, 1e-9))} rows/s`;
  const total = options.totalBytes !== undefined && options.totalBytes > 0 ? options.totalBytes : undefined;
  if (!options.tty) {
    const interval = (options.every ?? 10) * 1000;
    let last = started;
    return {
      update(rows, bytes) {
        const now = performance.now();
        if (now - last < interval) return;
        last = now;
        const share = total !== undefined && bytes !== undefined ? ` (${Math.min(100, (bytes / total) * 100).toFixed(0)}% of the file)` : '';
        options.stream.write(`read ${rows.toLocaleString('en-US')} rows${share}, ${rate(rows)}\n`);
      },
      note(line) {
        options.stream.write(`${line}\n`);
      },
      stop() {},
    };
  }
  const c = options.colors;
  let bar: SingleBar | undefined = new SingleBar({
    stream: options.stream,
    hideCursor: true,
    clearOnComplete: true,
    gracefulExit: false,
    barsize: 24,
    fps: 5,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    format: (opts, params, payload: { rows: string; rate: string }) => {
      if (total === undefined) return `reading ${payload.rows} rows  ${payload.rate}`;
      const done = Math.round(params.progress * (opts.barsize ?? 24));
      const eta = params.progress > 0 ? formatDuration(((performance.now() - started) / 1000) * (1 / params.progress - 1)) : '-';
      return `reading ${c.cyan('█'.repeat(done))}${'░'.repeat((opts.barsize ?? 24) - done)} ${(params.progress * 100).toFixed(0)}%  ${payload.rows} rows  ${payload.rate}  ETA ${eta}`;
    },
  });
  bar.start(total ?? 1, 0, { rows: '0', rate: '' });
  return {
    update(rows, bytes) {
      bar?.update(total !== undefined && bytes !== undefined ? Math.min(bytes, total) : 0, { rows: rows.toLocaleString('en-US'), rate: rate(rows) });
    },
    note(line) {
      this.stop();
      options.stream.write(`${line}\n`);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
