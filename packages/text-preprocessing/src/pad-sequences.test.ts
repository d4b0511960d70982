import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { padSequences } from './pad-sequences.js';

const rows = (batch: { ids: Int32Array; length: number; batchSize: number }) =>
  Array.from({ length: batch.batchSize }, (_, r) => Array.from(batch.ids.subarray(r * batch.length, (r + 1) * batch.length)));

const sequences = [Int32Array.of(1, 2, 3), Int32Array.of(4, 5), Int32Array.of(6, 7, 8, 9, 10)];

describe('padSequences', () => {
  // Expectations written from keras.utils.pad_sequences documentation and behaviour.
  it('defaults to Keras behaviour: longest length, pad and truncate at the start', () => {
    const batch = padSequences(sequences);
    expect(batch.length).toBe(5);
    expect(rows(batch)).toEqual([
      [0, 0, 1, 2, 3],
      [0, 0, 0, 4, 5],
      [6, 7, 8, 9, 10],
    ]);
    expect(Array.from(batch.lengths)).toEqual([3, 2, 5]);
  });

  it('pads post', () => {
    expect(rows(padSequences(sequences, { padding: 'post' }))).toEqual([
      [1, 2, 3, 0, 0],
      [4, 5, 0, 0, 0],
      [6, 7, 8, 9, 10],
    ]);
  });

  it('truncates pre (keeps the end) like Keras maxlen with the default truncating', () => {
    const batch = padSequences(sequences, { length: 3 });
    expect(rows(batch)).toEqual([
      [1, 2, 3],
      [0, 4, 5],
      [8, 9, 10],
    ]);
    expect(Array.from(batch.lengths)).toEqual([3, 2, 3]);
  });

  it('truncates post (keeps the start) and pads post', () => {
    expect(rows(padSequences(sequences, { length: 3, truncating: 'post', padding: 'post' }))).toEqual([
      [1, 2, 3],
      [4, 5, 0],
      [6, 7, 8],
    ]);
  });

  it('truncates post and pads pre', () => {
    expect(rows(padSequences(sequences, { length: 4, truncating: 'post', padding: 'pre' }))).toEqual([
      [0, 1, 2, 3],
      [0, 0, 4, 5],
      [6, 7, 8, 9],
    ]);
  });

  it('handles empty sequences, an empty batch, minLength and a custom value', () => {
    expect(rows(padSequences([new Int32Array(0), Int32Array.of(3)]))).toEqual([[0], [3]]);
    const empty = padSequences([]);
    expect(empty).toMatchObject({ batchSize: 0, length: 0 });
    expect(padSequences([new Int32Array(0)], { minLength: 2 }).length).toBe(2);
    expect(rows(padSequences([[1]], { length: 3, value: -1 }))).toEqual([[-1, -1, 1]]);
  });

  it('keeps every row a contiguous slice of its sequence and pads the rest', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 2, max: 100 }), { maxLength: 12 }), { maxLength: 8 }),
        fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
        fc.constantFrom('pre' as const, 'post' as const),
        fc.constantFrom('pre' as const, 'post' as const),
        (input, length, padding, truncating) => {
          const batch = padSequences(
            input.map((s) => Int32Array.from(s)),
            { length, padding, truncating },
          );
          const width = length ?? Math.max(0, ...input.map((s) => s.length));
          expect(batch.length).toBe(width);
          rows(batch).forEach((row, r) => {
            const source = input[r] as number[];
            const kept = Math.min(source.length, width);
            const expected = truncating === 'pre' ? source.slice(source.length - kept) : source.slice(0, kept);
            const content = padding === 'pre' ? row.slice(width - kept) : row.slice(0, kept);
            const pad = padding === 'pre' ? row.slice(0, width - kept) : row.slice(kept);
            expect(content).toEqual(expected);
            expect(pad.every((v) => v === 0)).toBe(true);
            expect(batch.lengths[r]).toBe(kept);
          });
        },
      ),
    );
  });

  it('rejects invalid options', () => {
    expect(() => padSequences(sequences, { length: -1 })).toThrow(/length must be a non-negative integer/);
    expect(() => padSequences(sequences, { padding: 'left' as 'pre' })).toThrow(/padding must be "pre" or "post"/);
    expect(() => padSequences([null as unknown as Int32Array])).toThrow(/sequences\[0\]/);
  });
});
