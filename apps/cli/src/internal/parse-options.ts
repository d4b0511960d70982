import type { OptionRange } from '@glossa/model-core/options';
import { CliError } from '../cli-error.js';

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Builds a commander argument parser for an integer option within an inclusive range.
 *
 * @param flag - The option as the user typed it, e.g. `--epochs`.
 * @param min - Smallest allowed value.
 * @param max - Largest allowed value.
 * @returns A parser that throws a USAGE {@link CliError} on bad input.
 * @throws {CliError} USAGE when the value is not an integer in range.
 * @example
 * ```ts
 * intOption('--epochs', 1, 1000)('3'); // 3
 * ```
 */
export function intOption(flag: string, min: number, max: number): (raw: string) => number {
  return (raw: string): number => {
    const text = raw.trim();
    const value = Number(text);
    if (!INTEGER.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new CliError('USAGE', `${flag} must be an integer from ${min} to ${max} (got ${raw})`);
    }
    return value;
  };
}

/** Bounds of a decimal option. */
export interface FloatRange {
  /** Lower bound. */
  min: number;
  /** Upper bound. */
  max: number;
  /** Whether `min` itself is excluded. */
  minExclusive?: boolean;
  /** Whether `max` itself is excluded. */
  maxExclusive?: boolean;
}

/**
 * Builds a commander argument parser for a decimal option within a range.
 *
 * @param flag - The option as the user typed it, e.g. `--learning-rate`.
 * @param range - Allowed bounds.
 * @returns A parser that throws a USAGE {@link CliError} on bad input.
 * @throws {CliError} USAGE when the value is not a finite number in range.
 * @example
 * ```ts
 * floatOption('--learning-rate', { min: 0, max: 10, minExclusive: true })('0.01'); // 0.01
 * ```
 */
export function floatOption(flag: string, range: FloatRange): (raw: string) => number {
  return (raw: string): number => {
    const text = raw.trim();
    const value = Number(text);
    const tooLow = range.minExclusive ? value <= range.min : value < range.min;
    const tooHigh = range.maxExclusive ? value >= range.max : value > range.max;
    if (!DECIMAL.test(text) || !Number.isFinite(value) || tooLow || tooHigh) {
      throw new CliError('USAGE', `${flag} must be ${describeRange(range)} (got ${raw})`);
    }
    return value;
  };
}

function describeRange(range: FloatRange): string {
  const low = range.minExclusive ? `greater than ${range.min}` : `at least ${range.min}`;
  const high = range.maxExclusive ? `less than ${range.max}` : `at most ${range.max}`;
  if (!range.minExclusive && !range.maxExclusive) {
    return `a number from ${range.min} to ${range.max}`;
  }
  return `a number ${low} and ${high}`;
}

/**
 * Builds a commander argument parser that accepts one of a fixed set of words.
 *
 * @param flag - The option as the user typed it, e.g. `--arch`.
 * @param choices - Allowed values.
 * @returns A parser that throws a USAGE {@link CliError} on other values.
 * @throws {CliError} USAGE when the value is not one of `choices`.
 * @example
 * ```ts
 * choiceOption('--arch', ['lstm', 'bow', 'cnn'] as const)('bow'); // 'bow'
 * ```
 */
export function choiceOption<T extends string>(flag: string, choices: readonly T[]): (raw: string) => T {
  return (raw: string): T => {
    const found = choices.find((choice) => choice === raw);
    if (found === undefined) {
      throw new CliError('USAGE', `${flag} must be one of ${choices.join(', ')} (got ${raw})`);
    }
    return found;
  };
}

/**
 * A parser for a numeric option with one of model-core's ranges (`OPTION_RANGES`, `FIT_OPTION_RANGES` of
 * `@glossa/model-core/options`): {@link intOption} for an integer range, {@link floatOption} otherwise.
 *
 * @param flag - Option name for messages, e.g. `--epochs`.
 * @param range - `[min, max, integer]`.
 * @returns A commander `argParser` function.
 * @throws {CliError} USAGE, as `intOption` / `floatOption` word it.
 * @example
 * ```ts
 * rangeOption('--epochs', FIT_OPTION_RANGES.epochs)('3'); // 3
 * ```
 */
export function rangeOption(flag: string, [min, max, integer]: OptionRange): (raw: string) => number {
  return integer ? intOption(flag, min, max) : floatOption(flag, { min, max });
}

/**
 * A range as help texts show it: `min–max`.
 *
 * @param range - `[min, max, integer]`.
 * @returns e.g. `1–10000`.
 * @example
 * ```ts
 * rangeText([1e-7, 10, false]); // '1e-7–10'
 * ```
 */
export function rangeText([min, max]: OptionRange): string {
  return `${min}–${max}`;
}
