/**
 * MurmurHash3's 32-bit finaliser: spreads every input bit over the output.
 *
 * @param h - A 32-bit value.
 * @returns The mixed value, unsigned.
 * @example
 * ```ts
 * import { fmix32 } from '@glossa/math';
 *
 * fmix32(1); // 1364076727
 * ```
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Calls `sink` with each UTF-8 byte of `text` (lone surrogates are encoded as U+FFFD, as TextEncoder does),
 * so hashes agree with any language that hashes the UTF-8 encoding.
 */
function forEachUtf8Byte(text: string, sink: (byte: number) => void): void {
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    if (c < 0x80) {
      sink(c);
    } else if (c < 0x800) {
      sink(0xc0 | (c >> 6));
      sink(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      sink(0xe0 | (c >> 12));
      sink(0x80 | ((c >> 6) & 0x3f));
      sink(0x80 | (c & 0x3f));
    } else {
      sink(0xf0 | (c >> 18));
      sink(0x80 | ((c >> 12) & 0x3f));
      sink(0x80 | ((c >> 6) & 0x3f));
      sink(0x80 | (c & 0x3f));
    }
  }
}

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
