/**
 * What went wrong, as a stable machine-readable code.
 *
 * - `INVALID_OPTIONS`: an option is out of its allowed range.
 * - `INVALID_DATA`: training or evaluation data cannot be used (empty, one class, blank texts).
 * - `NOT_TRAINED`: a method that needs a trained model was called before `fit`.
 * - `ABORTED`: training was cancelled through an `AbortSignal`.
 * - `TRAINING_DIVERGED`: the loss became NaN or infinite.
 * - `BUNDLE_INVALID`, `BUNDLE_MISSING_FILE`, `BUNDLE_UNSUPPORTED_VERSION`, `BUNDLE_CORRUPT`: a model bundle is unusable.
 * - `ALREADY_QUANTIZED`: `quantizeBundle` was given a bundle that is quantized already.
 */
export type ModelCoreErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_DATA'
  | 'NOT_TRAINED'
  | 'ABORTED'
  | 'TRAINING_DIVERGED'
  | 'BUNDLE_INVALID'
  | 'BUNDLE_MISSING_FILE'
  | 'BUNDLE_UNSUPPORTED_VERSION'
  | 'BUNDLE_CORRUPT'
  | 'ALREADY_QUANTIZED';

/**
 * Base class of every error thrown by `@glossa/model-core`.
 *
 * Messages read "`Where`: what happened (values seen). How to fix."
 *
 * @example
 * ```ts
 * try { await classifier.predict(['hi']); } catch (e) { if (e instanceof ModelCoreError) console.error(e.code); }
 * ```
 */
export class ModelCoreError extends Error {
  override name: 'ModelCoreError' | 'BundleError' | 'UndecodableTextError' = 'ModelCoreError';
  /** Stable code of the failure. */
  readonly code: ModelCoreErrorCode;

  /**
   * @param code - Stable code of the failure.
   * @param message - Human-readable message: where, what, how to fix.
   * @param options - Optional `cause` (a wrapped foreign error).
   */
  constructor(code: ModelCoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A model bundle is missing a file, has a malformed or tampered manifest, truncated weights, wrong shapes
 * or a newer format version. `problems` lists every problem found.
 *
 * @example
 * ```ts
 * try { await deserializeBundle(files); } catch (e) { if (e instanceof BundleError) console.error(e.problems); }
 * ```
 */
export class BundleError extends ModelCoreError {
  override name = 'BundleError' as const;
  /** Every problem found, each naming the file and field. */
  readonly problems: readonly string[];

  /**
   * @param code - One of the `BUNDLE_*` codes.
   * @param message - Summary message.
   * @param problems - Every problem found.
   * @param options - Optional `cause`.
   */
  constructor(code: ModelCoreErrorCode, message: string, problems: readonly string[] = [], options?: { cause?: unknown }) {
    super(code, message, options);
    this.problems = problems;
  }
}
