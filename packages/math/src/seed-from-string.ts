import { fmix32, forEachUtf8Byte } from './internal/hash.js';

/**
 * Stable 32-bit hash of a string, for deriving seeds (e.g. from a dataset name or a data fingerprint):
 * FNV-1a over the UTF-8 bytes, finalised with MurmurHash3's `fmix32`. The same text gives the same number
 * on every platform and in every version of this package.
 *
 * @param text - any string.
 * @returns an unsigned 32-bit integer, suitable for {@link createRng}.
 * @throws Never.
 * @example
 * ```ts
 * import { createRng, seedFromString } from '@glossa/math';
 *
 * const rng = createRng(seedFromString('reviews.csv'));
 * ```
 */
export function seedFromString(text: string): number {
  let h = 0x811c9dc5;
  forEachUtf8Byte(text, (byte) => {
    h = Math.imul(h ^ byte, 0x01000193);
  });
  return fmix32(h);
}
