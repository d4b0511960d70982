import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import { DataError, NodeRuntimeError } from './errors.js';
import { readWordVectors, readWordVectorsHeader } from './read-word-vectors.js';

const tmp = useTempDir();

async function write(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(tmp(), name);
  await writeFile(path, content);
  return path;
}

/** The DataError a promise rejects with. */
async function dataError(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

const FASTTEXT = '4 3\nthe 0.1 0.2 0.3\nMovie 1 2 3\nmovie -1 -2 -3e-1\n好 0.5 0.25 0.125\n';
const GLOVE = 'the 0.1 0.2 0.3 0.4\ngreat 1 1 1 1\n🙂 2 2 2 2\n';

describe('readWordVectorsHeader', () => {
  it('reads a fastText header', async () => {
    expect(await readWordVectorsHeader(await write('a.vec', FASTTEXT))).toEqual({ dimension: 3, count: 4, format: 'fasttext' });
  });

  it('counts the values of the first line of a GloVe file', async () => {
    expect(await readWordVectorsHeader(await write('g.txt', GLOVE))).toEqual({ dimension: 4, format: 'glove' });
  });

  it('handles a BOM, CRLF and trailing spaces', async () => {
    expect(await readWordVectorsHeader(await write('b.vec', '\uFEFF2 2 \r\nthe 1 2 \r\n'))).toEqual({ dimension: 2, count: 2, format: 'fasttext' });
  });

  it('rejects a header that is not two integers', async () => {
    for (const header of ['2000000 300.5', '-3 300', '2000000', '12 abc']) {
      const error = await dataError(readWordVectorsHeader(await write('h.vec', `${header}\nthe 1 2\n`)));
      expect(error.code).toBe('BAD_DATA');
      expect(error.line).toBe(1);
      expect(error.message).toMatch(/h\.vec:1: the first line ".*" looks like a fastText header but is not two non-negative integers/);
    }
  });

  it('rejects a dimension of 0', async () => {
    const error = await dataError(readWordVectorsHeader(await write('z.vec', '10 0\n')));
    expect(error.message).toMatch(/z\.vec:1: the fastText header "10 0" gives dimension 0; it must be a positive integer/);
  });
});

describe('readWordVectors', () => {
  it('keeps only the requested fastText vectors, preferring exact matches', async () => {
    const path = await write('a.vec', FASTTEXT);
    const result = await readWordVectors(path, { tokens: ['the', 'movie', '好', 'absent'] });
    expect(result.dimension).toBe(3);
    expect(result.format).toBe('fasttext');
    expect(result.count).toBe(4);
    expect(result.linesRead).toBe(5);
    expect(result.requested).toBe(4);
    expect(result.covered).toBe(3);
    expect([...result.vectors.keys()].sort()).toEqual(['movie', 'the', '好']);
    // "movie" exists exactly on line 4; the earlier "Movie" only serves as a fallback.
    expect(result.vectors.get('movie')).toEqual(Float32Array.from([-1, -2, -0.3]));
    expect(result.vectors.get('the')).toEqual(Float32Array.from([0.1, 0.2, 0.3]));
    expect(result.vectors.get('好')).toEqual(Float32Array.from([0.5, 0.25, 0.125]));
  });

  it('falls back to the first word that lower-cases to a token', async () => {
    const path = await write('c.vec', '3 2\nParis 1 1\nPARIS 2 2\nBerlin 3 3\n');
    const result = await readWordVectors(path, { tokens: new Set(['paris', 'berlin', 'Berlin']) });
    expect(result.vectors.get('paris')).toEqual(Float32Array.from([1, 1]));
    expect(result.vectors.get('berlin')).toEqual(Float32Array.from([3, 3]));
    expect(result.vectors.get('Berlin')).toEqual(Float32Array.from([3, 3]));
    expect(result.covered).toBe(3);
  });

  it('keeps the first occurrence of a repeated word', async () => {
    const path = await write('d.vec', '2 1\nx 1\nx 2\n');
    expect((await readWordVectors(path, { tokens: ['x'] })).vectors.get('x')).toEqual(Float32Array.from([1]));
  });

  it('reads GloVe files, emoji and CJK words, CRLF, a BOM, trailing spaces and blank lines', async () => {
    const path = await write('g.txt', `\uFEFF${GLOVE.replace(/\n/g, ' \r\n')}\r\n`);
    const result = await readWordVectors(path, { tokens: ['the', '🙂', 'great'] });
    expect(result).toMatchObject({ dimension: 4, format: 'glove', covered: 3, requested: 3, linesRead: 4 });
    expect(result.count).toBeUndefined();
    expect(result.vectors.get('🙂')).toEqual(Float32Array.from([2, 2, 2, 2]));
    expect(result.vectors.get('the')).toEqual(Float32Array.from([0.1, 0.2, 0.3, 0.4]));
  });

  it('accepts a word with spaces (as in some GloVe files) and a last line without a line break', async () => {
    const path = await write('s.txt', 'a 1 2\nnew york 3 4\nb 5 6');
    const result = await readWordVectors(path, { tokens: ['new york', 'b'] });
    expect(result.vectors.get('new york')).toEqual(Float32Array.from([3, 4]));
    expect(result.vectors.get('b')).toEqual(Float32Array.from([5, 6]));
  });

  it('reports a line with the wrong number of values', async () => {
    const short = await dataError(readWordVectors(await write('short.vec', '3 3\na 1 2 3\nb 1 2\nc 1 2 3\n'), { tokens: ['a'] }));
    expect(short.line).toBe(3);
    expect(short.message).toMatch(/short\.vec:3: expected a word and 3 values \(the dimension the header gives\) but found 2 values after "b"/);
    const long = await dataError(readWordVectors(await write('long.txt', 'a 1 2\nb 1 2 3\n'), { tokens: ['a'] }));
    expect(long.message).toMatch(/long\.txt:2: expected a word and 2 values \(the dimension the first line gives\) but found 3 values after "b"/);
  });

  it('reports a value that is not a finite number with its line and column', async () => {
    const cases: Array<[string, number, string]> = [
      ['x 1 abc 3', 5, 'abc'],
      ['x 1 2 NaN', 7, 'NaN'],
      ['x Infinity 2 3', 3, 'Infinity'],
      ['x 1 1e39 3', 5, '1e39'],
    ];
    for (const [text, column, raw] of cases) {
      const error = await dataError(readWordVectors(await write('nan.vec', `2 3\ny 0 0 0\n${text}\n`), { tokens: ['x'] }));
      expect(error.line).toBe(3);
      expect(error.column).toBe(column);
      expect(error.message).toContain(`nan.vec:3:${column}: value`);
      expect(error.message).toContain(`"${raw}", not a finite number`);
    }
    // Column counts characters, not bytes.
    const cjk = await dataError(readWordVectors(await write('cjk.vec', '1 2\n好好 1 x\n'), { tokens: ['好好'] }));
    expect(cjk.message).toMatch(/cjk\.vec:2:6: value 2 of "好好" is "x"/);
  });

  it('fails on an empty file, a blank file and a missing file', async () => {
    const empty = await dataError(readWordVectors(await write('empty.vec', ''), { tokens: [] }));
    expect(empty.code).toBe('EMPTY_FILE');
    expect(empty.message).toMatch(/empty\.vec: the file is empty \(no vectors\)\. Pass a word-vector text file/);
    expect((await dataError(readWordVectorsHeader(await write('blank.vec', '\n\r\n  \n')))).code).toBe('EMPTY_FILE');
    const missing = await dataError(readWordVectors(join(tmp(), 'nope.vec'), { tokens: ['a'] }));
    expect(missing.code).toBe('FILE_NOT_FOUND');
    expect(missing.message).toMatch(/nope\.vec: file not found\. Check the path/);
    await mkdir(join(tmp(), 'dir.vec'));
    expect((await dataError(readWordVectorsHeader(join(tmp(), 'dir.vec')))).message).toMatch(/dir\.vec: this is a directory/);
  });

  it('recognises binary files: a fastText .bin model, gzip, NUL bytes, invalid UTF-8, UTF-16', async () => {
    const bin = Buffer.alloc(64);
    bin.writeInt32LE(793712314, 0);
    bin.writeInt32LE(12, 4);
    const fromBin = await dataError(readWordVectors(await write('model.bin', bin), { tokens: ['a'] }));
    expect(fromBin.code).toBe('UNKNOWN_FORMAT');
    expect(fromBin.message).toMatch(/model\.bin:1:1: this is a fastText binary model \(\.bin\).*Pass the \.vec text file instead/);

    const gz = await dataError(readWordVectorsHeader(await write('wiki.vec.gz', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]))));
    expect(gz.message).toMatch(/wiki\.vec\.gz:1:1: the file is gzip-compressed\. Decompress it first/);

    const nul = await dataError(readWordVectors(await write('nul.vec', '2 2\nab 1 2\nc\u0000d 1 2\n'), { tokens: ['a'] }));
    expect([nul.line, nul.column]).toEqual([3, 2]);
    expect(nul.message).toMatch(/nul\.vec:3:2: the line contains a NUL byte \(0x00\): this is a binary file.*pass the \.vec text file instead/);

    const latin1 = await dataError(readWordVectors(await write('latin1.vec', Buffer.from('1 2\ncafé 1 2\n', 'latin1')), { tokens: ['a'] }));
    expect([latin1.line, latin1.column]).toEqual([2, 4]);
    expect(latin1.message).toMatch(/latin1\.vec:2:4: invalid UTF-8 \(byte 0xE9 at character 4\)/);

    const utf16 = await dataError(readWordVectorsHeader(await write('u16.vec', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('1 2\n', 'utf16le')]))));
    expect(utf16.message).toMatch(/u16\.vec:1:1: the file is UTF-16 or UTF-32 encoded/);
  });

  it('fails on a line longer than 1 MB without holding the file', async () => {
    const path = await write('huge-line.vec', `1 2\n${'x'.repeat(2 * 1024 * 1024)} 1 2\n`);
    const error = await dataError(readWordVectors(path, { tokens: ['x'] }));
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/huge-line\.vec:2: the line is longer than 1048576 bytes/);
  });

  it('rejects tokens that are not strings, and stops when aborted', async () => {
    const path = await write('a.vec', FASTTEXT);
    await expect(readWordVectors(path, { tokens: 'the' as unknown as string[] })).rejects.toThrow(NodeRuntimeError);
    await expect(readWordVectors(path, { tokens: [1] as unknown as string[] })).rejects.toThrow(/tokens must hold strings only/);
    const controller = new AbortController();
    controller.abort();
    await expect(readWordVectors(path, { tokens: ['the'], signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
