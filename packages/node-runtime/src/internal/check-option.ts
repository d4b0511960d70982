import { NodeRuntimeError } from '../errors.js';

/**
 * Checks a numeric option: a finite number in `[min, max]`, an integer when `integer` is set.
 *
 * @throws {@link NodeRuntimeError} `INVALID_OPTION` naming the option, the allowed range and the value seen.
 */
export function checkNumberOption(where: string, name: string, value: unknown, min: number, max: number, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw new NodeRuntimeError(
      'INVALID_OPTION',
      `${where}: ${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got ${shown}). Pass a value in that range.`,
    );
  }
  return value;
}

/**
 * Checks a string option against a list of allowed values.
 *
 * @throws {@link NodeRuntimeError} `INVALID_OPTION` listing the allowed values.
 */
export function checkChoiceOption<T extends string>(where: string, name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new NodeRuntimeError(
    'INVALID_OPTION',
    `${where}: ${name} must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')} (got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}).`,
  );
}

/**
 * Checks a column-name option: a non-empty string.
 *
 * @throws {@link NodeRuntimeError} `INVALID_OPTION`.
 */
export function checkNameOption(where: string, name: string, value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new NodeRuntimeError(
    'INVALID_OPTION',
    `${where}: ${name} must be a non-empty column name (got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}).`,
  );
}
