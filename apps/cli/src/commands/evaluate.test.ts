import { describe, expect, it } from 'vitest';
import { unknownLabelsIn, unknownLabelsMessage } from './evaluate.js';

describe('unknownLabelsIn', () => {
  it('counts labels the model does not know, most frequent first', () => {
    const rows = ['pos', 'meh', 'neg', 'meh', 'other', 'pos'].map((label) => ({ text: 'x', label }));
    expect(unknownLabelsIn(rows, ['neg', 'pos'])).toEqual([
      { label: 'meh', count: 2 },
      { label: 'other', count: 1 },
    ]);
    expect(unknownLabelsIn(rows.slice(0, 1), ['neg', 'pos'])).toEqual([]);
  });
});

describe('unknownLabelsMessage', () => {
  it('names the file, the first line of each unknown label and what the model can predict', () => {
    const rows = [
      { text: 'a', label: 'pos', line: 2 },
      { text: 'b', label: 'meh', line: 3 },
      { text: 'c', label: 'meh', line: 9 },
      { text: 'd', label: '5', line: 11 },
    ];
    const unknown = unknownLabelsIn(rows, ['neg', 'pos']);
    expect(unknown).toEqual([
      { label: 'meh', count: 2, firstLine: 3 },
      { label: '5', count: 1, firstLine: 11 },
    ]);
    expect(unknownLabelsMessage('test.csv', unknown, ['neg', 'pos'])).toBe(
      '3 rows in test.csv have labels never seen in training: meh (2), 5 (1) (first at test.csv:3 "meh", test.csv:11 "5"); ' +
        'the model can only predict neg, pos, so these rows are left out of the metrics. Check the label column, or evaluate a model trained on these labels',
    );
  });

  it('names Parquet records by row', () => {
    expect(unknownLabelsMessage('test.parquet', [{ label: '5', count: 1, firstLine: 4 }], ['neg', 'pos'], 'parquet')).toMatch(
      /^1 row in test\.parquet has labels never seen in training: 5 \(1\) \(first at test\.parquet, row 4 "5"\);/,
    );
  });
});
