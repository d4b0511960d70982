/**
 * Error codes used by {@link NodeRuntimeError}.
 *
 * - `BACKEND_UNAVAILABLE`: a requested TensorFlow.js backend could not be initialised.
 * - `VERSION_MISMATCH`: the installed `@tensorflow/*` packages disagree in version.
 * - `STORAGE`: reading or writing bundle files failed.
 * - `INVALID_PATH`: a file name or store key is unsafe (absolute, `..`, backslash, odd characters).
 * - `INVALID_OPTION`: an option or environment variable has a value that is not allowed.
 * - `LIMIT_EXCEEDED`: a file is larger than the configured limit.
 * - `BAD_DATA`, `MISSING_COLUMN`, `UNKNOWN_FORMAT`, `EMPTY_FILE`, `FILE_NOT_FOUND`: data file problems,
 *   raised as {@link DataError}.
 */
export type NodeRuntimeErrorCode =
  | 'BACKEND_UNAVAILABLE'
  | 'VERSION_MISMATCH'
  | 'STORAGE'
  | 'INVALID_PATH'
  | 'INVALID_OPTION'
  | 'LIMIT_EXCEEDED'
  | DataErrorCode;

/**
 * Error codes used by {@link DataError}.
 */
export type DataErrorCode = 'BAD_DATA' | 'MISSING_COLUMN' | 'UNKNOWN_FORMAT' | 'EMPTY_FILE' | 'FILE_NOT_FOUND';

/**
 * Base class of every error thrown by `@glossa/node-runtime`.
 *
 * Messages read "`Where`: what happened (values seen). How to fix." Foreign errors are kept as `cause`.
 *
 * @param code - machine-readable reason, see {@link NodeRuntimeErrorCode}
 * @param message - human-readable explanation with a fix
 * @param options - standard `ErrorOptions` (`cause`)
 * @example
 * ```ts
 * try {
 *   await initBackend({ backend: 'tensorflow' });
 * } catch (error) {
 *   if (error instanceof NodeRuntimeError && error.code === 'BACKEND_UNAVAILABLE') {
 *     await initBackend({ backend: 'auto' });
 *   }
 * }
 * ```
 */
export class NodeRuntimeError extends Error {
  /** Always `'NodeRuntimeError'` for this class (subclasses override it). */
  override readonly name: 'NodeRuntimeError' | 'DataError' = 'NodeRuntimeError';
  /** Machine-readable reason. */
  readonly code: NodeRuntimeErrorCode;

  constructor(code: NodeRuntimeErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Where in a data file a {@link DataError} happened.
 */
export interface DataErrorLocation {
  /** Path of the file (or `'<stream>'` for stdin and other streams). */
  file: string;
  /** 1-based line number where the record starts, `0` when the problem concerns the whole file. */
  line: number;
  /** 1-based column (field number for CSV/TSV, character position for JSONL) when known. */
  column?: number;
}

/**
 * A problem in a user's data file: malformed CSV row, invalid JSON line, missing column, unknown format…
 *
 * Carries the `file`, `line` and (when known) `column` so a caller can point the user at the spot.
 *
 * @param code - see {@link DataErrorCode}
 * @param message - explanation naming the file, the line and how to fix it
 * @param location - file, line and optional column
 * @param options - standard `ErrorOptions` (`cause`)
 * @example
 * ```ts
 * try {
 *   await loadLabeledTexts('reviews.csv');
 * } catch (error) {
 *   if (error instanceof DataError) console.error(`${error.file}:${error.line}: ${error.message}`);
 * }
 * ```
 */
export class DataError extends NodeRuntimeError {
  override readonly name = 'DataError' as const;
  declare readonly code: DataErrorCode;
  /** Path of the file (or `'<stream>'`). */
  readonly file: string;
  /** 1-based line number, `0` for whole-file problems. */
  readonly line: number;
  /** 1-based column when known. */
  readonly column?: number;

  constructor(code: DataErrorCode, message: string, location: DataErrorLocation, options?: ErrorOptions) {
    super(code, message, options);
    this.file = location.file;
    this.line = location.line;
    if (location.column !== undefined) this.column = location.column;
  }
}
