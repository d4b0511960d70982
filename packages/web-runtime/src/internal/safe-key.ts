import { WebRuntimeError } from '../errors.js';

/**
 * Safe keys, the same rule as node-runtime's file store so a name valid in one store is valid in the
 * other: a letter, digit or underscore, then letters, digits, `_`, `-` and `.`; at most 255 characters.
 */
const SAFE_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Longest key accepted. */
export const MAX_KEY_LENGTH = 255;

/** Throws `INVALID_KEY` with a specific explanation unless `key` is a safe flat name. */
export function assertSafeKey(key: unknown, where: string): asserts key is string {
  if (typeof key === 'string' && SAFE_KEY.test(key) && key.length <= MAX_KEY_LENGTH) return;
  const shown = typeof key === 'string' ? JSON.stringify(key) : String(key);
  let why = 'it contains characters other than letters, digits, "_", "-" and "."';
  if (typeof key !== 'string') why = 'it is not a string';
  else if (key === '') why = 'it is empty';
  else if (key.includes('/') || key.includes('\\')) why = 'it contains a path separator';
  else if (key.startsWith('.') || key.startsWith('-')) why = 'it starts with "." or "-"';
  else if (key.length > MAX_KEY_LENGTH) why = `it is longer than ${MAX_KEY_LENGTH} characters`;
  throw new WebRuntimeError(
    'INVALID_KEY',
    `${where}: the key ${shown} is not allowed because ${why}. Use a flat name of letters, digits, "_", "-" and "." such as "sentiment.glossa".`,
  );
}
