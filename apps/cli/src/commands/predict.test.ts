import { describe, expect, it } from 'vitest';
import { predictionLine } from './predict.js';

describe('predictionLine', () => {
  it('writes one JSON object per line with text, label and scores in that order', () => {
    const line = predictionLine('say "hi"\nthere', 'pos', { neg: 0.25, pos: 0.75 });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(line).toBe('{"text":"say \\"hi\\"\\nthere","label":"pos","scores":{"neg":0.25,"pos":0.75}}\n');
  });
});
