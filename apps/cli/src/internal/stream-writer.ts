import { once } from 'node:events';

/** Writes to a stream with backpressure; a closed pipe (EPIPE) ends writing quietly. */
export interface StreamWriter {
  /**
   * Writes text, waiting for 'drain' when the stream's buffer is full.
   * @returns false once the reader has gone away (EPIPE / closed); stop producing then.
   */
  write(text: string): Promise<boolean>;
  /** Whether the reader has gone away. */
  readonly closed: boolean;
  /** Removes the listeners this writer added. */
  dispose(): void;
}

/**
 * Wraps a writable stream for producing large outputs: honours backpressure and treats EPIPE
 * (e.g. `glossa predict … | head`) as a normal end instead of a crash.
 *
 * @param stream - Where to write (stdout).
 * @returns The writer.
 * @throws Nothing itself; `write` rejects on stream errors other than EPIPE.
 * @example
 * ```ts
 * const out = createStreamWriter(process.stdout);
 * if (!(await out.write('line\n'))) return; // reader gone
 * ```
 */
export function createStreamWriter(stream: NodeJS.WritableStream): StreamWriter {
  let closed = false;
  let failure: Error | undefined;
  const onError = (error: Error): void => {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') closed = true;
    else failure = error;
  };
  const onClose = (): void => {
    closed = true;
  };
  stream.on('error', onError);
  stream.on('close', onClose);
  return {
    get closed() {
      return closed;
    },
    async write(text) {
      if (failure !== undefined) throw failure;
      if (closed) return false;
      const ok = stream.write(text);
      if (!ok && !closed) {
        const controller = new AbortController();
        await Promise.race([
          once(stream, 'drain', { signal: controller.signal }).catch(() => undefined),
          once(stream, 'close', { signal: controller.signal }).catch(() => undefined),
          once(stream, 'error', { signal: controller.signal }).catch(() => undefined),
        ]);
        controller.abort();
      }
      if (failure !== undefined) throw failure;
      return !closed;
    },
    dispose() {
      // Keep swallowing late EPIPE errors: the process may still flush after we return.
      stream.off('close', onClose);
    },
  };
}
