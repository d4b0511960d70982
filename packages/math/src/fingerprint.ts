import { fmix32, forEachUtf8Byte } from './internal/hash.js';

/**
 * Incremental 64-bit fingerprint of a sequence of strings; see {@link createFingerprint}.
 *
 * @example
 * ```ts
 * import { type Fingerprint, createFingerprint } from '@glossa/math';
 *
 * const fp: Fingerprint = createFingerprint().update('a').update('b');
 * fp.digest(); // 16 hex characters
 * ```
 */
export interface Fingerprint {
  /** Adds one string (as one record: `['ab', 'c']` and `['a', 'bc']` differ) and returns this fingerprint. */
  update(text: string): Fingerprint;
  /** The fingerprint of everything added so far, as 16 lowercase hex characters; may be called repeatedly. */
  digest(): string;
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0');
}

/**
 * Creates an incremental, order-sensitive fingerprint of strings, for recording which data a model was
 * trained on. Each string's UTF-8 bytes are hashed followed by a 0xFF separator (a byte UTF-8 never uses)
 * through two independent 32-bit FNV-style lanes, finalised with MurmurHash3's `fmix32`. Stable across
 * platforms; not cryptographic (do not use it against adversaries).
 *
 * @returns a new, empty fingerprint.
 * @throws Never.
 * @example
 * ```ts
 * import { createFingerprint } from '@glossa/math';
 *
 * const fp = createFingerprint();
 * for (const row of ['great film', 'dull plot']) fp.update(row);
 * fp.digest(); // e.g. '3f2a9c0d1e4b5a67'
 * ```
 */
export function createFingerprint(): Fingerprint {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  let count = 0;
  const add = (byte: number): void => {
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte, 0x5bd1e995);
    b ^= b >>> 15;
    count++;
  };
  const fingerprint: Fingerprint = {
    update(text: string): Fingerprint {
      forEachUtf8Byte(text, add);
      add(0xff);
      return fingerprint;
    },
    digest(): string {
      const low = count >>> 0;
      const high = Math.floor(count / 0x100000000) >>> 0;
      return hex32(fmix32(a ^ low)) + hex32(fmix32(b ^ Math.imul(low, 0x27d4eb2d) ^ high));
    },
  };
  return fingerprint;
}

/**
 * Fingerprint of a whole sequence of strings in one call; equals feeding each string to
 * {@link createFingerprint}'s `update` in order.
 *
 * @param texts - the strings, in order.
 * @returns 16 lowercase hex characters.
 * @throws Never.
 * @example
 * ```ts
 * import { fingerprintStrings } from '@glossa/math';
 *
 * fingerprintStrings(['great film', 'dull plot']) === fingerprintStrings(['great film', 'dull plot']); // true
 * ```
 */
export function fingerprintStrings(texts: Iterable<string>): string {
  const fp = createFingerprint();
  for (const text of texts) fp.update(text);
  return fp.digest();
}
