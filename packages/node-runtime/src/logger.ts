/**
 * Minimal logging interface taken by runtime functions. Libraries never write to the console; the caller
 * (for example the CLI) decides where messages go.
 *
 * @example
 * ```ts
 * const logger: Logger = { info: (m) => process.stderr.write(`${m}\n`), warn: (m) => process.stderr.write(`warning: ${m}\n`) };
 * await initBackend({ logger });
 * ```
 */
export interface Logger {
  /** Something the user may want to know (chosen backend, saved files). */
  info(message: string): void;
  /** Something went wrong but the operation continued. */
  warn(message: string): void;
  /** Detail for troubleshooting; optional. */
  debug?(message: string): void;
}

/**
 * A {@link Logger} that discards every message. The default everywhere.
 *
 * @example
 * ```ts
 * await initBackend({ logger: silentLogger });
 * ```
 */
export const silentLogger: Logger = Object.freeze({
  info(): void {},
  warn(): void {},
  debug(): void {},
});
