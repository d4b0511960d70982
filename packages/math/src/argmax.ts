import { assertInteger } from './internal/validate.js';
import { MathError } from './math-error.js';

/**
 * Index of the largest value in `values[offset .. offset+length)`, relative to `offset` (so for row r of
 * an n×k array, `argmax(values, r*k, k)` is the predicted class). Ties go to the first maximum; NaN values
 * are skipped (an all-NaN range gives 0).
 *
 * @param values - the values to search.
 * @param offset - start of the range, an integer in [0, values.length). Default 0.
 * @param length - size of the range, an integer ≥ 1. Default `values.length − offset`.
 * @returns the index of the maximum, in [0, length).
 * @throws {@link MathError} `EMPTY_INPUT` when the range is empty; `INVALID_ARGUMENT` when offset or length
 * is not an integer or the range runs past the end of `values`.
 * @example
 * ```ts
 * import { argmax } from '@glossa/math';
 *
 * argmax([0.1, 0.7, 0.2]); // 1
 * argmax(new Float32Array([0.9, 0.1, 0.3, 0.6]), 2, 2); // 1 (row 1 of a 2×2 array)
 * ```
 */
export function argmax(values: ArrayLike<number>, offset = 0, length: number = values.length - offset): number {
  assertInteger('argmax', 'offset', offset, 0);
  assertInteger('argmax', 'length', length, 0);
  if (length === 0) {
    throw new MathError('EMPTY_INPUT', `argmax: the range is empty (offset ${offset}, length ${length}). Pass at least one value.`);
  }
  if (offset + length > values.length) {
    throw new MathError(
      'INVALID_ARGUMENT',
      `argmax: offset ${offset} + length ${length} runs past values.length ${values.length}. Pass a range inside the array.`,
    );
  }
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  let found = false;
  for (let i = 0; i < length; i++) {
    const v = values[offset + i]!;
    if (v > bestValue || (!found && v === bestValue)) {
      best = i;
      bestValue = v;
      found = true;
    }
  }
  return best;
}
