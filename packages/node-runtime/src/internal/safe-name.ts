import { NodeRuntimeError } from '../errors.js';

/**
 * Safe names: start with a letter, digit or underscore, then letters, digits, `_`, `-` and `.`; no path
 * separators, so a name can never leave its directory; never `.`-prefixed, so temporary files
 * (`.tmp-*`) cannot collide with real entries.
 */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Longest name accepted, in bytes (the usual file-system limit). */
export const MAX_NAME_BYTES = 255;

/** True when `name` is a safe flat file name / store key. */
export function isSafeName(name: string): boolean {
  return SAFE_NAME.test(name) && name.length <= MAX_NAME_BYTES;
}

/** Throws `INVALID_PATH` with a specific explanation unless `name` is a safe flat file name. */
export function assertSafeName(name: unknown, where: string): asserts name is string {
  if (typeof name === 'string' && isSafeName(name)) return;
  const shown = typeof name === 'string' ? JSON.stringify(name) : String(name);
  let why = 'it contains characters other than letters, digits, "_", "-" and "."';
  if (typeof name !== 'string') why = 'it is not a string';
  else if (name === '') why = 'it is empty';
  else if (name.includes('\\')) why = 'it contains a backslash';
  else if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) why = 'it is an absolute path';
  else if (name.split('/').includes('..')) why = 'it contains ".."';
  else if (name.includes('/')) why = 'it contains "/" (sub-directories are not supported)';
  else if (name.startsWith('.')) why = 'it starts with "." (reserved for temporary files)';
  else if (name.length > MAX_NAME_BYTES) why = `it is longer than ${MAX_NAME_BYTES} characters`;
  throw new NodeRuntimeError(
    'INVALID_PATH',
    `${where}: the name ${shown} is not allowed because ${why}. Use a flat name of letters, digits, "_", "-" and "." such as "model.json".`,
  );
}
