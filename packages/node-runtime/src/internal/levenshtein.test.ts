import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestName, levenshtein } from './levenshtein.js';

describe('levenshtein', () => {
  it('counts edits', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('label', 'label')).toBe(0);
  });

  it('is a metric: symmetric, zero only for equal strings, triangle inequality', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (a, b, c) => {
        expect(levenshtein(a, b)).toBe(levenshtein(b, a));
        expect(levenshtein(a, b) === 0).toBe(a === b);
        expect(levenshtein(a, c)).toBeLessThanOrEqual(levenshtein(a, b) + levenshtein(b, c));
      }),
    );
  });
});

describe('closestName', () => {
  it('prefers a case-insensitive match, then the nearest within reach', () => {
    expect(closestName('text', ['id', 'Text', 'texts'])).toBe('Text');
    expect(closestName('label', ['id', 'lable', 'review'])).toBe('lable');
    expect(closestName('text', ['review', 'sentiment'])).toBeUndefined();
  });
});
