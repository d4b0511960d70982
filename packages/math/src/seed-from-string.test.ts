import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmix32, seedFromString } from './seed-from-string.js';

describe('seedFromString', () => {
  it('matches reference values computed over UTF-8 bytes in Python', () => {
    expect(seedFromString('')).toBe(2872998923);
    expect(seedFromString('glossa')).toBe(2859023380);
    expect(seedFromString('héllo wörld 😀')).toBe(1612851626);
    expect(seedFromString('reviews.csv')).toBe(723256708);
  });

  it('returns an unsigned 32-bit integer that is stable across calls', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const h = seedFromString(text);
        expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
        expect(seedFromString(text)).toBe(h);
      }),
    );
  });

  it('hashes a lone surrogate like its UTF-8 replacement character', () => {
    expect(seedFromString('a\uD800b')).toBe(seedFromString('a\uFFFDb'));
  });

  it('separates similar strings', () => {
    const hashes = new Set(Array.from({ length: 5000 }, (_, i) => seedFromString(`row-${i}`)));
    expect(hashes.size).toBe(5000);
  });
});

describe('fmix32', () => {
  it('is MurmurHash3’s finaliser: 0 stays 0, every result unsigned 32-bit', () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(1364076727);
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), (h) => {
        const out = fmix32(h);
        expect(Number.isInteger(out) && out >= 0 && out < 2 ** 32).toBe(true);
        expect(fmix32(h >>> 0)).toBe(out);
      }),
    );
  });
});
