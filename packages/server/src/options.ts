/**
 * The server's settings, their defaults and allowed ranges: the one home of these numbers, imported by the
 * server itself and by `glossa serve`'s option parser. This module imports nothing (no fastify, no tfjs), so
 * a command line can read it at start-up: `@glossa/server/options`.
 */

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

/** pino log levels of the server's JSON log lines (`glossa serve --log-level`). */
export type ServeLogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Every {@link ServeLogLevel}, most severe first.
 *
 * @example
 * ```ts
 * SERVE_LOG_LEVELS.includes('info'); // true
 * ```
 */
export const SERVE_LOG_LEVELS: readonly ServeLogLevel[] = Object.freeze(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

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

/** Where a server listens, and how long a graceful shutdown may take. */
export interface ServeListenDefaults {
  /** Address to listen on: loopback, so the API is not exposed to the network unless asked. */
  host: string;
  /** TCP port (0 picks a free one). */
  port: number;
  /** After SIGTERM/SIGINT, in-flight requests still running after this many milliseconds make the process exit 1. */
  shutdownTimeoutMs: number;
}

/**
 * Defaults of {@link ServeListenDefaults}: `127.0.0.1:8080`, 10 s to finish in-flight requests on shutdown.
 *
 * @example
 * ```ts
 * await server.listen({ host: DEFAULT_SERVE_LISTEN.host, port: 0 });
 * ```
 */
export const DEFAULT_SERVE_LISTEN: Readonly<ServeListenDefaults> = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  shutdownTimeoutMs: 10_000,
});

/** Every numeric server setting: the limits, the batching, the port and the shutdown timeout. */
export type ServeOptionName = keyof ServeLimits | keyof ServeBatching | 'port' | 'shutdownTimeoutMs';

/**
 * Allowed ranges `[min, max]` (integers) of every numeric setting, shared by `glossa serve`'s option parser
 * and the server's own checks.
 *
 * @example
 * ```ts
 * const [min, max] = SERVE_OPTION_RANGES.maxTexts; // [1, 100000]
 * ```
 */
export const SERVE_OPTION_RANGES: Readonly<Record<ServeOptionName, readonly [number, number]>> = Object.freeze({
  maxBodyBytes: [1024, 1024 * 1024 * 1024],
  maxTexts: [1, 100_000],
  maxTextLength: [1, 10_000_000],
  maxExplainTexts: [0, 10_000],
  timeoutMs: [1, 3_600_000],
  maxBatchTexts: [1, 65_536],
  maxDelayMs: [0, 1000],
  port: [0, 65_535],
  shutdownTimeoutMs: [1, 3_600_000],
});

/**
 * Checks one numeric setting against {@link SERVE_OPTION_RANGES}.
 *
 * @param name - The setting.
 * @param value - Its value.
 * @returns `value`.
 * @throws {RangeError} When `value` is not an integer in the range.
 * @example
 * ```ts
 * checkServeOption('maxTexts', 64); // 64
 * ```
 */
export function checkServeOption(name: ServeOptionName, value: number): number {
  const [min, max] = SERVE_OPTION_RANGES[name];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`@glossa/server: ${name} must be an integer from ${min} to ${max} (got ${value}).`);
  }
  return value;
}

/**
 * The effective limits and batching: the defaults overridden by `limits` and `batching`, each value checked.
 *
 * @param options - Partial limits and batching.
 * @returns Complete, frozen settings.
 * @throws {RangeError} When a value is out of {@link SERVE_OPTION_RANGES}.
 * @example
 * ```ts
 * resolveServeSettings({ limits: { maxTexts: 32 } }).limits.maxTexts; // 32
 * ```
 */
export function resolveServeSettings(options: { limits?: Partial<ServeLimits>; batching?: Partial<ServeBatching> } = {}): {
  limits: Readonly<ServeLimits>;
  batching: Readonly<ServeBatching>;
} {
  const limits: ServeLimits = { ...DEFAULT_SERVE_LIMITS, ...options.limits };
  const batching: ServeBatching = { ...DEFAULT_SERVE_BATCHING, ...options.batching };
  for (const key of Object.keys(limits) as Array<keyof ServeLimits>) checkServeOption(key, limits[key]);
  for (const key of Object.keys(batching) as Array<keyof ServeBatching>) checkServeOption(key, batching[key]);
  return { limits: Object.freeze(limits), batching: Object.freeze(batching) };
}
