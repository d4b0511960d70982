/**
 * What went wrong, as far as the exit code is concerned: `USAGE` (exit 2), `RUNTIME` (exit 1),
 * `ABORTED` (exit 130).
 *
 * @example
 * ```ts
 * const code: CliErrorCode = 'USAGE';
 * ```
 */
export type CliErrorCode = 'USAGE' | 'RUNTIME' | 'ABORTED';

/**
 * The CLI's one error class: carries the exit code the process should end with.
 *
 * @param code - USAGE (exit 2), RUNTIME (exit 1) or ABORTED (exit 130).
 * @param message - One line for the user.
 * @param options - Optional `cause`.
 * @throws Never (it is what the CLI throws).
 * @example
 * ```ts
 * throw new CliError('USAGE', '--epochs must be an integer from 1 to 10000 (got 0)');
 * ```
 */
export class CliError extends Error {
  override readonly name = 'CliError' as const;
  /** Machine-readable kind of failure. */
  readonly code: CliErrorCode;

  /**
   * @param code - USAGE (exit 2), RUNTIME (exit 1) or ABORTED (exit 130).
   * @param message - One line for the user.
   * @param options - Optional `cause`.
   */
  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The process exit code for this error. */
  get exitCode(): number {
    return exitCodeFor(this.code);
  }
}

/**
 * Maps an error code to a process exit code.
 *
 * @param code - The error code.
 * @returns 2 for usage errors, 130 for aborts, 1 otherwise.
 * @throws Never.
 * @example
 * ```ts
 * exitCodeFor('USAGE'); // 2
 * ```
 */
export function exitCodeFor(code: CliErrorCode): number {
  if (code === 'USAGE') return 2;
  if (code === 'ABORTED') return 130;
  return 1;
}
