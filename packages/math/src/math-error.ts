/**
 * Machine-readable reason carried by every {@link MathError}.
 *
 * - `INVALID_ARGUMENT`: a value is out of range or of the wrong kind (a fraction above 1, a class index
 *   that is not an integer, a negative learning rate).
 * - `SHAPE_MISMATCH`: two arrays that must agree in length do not, or a flat array is not a multiple of
 *   its row length.
 * - `EMPTY_INPUT`: an array that must hold at least one value is empty.
 */
export type MathErrorCode = 'INVALID_ARGUMENT' | 'SHAPE_MISMATCH' | 'EMPTY_INPUT';

/**
 * The single error class thrown by `@glossa/math` for programmer mistakes (length mismatches, empty
 * input, out-of-range fractions). Messages read "where: what happened (values seen). How to fix."
 *
 * @example
 * ```ts
 * import { MathError, softmaxRows } from '@glossa/math';
 *
 * try {
 *   softmaxRows(new Float32Array(5), 2);
 * } catch (error) {
 *   if (error instanceof MathError && error.code === 'SHAPE_MISMATCH') {
 *     // values.length 5 is not a multiple of k=2
 *   }
 * }
 * ```
 */
export class MathError extends Error {
  /** Always `'MathError'`, so the error survives serialisation and `instanceof`-free checks. */
  override readonly name = 'MathError' as const;
  /** Machine-readable reason; see {@link MathErrorCode}. */
  readonly code: MathErrorCode;

  /**
   * @param code - machine-readable reason.
   * @param message - human-readable message: "where: what happened (values seen). How to fix."
   * @param options - standard error options; pass `cause` when wrapping a foreign error.
   */
  constructor(code: MathErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
