/** What went wrong in the benchmark harness. */
export type BenchErrorCode = 'INVALID_ARGUMENT' | 'DATA_NOT_FOUND' | 'CHILD_FAILED' | 'CHILD_NOT_BUILT';

/**
 * The one error class of `@glossa/bench`. Messages read "`where`: what happened (values seen). How to fix."
 *
 * @example
 * ```ts
 * try {
 *   parseBenchArgs(['--archs', 'rnn']);
 * } catch (error) {
 *   if (error instanceof BenchError) console.error(error.code, error.message);
 * }
 * ```
 */
export class BenchError extends Error {
  override readonly name = 'BenchError' as const;
  /** Machine-readable reason. */
  readonly code: BenchErrorCode;

  /**
   * @param code - machine-readable reason
   * @param message - "`where`: what happened (values seen). How to fix."
   * @param options - `cause` of a wrapped error
   * @throws never
   * @example
   * ```ts
   * throw new BenchError('INVALID_ARGUMENT', 'parseBenchArgs: --epochs must be a positive integer (got 0). Pass 1 or more.');
   * ```
   */
  constructor(code: BenchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
