import { describe, expect, it } from 'vitest';
import { toPredictions } from './predictions.js';

describe('toPredictions', () => {
  it('gives each row its most probable label and every label’s score', () => {
    const probs = Float32Array.of(0.25, 0.75, 0.9, 0.1);
    expect(toPredictions(['neg', 'pos'], probs)).toEqual([
      { label: 'pos', scores: { neg: 0.25, pos: 0.75 } },
      { label: 'neg', scores: { neg: Math.fround(0.9), pos: Math.fround(0.1) } },
    ]);
  });

  it('picks the first of equal scores, reads three labels per row and only `count` rows', () => {
    const probs = Float32Array.of(0.5, 0.5, 0, 0.2, 0.3, 0.5, 1, 0, 0);
    expect(toPredictions(['a', 'b', 'c'], probs).map((p) => p.label)).toEqual(['a', 'c', 'a']);
    expect(toPredictions(['a', 'b', 'c'], probs, 1)).toEqual([{ label: 'a', scores: { a: 0.5, b: 0.5, c: 0 } }]);
    expect(toPredictions(['a', 'b', 'c'], new Float32Array(0))).toEqual([]);
  });

  it('keeps the label order in the scores object', () => {
    expect(Object.keys(toPredictions(['z', 'a', 'm'], Float32Array.of(0.1, 0.2, 0.7))[0]!.scores)).toEqual(['z', 'a', 'm']);
  });
});
