/** What went wrong, for callers that branch on it. */
export type QueueErrorCode =
  /** The Redis URL is malformed. */
  | 'BAD_URL'
  /** Redis cannot be reached (or TLS failed). */
  | 'UNREACHABLE'
  /** Redis refused the credentials. */
  | 'AUTH'
  /** The job name is not allowed. */
  | 'BAD_NAME'
  /** A job of that name already exists. */
  | 'JOB_EXISTS'
  /** No job of that name. */
  | 'NO_JOB'
  /** The job is not finished (collect without waiting). */
  | 'NOT_DONE'
  /** Stored data (bundle, chunk) is missing or does not match its hash. */
  | 'BAD_DATA'
  /** An option is out of range. */
  | 'BAD_OPTION';

/**
 * An error of `@glossa/queue`, with a message that says what to do.
 *
 * @example
 * ```ts
 * try { await jobStatus(connection, 'nope'); } catch (e) { if (e instanceof QueueError && e.code === 'NO_JOB') … }
 * ```
 */
export class QueueError extends Error {
  /** Machine-readable reason. */
  readonly code: QueueErrorCode;

  /**
   * @param code - The reason.
   * @param message - What happened and how to fix it.
   * @param options - The cause.
   */
  constructor(code: QueueErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueError';
    this.code = code;
  }
}
