/**
 * The machine-readable reason carried by every {@link TextPreprocessingError}.
 *
 * - `INVALID_CONFIG`: an options object or pipeline configuration has a wrong value.
 * - `INVALID_JSON`: a serialised pipeline, vocabulary or Keras tokenizer failed validation.
 * - `UNSUPPORTED_VERSION`: a serialised pipeline was written by a newer version of this package.
 * - `INVALID_ARGUMENT`: a function was called with an argument of the wrong type or range.
 * - `UNSUPPORTED_ENVIRONMENT`: the JavaScript engine lacks a required feature (`Intl.Segmenter`).
 */
export type TextPreprocessingErrorCode = 'INVALID_CONFIG' | 'INVALID_JSON' | 'UNSUPPORTED_VERSION' | 'INVALID_ARGUMENT' | 'UNSUPPORTED_ENVIRONMENT';

/**
 * One problem found while validating a JSON document: where it is (a JSON path such as
 * `$.config.maxLength`) and what is wrong with it.
 */
export interface ValidationProblem {
  /** JSON path of the offending value, rooted at `$`. */
  readonly path: string;
  /** What is wrong, with the value seen. */
  readonly message: string;
}

/** Options accepted by the {@link TextPreprocessingError} constructor. */
export interface TextPreprocessingErrorOptions {
  /** The underlying error, when this error wraps a foreign one. */
  readonly cause?: unknown;
  /** Every validation problem found, for `INVALID_JSON` / `INVALID_CONFIG` errors. */
  readonly problems?: readonly ValidationProblem[];
}

/**
 * The single error class thrown by `@glossa/text-preprocessing`.
 *
 * Messages read "`Where`: what happened (values seen). How to fix." Validation errors also carry
 * every problem found in {@link TextPreprocessingError.problems}.
 *
 * @example
 * ```ts
 * import { TextPreprocessingError, textPipelineFromJSON } from '@glossa/text-preprocessing';
 *
 * try {
 *   textPipelineFromJSON({ schema: 'something-else' });
 * } catch (error) {
 *   if (error instanceof TextPreprocessingError && error.code === 'INVALID_JSON') {
 *     for (const problem of error.problems) console.error(problem.path, problem.message);
 *   }
 * }
 * ```
 */
export class TextPreprocessingError extends Error {
  /** Always `'TextPreprocessingError'`, so the class survives bundling and `structuredClone` checks. */
  override readonly name = 'TextPreprocessingError' as const;
  /** Why the error was thrown. */
  readonly code: TextPreprocessingErrorCode;
  /** Every validation problem found (empty for errors that are not about validation). */
  readonly problems: readonly ValidationProblem[];

  /**
   * @param code - the machine-readable reason.
   * @param message - "`Where`: what happened (values seen). How to fix."
   * @param options - an optional `cause` and the list of validation problems.
   */
  constructor(code: TextPreprocessingErrorCode, message: string, options: TextPreprocessingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.problems = Object.freeze([...(options.problems ?? [])]);
  }
}
