import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import type { DataProblem } from './data-problem.js';
import type { DataFormat } from './detect-format.js';
import { NodeRuntimeError } from './errors.js';
import { readLabeledTexts } from './read-labeled-texts.js';
import { readTexts } from './read-texts.js';

// Arbitrary bytes and Unicode (lone surrogates, NULs, BOMs, stray quotes, huge lines) never make a reader
// throw anything but the package's own error, never hang, and fail mode always yields a prefix of what
// skip mode yields.

const PIECES = [
  'text',
  'label',
  ',',
  '\t',
  '"',
  '""',
  '\n',
  '\r',
  '\r\n',
  ' ',
  '{',
  '}',
  ':',
  '[',
  ']',
  'null',
  '1',
  '{"text":"a","label":"b"}',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '\uDFFF',
  '😀',
  'é',
  '好',
  '\u2028',
  '\\',
].map((s) => Buffer.from(s, 'utf8'));
const RAW = [[0xff], [0xfe, 0xff], [0xff, 0xfe], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0xf4, 0x90]].map((b) => Buffer.from(b));

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 2, arbitrary: fc.constantFrom(...RAW) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }).map((s) => Buffer.from(s, 'utf8')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5000 }).map((n) => Buffer.from('x'.repeat(n))) },
);
const header = fc.constantFrom('', 'text,label\n', 'text\tlabel\n', '\uFEFFtext,label\r\n').map((s) => Buffer.from(s));
const content = fc.tuple(header, fc.array(piece, { maxLength: 40 })).map(([h, pieces]) => Buffer.concat([h, ...pieces]));
const anyBytes = fc.oneof(
  content,
  fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
);
const format = fc.constantFrom<DataFormat>('csv', 'tsv', 'jsonl', 'txt');
const maxRecordSize = fc.constantFrom(64, 1000, undefined);
const cuts = fc.array(fc.nat(), { maxLength: 5 });

function chunked(bytes: Buffer, points: number[]): Buffer[] {
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

interface Outcome {
  rows: Array<[number, string]>;
  problems: DataProblem[];
  error?: unknown;
}

async function drain(items: AsyncIterable<{ line: number; text: string }>, problems: DataProblem[]): Promise<Outcome> {
  const rows: Array<[number, string]> = [];
  try {
    for await (const { line, text } of items) rows.push([line, text]);
    return { rows, problems };
  } catch (error) {
    return { rows, problems, error };
  }
}

function checkOutcomes(fail: Outcome, skip: Outcome, file: string): void {
  for (const outcome of [fail, skip]) {
    if (outcome.error !== undefined) {
      expect(outcome.error).toBeInstanceOf(NodeRuntimeError);
      expect((outcome.error as Error).message).toContain(file);
    }
    let previous = 0;
    for (const [line] of outcome.rows) {
      expect(line).toBeGreaterThan(previous);
      previous = line;
    }
  }
  expect(fail.problems).toEqual([]);
  for (const problem of skip.problems) {
    expect(problem.file).toBe(file);
    expect(problem.line).toBeGreaterThanOrEqual(1);
    expect(problem.message).toContain(file);
  }
  // Fail mode stops at the first bad row: what it read is what skip mode read up to there.
  expect(skip.rows.slice(0, fail.rows.length)).toEqual(fail.rows);
  if (fail.error === undefined) expect(skip).toEqual(fail);
}

// GLOSSA_FUZZ_RUNS=2000 runs a longer search locally; CI keeps it short.
const limits = {
  numRuns: Number(process.env.GLOSSA_FUZZ_RUNS ?? 150),
  timeout: 5_000,
  interruptAfterTimeLimit: 40_000,
  markInterruptAsFailure: false,
} as const;

describe('readers on arbitrary input', () => {
  const tmp = useTempDir();

  it('readTexts on a chunked stream throws only NodeRuntimeError, in any format and mode', async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, format, maxRecordSize, cuts, async (bytes, fmt, max, points) => {
        const file = '<fuzz>';
        const run = async (onBadRow: 'fail' | 'skip'): Promise<Outcome> => {
          const problems: DataProblem[] = [];
          const source = Readable.from(chunked(bytes, points));
          const options = {
            format: fmt,
            onBadRow,
            sourceName: file,
            onSkip: (p: DataProblem) => problems.push(p),
            ...(max === undefined ? {} : { maxRecordSize: max }),
          };
          return drain(readTexts(source, options), problems);
        };
        checkOutcomes(await run('fail'), await run('skip'), file);
      }),
      limits,
    );
  });

  it('readLabeledTexts on a file throws only NodeRuntimeError, in any format and mode', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(anyBytes, fc.constantFrom('csv', 'tsv', 'jsonl'), maxRecordSize, async (bytes, ext, max) => {
        const path = join(tmp(), `fuzz-${n++}.${ext}`);
        await writeFile(path, bytes);
        const run = async (onBadRow: 'fail' | 'skip'): Promise<Outcome> => {
          const problems: DataProblem[] = [];
          const options = { onBadRow, onSkip: (p: DataProblem) => problems.push(p), ...(max === undefined ? {} : { maxRecordSize: max }) };
          return drain(readLabeledTexts(path, options), problems);
        };
        checkOutcomes(await run('fail'), await run('skip'), path);
      }),
      limits,
    );
  });

  it('reads arbitrary Unicode text lines back exactly (lone surrogates become U+FFFD)', async () => {
    const line = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !/[\r\n\u0000]/.test(s) && s.trim() !== '');
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 10 }), cuts, async (lines, points) => {
        const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
        const expected = lines.map((l) => Buffer.from(l, 'utf8').toString('utf8'));
        if (expected[0]?.startsWith('\uFEFF')) expected[0] = expected[0].slice(1);
        const texts: string[] = [];
        for await (const { text } of readTexts(Readable.from(chunked(bytes, points)), { onBadRow: 'skip' })) texts.push(text);
        expect(texts).toEqual(expected.filter((t) => t.trim() !== ''));
      }),
      limits,
    );
  });
});
