/** Options of {@link createMicroBatcher}. */
export interface MicroBatcherOptions {
  /**
   * Scores a batch of texts: resolves to a row-major `texts.length × width` matrix (e.g.
   * `classifier.predictProbabilities`). Called with at most one batch in flight at a time.
   */
  run(texts: readonly string[]): Promise<Float32Array>;
  /** Values per text in `run`'s result (the number of labels). */
  width: number;
  /** A batch is run as soon as this many texts are queued (a single larger request runs alone). */
  maxBatchTexts: number;
  /**
   * How long the first queued text waits for company before its batch runs, in milliseconds
   * (0: at the next turn of the event loop). Texts that arrive while a batch runs are run together
   * as soon as it finishes.
   */
  maxDelayMs: number;
}

/** Counters of a {@link MicroBatcher}. */
export interface MicroBatcherStats {
  /** Batches run so far. */
  batches: number;
  /** Texts scored so far. */
  texts: number;
  /** Requests (calls of `submit`) answered so far. */
  requests: number;
  /** The most texts one batch held. */
  largestBatch: number;
}

/** Queues texts from concurrent callers and scores them together. */
export interface MicroBatcher {
  /**
   * Queues `texts` and resolves to one row of scores per text, exactly the rows `run` gives for them.
   * @throws An `AbortError` when `signal` aborts while the texts are still queued; `run`'s error when the batch fails.
   */
  submit(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /** Texts waiting for a batch (not counting the one running). */
  readonly queuedTexts: number;
  /** Whether a batch is running. */
  readonly busy: boolean;
  /** Counters since creation. */
  readonly stats: Readonly<MicroBatcherStats>;
  /** Resolves once the queue is empty and no batch runs. */
  drain(): Promise<void>;
}

interface Job {
  texts: readonly string[];
  resolve(rows: Float32Array[]): void;
  reject(error: unknown): void;
  detach(): void;
}

function abortError(): Error {
  const error = new Error('submit: the request was aborted while its texts were queued.');
  error.name = 'AbortError';
  return error;
}

/**
 * Creates a micro-batcher: concurrent `submit` calls are queued and run through one `run` call, flushed
 * when `maxBatchTexts` texts are queued or `maxDelayMs` after the first one, and the result rows are
 * handed back to each caller in order. One batch runs at a time; whatever queued meanwhile runs next.
 *
 * @param options - The scoring function, row width and flush policy.
 * @returns The batcher.
 * @throws {RangeError} When `width`, `maxBatchTexts` or `maxDelayMs` is out of range.
 * @example
 * ```ts
 * const batcher = createMicroBatcher({
 *   run: (texts) => classifier.predictProbabilities(texts),
 *   width: classifier.labels.length,
 *   maxBatchTexts: 64,
 *   maxDelayMs: 1,
 * });
 * const [row] = await batcher.submit(['what a film']);
 * ```
 */
export function createMicroBatcher(options: MicroBatcherOptions): MicroBatcher {
  const { run, width, maxBatchTexts, maxDelayMs } = options;
  if (!Number.isInteger(width) || width < 1) {
    throw new RangeError(`createMicroBatcher: width must be a positive integer (got ${width}).`);
  }
  if (!Number.isInteger(maxBatchTexts) || maxBatchTexts < 1) {
    throw new RangeError(`createMicroBatcher: maxBatchTexts must be a positive integer (got ${maxBatchTexts}).`);
  }
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0) {
    throw new RangeError(`createMicroBatcher: maxDelayMs must be a number ≥ 0 (got ${maxDelayMs}).`);
  }
  const queue: Job[] = [];
  let queuedTexts = 0;
  let running = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let immediate: ReturnType<typeof setImmediate> | undefined;
  let idleWaiters: Array<() => void> = [];
  const stats: MicroBatcherStats = { batches: 0, texts: 0, requests: 0, largestBatch: 0 };

  const clearSchedule = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
  };

  const notifyIdle = (): void => {
    if (running || queue.length > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  };

  const schedule = (): void => {
    if (running || queue.length === 0) return;
    if (queuedTexts >= maxBatchTexts) {
      clearSchedule();
      immediate = setImmediate(flush);
      return;
    }
    if (timer !== undefined || immediate !== undefined) return;
    if (maxDelayMs === 0) immediate = setImmediate(flush);
    else timer = setTimeout(flush, maxDelayMs);
  };

  function flush(): void {
    clearSchedule();
    if (running || queue.length === 0) return;
    const jobs: Job[] = [];
    let count = 0;
    while (queue.length > 0 && (jobs.length === 0 || count + (queue[0]?.texts.length ?? 0) <= maxBatchTexts)) {
      const job = queue.shift() as Job;
      job.detach();
      jobs.push(job);
      count += job.texts.length;
    }
    queuedTexts -= count;
    const texts = jobs.length === 1 ? (jobs[0] as Job).texts : jobs.flatMap((job) => job.texts);
    running = true;
    stats.batches += 1;
    stats.texts += count;
    stats.largestBatch = Math.max(stats.largestBatch, count);
    let settled: Promise<Float32Array>;
    try {
      settled = run(texts);
    } catch (error) {
      settled = Promise.reject(error);
    }
    settled
      .then((matrix) => {
        if (matrix.length !== count * width) {
          throw new Error(`micro-batcher: run returned ${matrix.length} values for ${count} texts × ${width} (expected ${count * width}).`);
        }
        let offset = 0;
        for (const job of jobs) {
          const rows: Float32Array[] = [];
          for (let i = 0; i < job.texts.length; i++) {
            rows.push(matrix.slice((offset + i) * width, (offset + i + 1) * width));
          }
          offset += job.texts.length;
          stats.requests += 1;
          job.resolve(rows);
        }
      })
      .catch((error: unknown) => {
        for (const job of jobs) job.reject(error);
      })
      .finally(() => {
        running = false;
        // Whatever queued while this batch ran has waited long enough: run it now.
        if (queue.length > 0) {
          clearSchedule();
          immediate = setImmediate(flush);
        } else {
          notifyIdle();
        }
      });
  }

  return {
    submit(texts, signal) {
      if (texts.length === 0) return Promise.resolve([]);
      if (signal?.aborted) return Promise.reject(abortError());
      return new Promise<Float32Array[]>((resolve, reject) => {
        const onAbort = (): void => {
          const at = queue.indexOf(job);
          if (at < 0) return; // already running: the answer is computed anyway
          queue.splice(at, 1);
          queuedTexts -= job.texts.length;
          if (queue.length === 0) {
            clearSchedule();
            notifyIdle();
          }
          reject(abortError());
        };
        const job: Job = {
          texts,
          resolve,
          reject,
          detach: () => signal?.removeEventListener('abort', onAbort),
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(job);
        queuedTexts += texts.length;
        schedule();
      });
    },
    get queuedTexts() {
      return queuedTexts;
    },
    get busy() {
      return running;
    },
    get stats() {
      return { ...stats };
    },
    drain() {
      if (!running && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
      });
    },
  };
}
