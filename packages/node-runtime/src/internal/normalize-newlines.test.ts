import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLines } from './lines.js';
import { NormalizeNewlines } from './normalize-newlines.js';

async function normalise(chunks: Buffer[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(chunks).pipe(new NormalizeNewlines())) out.push(chunk as Buffer);
  return Buffer.concat(out).toString('utf8');
}

function cut(bytes: Buffer, points: number[]): Buffer[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of sorted) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

const text = fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\r', '\n', '\r\n', ' '), maxLength: 30 });

describe('NormalizeNewlines', () => {
  it('turns CRLF and CR into LF however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 6 }), async (s, points) => {
        expect(await normalise(cut(Buffer.from(s, 'utf8'), points))).toBe(s.replace(/\r\n?/g, '\n'));
      }),
    );
  });
});

describe('readLines', () => {
  it('splits like a reference split on CRLF, CR and LF however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 6 }), async (s, points) => {
        const expected = s.split(/\r\n|\r|\n/);
        if (expected.at(-1) === '') expected.pop();
        const lines: string[] = [];
        for await (const { text: line } of readLines(cut(Buffer.from(s, 'utf8'), points))) lines.push(line);
        expect(lines).toEqual(expected);
      }),
    );
  });

  it('numbers lines from 1, counting blank lines', async () => {
    const numbered: Array<[string, number]> = [];
    for await (const { text: line, line: n } of readLines(['a\n\nb\r\nc'])) numbered.push([line, n]);
    expect(numbered).toEqual([
      ['a', 1],
      ['', 2],
      ['b', 3],
      ['c', 4],
    ]);
  });
});
