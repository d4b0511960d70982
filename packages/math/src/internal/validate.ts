import { MathError } from '../math-error.js';

/** Throws EMPTY_INPUT when `values` has no elements. */
export function assertNonEmpty(where: string, name: string, values: ArrayLike<unknown>): void {
  if (values.length === 0) {
    throw new MathError('EMPTY_INPUT', `${where}: ${name} is empty. Pass at least one value.`);
  }
}

/** Throws SHAPE_MISMATCH when the two arrays differ in length. */
export function assertSameLength(where: string, nameA: string, a: ArrayLike<unknown>, nameB: string, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) {
    throw new MathError('SHAPE_MISMATCH', `${where}: ${nameA}.length (${a.length}) differs from ${nameB}.length (${b.length}). Pass arrays of equal length.`);
  }
}

/** Throws INVALID_ARGUMENT unless `value` is an integer ≥ `min`. */
export function assertInteger(where: string, name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new MathError('INVALID_ARGUMENT', `${where}: ${name} must be an integer ≥ ${min} (got ${String(value)}). Pass a whole number.`);
  }
}

/** Throws INVALID_ARGUMENT unless `value` is a finite number in [min, max] (bounds optionally open). */
export function assertInRange(where: string, name: string, value: number, min: number, max: number, openMin = false, openMax = false): void {
  const ok = Number.isFinite(value) && (openMin ? value > min : value >= min) && (openMax ? value < max : value <= max);
  if (!ok) {
    const range = `${openMin ? '(' : '['}${min}, ${max}${openMax ? ')' : ']'}`;
    throw new MathError('INVALID_ARGUMENT', `${where}: ${name} must be a finite number in ${range} (got ${String(value)}). Pass a value in range.`);
  }
}

/**
 * Checks that a flat row-major array holds whole rows of `k` values and returns the number of rows.
 * Throws INVALID_ARGUMENT for a bad `k`, SHAPE_MISMATCH when the length is not a multiple of `k`.
 */
export function rowCount(where: string, name: string, values: ArrayLike<unknown>, k: number, kName = 'k'): number {
  assertInteger(where, kName, k, 1);
  if (values.length % k !== 0) {
    throw new MathError(
      'SHAPE_MISMATCH',
      `${where}: ${name}.length (${values.length}) is not a multiple of ${kName}=${k}. Pass an n×${kName} row-major array.`,
    );
  }
  return values.length / k;
}

/** Checks that `labels[i]` is an integer class index in [0, k) and returns it. */
export function classIndexAt(where: string, name: string, labels: ArrayLike<number>, i: number, k: number): number {
  const label = labels[i]!;
  if (!Number.isInteger(label) || label < 0 || label >= k) {
    throw new MathError(
      'INVALID_ARGUMENT',
      `${where}: ${name}[${i}] is ${String(label)}, not a class index in [0, ${k}). Encode classes as integers 0..${k - 1}.`,
    );
  }
  return label;
}

/**
 * Checks binary labels against their scores: same length, non-empty, every label 0 or 1, no NaN score.
 * Returns the number of positives.
 */
export function assertBinaryScores(where: string, yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  assertSameLength(where, 'yTrue', yTrue, 'scores', scores);
  assertNonEmpty(where, 'yTrue', yTrue);
  let positives = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i];
    if (y !== 0 && y !== 1) {
      throw new MathError('INVALID_ARGUMENT', `${where}: yTrue[${i}] is ${String(y)}, not 0 or 1. Pass binary labels.`);
    }
    if (Number.isNaN(scores[i])) {
      throw new MathError('INVALID_ARGUMENT', `${where}: scores[${i}] is NaN. Pass a numeric score for every item.`);
    }
    positives += y;
  }
  return positives;
}
