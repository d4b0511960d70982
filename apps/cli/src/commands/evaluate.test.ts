import { describe, expect, it } from 'vitest';
import { unknownLabelsIn } from './evaluate.js';

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
