/** What one request may carry. Over a limit the server answers 413 or 422 with a JSON error body. */
export interface ServeLimits {
  /** Largest request body in bytes (413 above). */
  maxBodyBytes: number;
  /** Most texts in one `POST /v1/predict` (422 above). */
  maxTexts: number;
  /** Longest text in characters (Unicode code points; 422 above). */
  maxTextLength: number;
  /** Most texts in one request with `"explain": true` (each costs a forward pass per token; 422 above). */
  maxExplainTexts: number;
  /** A request not answered within this many milliseconds gets 503 `TIMEOUT`. */
  timeoutMs: number;
}

/** How concurrent requests are grouped into one forward pass. */
export interface ServeBatching {
  /** A batch runs as soon as this many texts are queued. */
  maxBatchTexts: number;
  /** How long the first queued text waits for others before its batch runs (ms; 0 = next event-loop turn). */
  maxDelayMs: number;
}

/**
 * Defaults of {@link ServeLimits}: 1 MiB bodies, 256 texts of at most 10,000 characters, 16 texts with
 * explanations, 10 s per request.
 *
 * @example
 * ```ts
 * const limits = { ...DEFAULT_SERVE_LIMITS, maxTexts: 32 };
 * ```
 */
export const DEFAULT_SERVE_LIMITS: Readonly<ServeLimits> = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  maxTexts: 256,
  maxTextLength: 10_000,
  maxExplainTexts: 16,
  timeoutMs: 10_000,
});

/**
 * Defaults of {@link ServeBatching}: up to 64 texts per forward pass, the first waits at most 1 ms.
 *
 * @example
 * ```ts
 * const batching = { ...DEFAULT_SERVE_BATCHING, maxDelayMs: 2 };
 * ```
 */
export const DEFAULT_SERVE_BATCHING: Readonly<ServeBatching> = Object.freeze({
  maxBatchTexts: 64,
  maxDelayMs: 1,
});

/**
 * Allowed ranges `[min, max]` (integers) of every limit and batching option, shared by the CLI's
 * option parser and {@link createServeApp}'s checks.
 *
 * @example
 * ```ts
 * const [min, max] = SERVE_OPTION_RANGES.maxTexts; // [1, 100000]
 * ```
 */
export const SERVE_OPTION_RANGES: Readonly<Record<keyof ServeLimits | keyof ServeBatching, readonly [number, number]>> =
  Object.freeze({
    maxBodyBytes: [1024, 1024 * 1024 * 1024],
    maxTexts: [1, 100_000],
    maxTextLength: [1, 10_000_000],
    maxExplainTexts: [0, 10_000],
    timeoutMs: [1, 3_600_000],
    maxBatchTexts: [1, 65_536],
    maxDelayMs: [0, 1000],
  });
