import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StrictTextDecoder, UndecodableTextError, undecodableTextMessage } from '@glossa/model-core';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import { DataError, NodeRuntimeError } from './errors.js';
import { readLabeledTexts } from './read-labeled-texts.js';
import { readTextRecords, readTexts } from './read-texts.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const bytes = (...parts: Array<string | number[]>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
// "中文" in four legacy encodings (published code tables), "日本" in Shift_JIS, "한국" in EUC-KR, "café" in Windows-1252.
const ZHONGWEN = { gbk: [0xd6, 0xd0, 0xce, 0xc4], gb18030: [0xd6, 0xd0, 0xce, 0xc4], big5: [0xa4, 0xa4, 0xa4, 0xe5] };

describe('legacy encodings (encoding option)', () => {
  const tmp = useTempDir();

  it('reads GB18030/GBK and Big5 CSV files, every character kept', async () => {
    for (const [encoding, zw] of Object.entries(ZHONGWEN)) {
      const file = join(tmp(), `${encoding}.csv`);
      await writeFile(file, bytes('text,label\n"', zw, ' ok",pos\n', zw, ',neg\n'));
      const rows = await collect(readLabeledTexts(file, { encoding }));
      expect(rows.map((r) => [r.text, r.label])).toEqual([
        ['中文 ok', 'pos'],
        ['中文', 'neg'],
      ]);
      // Read as UTF-8 (no encoding) the same file is refused, with the option named in the advice.
      await expect(collect(readLabeledTexts(file))).rejects.toThrow(/invalid UTF-8 .*--encoding gb18030/);
    }
  });

  it('decodes characters split across stream chunks (Shift_JIS, EUC-KR, Windows-1252, UTF-16LE with BOM)', async () => {
    const cases: Array<[string, Buffer, string[]]> = [
      ['shift_jis', bytes([0x93, 0xfa, 0x96, 0x7b], '\n', [0x93, 0xfa], '\n'), ['日本', '日']],
      ['euc-kr', bytes([0xc7, 0xd1, 0xb1, 0xb9], '\n'), ['한국']],
      ['windows-1252', bytes('caf', [0xe9], '\nna', [0xef], 've\n'), ['café', 'naïve']],
      ['utf-16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('中文\nsecond\n', 'utf16le')]), ['中文', 'second']],
    ];
    for (const [encoding, data, expected] of cases) {
      // One byte per chunk: every multi-byte character is split.
      const chunks = Array.from(data, (b) => Buffer.from([b]));
      const texts = await collect(readTexts(Readable.from(chunks), { encoding }));
      expect(
        texts.map((t) => t.text),
        encoding,
      ).toEqual(expected);
    }
  });

  it('reports a byte sequence the encoding cannot decode at its line and column, in place', async () => {
    const data = bytes([0xd6, 0xd0], '\nok ', [0x81, 0x20], 'x\n', [0xce, 0xc4], '\n');
    const records = await collect(readTextRecords(Readable.from([data]), { encoding: 'gb18030' }));
    expect(records.map((r) => (r.kind === 'text' ? r.text : r.problem.message))).toEqual([
      '中',
      expect.stringMatching(/^<stream>:2:4: a byte sequence that is not valid GB18030 \(at character 4\)/),
      '文',
    ]);
    await expect(collect(readTexts(Readable.from([data]), { encoding: 'gb18030' }))).rejects.toThrow(DataError);
  });

  it("words its encoding messages with model-core's undecodableTextMessage, as the demo does, at the place StrictTextDecoder finds", async () => {
    const cli = { name: '--encoding (encoding)', example: '--encoding gb18030' };
    const skipHint = ' Fix the row, or pass onBadRow: "skip" (--on-bad-row skip) to skip bad rows.';
    const cases: Array<[string, Buffer]> = [
      ['utf-8', bytes('text,label\nnice day,pos\nso caf', [0xe9], ' bad,neg\n')],
      ['utf-8', bytes('text,label\r\nok,pos\r\n"a\r\nb', [0xe4, 0xb8], 'c",neg\r\n')],
      ['gb18030', bytes('text,label\n', [0xd6, 0xd0], ',pos\nok ', [0x81, 0x20], 'x,neg\n')],
      ['big5', bytes('text,label\n', [0xa4, 0xa4], ',pos\n', [0xa4, 0x20], ',neg\n')],
    ];
    for (const [encoding, data] of cases) {
      const file = join(tmp(), 'data.csv');
      await writeFile(file, data);
      let expected: string | undefined;
      try {
        new StrictTextDecoder({ encoding, file, control: cli }).decode(data);
      } catch (error) {
        if (!(error instanceof UndecodableTextError)) throw error;
        expected = undecodableTextMessage(error.problem, cli);
      }
      expect(expected, encoding).toBeDefined();
      await expect(collect(readLabeledTexts(file, { encoding })), encoding).rejects.toThrow(`${expected}${skipHint}`);
    }
  });

  it('refuses an unknown encoding label naming common ones', async () => {
    await expect(collect(readTexts(Readable.from([Buffer.from('x\n')]), { encoding: 'klingon' }))).rejects.toThrow(NodeRuntimeError);
    await expect(collect(readTexts(Readable.from([Buffer.from('x\n')]), { encoding: 'klingon' }))).rejects.toThrow(
      /"klingon" is not an encoding label \(WHATWG\)\. Common ones: utf-8, gb18030/,
    );
  });

  it('names --encoding utf-16le for a UTF-16 file read as UTF-8', async () => {
    const data = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hi\n', 'utf16le')]);
    await expect(collect(readTexts(Readable.from([data])))).rejects.toThrow(/Pass --encoding utf-16le/);
  });
});

describe('NUL bytes with onWarning', () => {
  it('reads a stray NUL as a space and warns with line and column; keeps refusing NUL-heavy (binary) data', async () => {
    const warnings: Array<[number, number | undefined]> = [];
    const texts = await collect(readTexts(Readable.from([Buffer.from('fine\nbro\u0000ken\nok\n')]), { onWarning: (w) => warnings.push([w.line, w.column]) }));
    expect(texts.map((t) => t.text)).toEqual(['fine', 'bro ken', 'ok']);
    expect(warnings).toEqual([[2, 4]]);
    // Without onWarning the row is bad, as before.
    await expect(collect(readTexts(Readable.from([Buffer.from('fine\nbro\u0000ken\n')])))).rejects.toThrow(/stream>:2:4: the row contains a NUL byte/);
    // Mostly NUL bytes (binary, or UTF-16 without a byte-order mark): refused even with onWarning.
    const binary = Buffer.from('a\u0000b\u0000c\u0000\n', 'latin1');
    await expect(collect(readTexts(Readable.from([binary]), { onWarning: () => undefined }))).rejects.toThrow(/the row contains a NUL byte/);
  });
});
