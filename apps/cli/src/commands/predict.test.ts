import { describe, expect, it } from 'vitest';
import { predictFormat, predictionLine } from './predict.js';

describe('predictionLine', () => {
  it('writes one JSON object per line with text, label and scores in that order', () => {
    const line = predictionLine('say "hi"\nthere', 'pos', { neg: 0.25, pos: 0.75 });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(line).toBe('{"text":"say \\"hi\\"\\nthere","label":"pos","scores":{"neg":0.25,"pos":0.75}}\n');
  });
});

describe('predictFormat', () => {
  it('takes --format first, then the --input extension, else one text per line', () => {
    expect(predictFormat('a.csv', 'jsonl')).toBe('jsonl');
    expect(predictFormat('reviews.CSV', undefined)).toBe('csv');
    expect(predictFormat('x.tab', undefined)).toBe('tsv');
    expect(predictFormat('x.ndjson', undefined)).toBe('jsonl');
    expect(predictFormat('notes.txt', undefined)).toBe('lines');
    expect(predictFormat('part-00000.snappy.parquet', undefined)).toBe('parquet');
    expect(predictFormat('notes.md', undefined)).toBe('lines');
    expect(predictFormat(undefined, undefined)).toBe('lines');
  });
});
