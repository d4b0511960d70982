import { describe, expect, it } from 'vitest';
import { ModelCoreError } from './errors.js';
import {
  COMMON_ENCODINGS,
  StrictTextDecoder,
  type StrictTextDecoderOptions,
  UndecodableTextError,
  resolveEncoding,
  undecodableTextMessage,
  unknownEncodingMessage,
} from './text-encoding.js';

const bytes = (...parts: Array<string | number[]>): Uint8Array => {
  const out: number[] = [];
  for (const part of parts) out.push(...(typeof part === 'string' ? new TextEncoder().encode(part) : part));
  return Uint8Array.from(out);
};

/** Decodes `data` in chunks of `size` bytes (1: every multi-byte character split). */
function decodeAll(data: Uint8Array, options: StrictTextDecoderOptions, size = data.length): string {
  const decoder = new StrictTextDecoder(options);
  let text = '';
  for (let i = 0; i < data.length; i += size) text += decoder.decode(data.subarray(i, i + size), { stream: true });
  return text + decoder.decode();
}

function failure(data: Uint8Array, options: StrictTextDecoderOptions, size = data.length): UndecodableTextError {
  try {
    decodeAll(data, options, size);
  } catch (error) {
    if (error instanceof UndecodableTextError) return error;
    throw error;
  }
  throw new Error('expected the text to be refused');
}

const CLI = { name: '--encoding (encoding)', example: '--encoding gb18030' };

describe('StrictTextDecoder', () => {
  it('decodes UTF-8 whole, whatever the chunking, every character kept', () => {
    const text = 'text,label\n"中文 ok 👍",pos\r\ncafé,neg\n';
    for (const size of [1, 2, 3, 5, 1 << 20]) expect(decodeAll(new TextEncoder().encode(text), {}, size), `chunks of ${size}`).toBe(text);
  });

  it('refuses Latin-1 read as UTF-8 at the line, character and byte the node-runtime readers name', () => {
    const data = bytes('text,label\nnice day,pos\nso caf', [0xe9], ' bad,neg\n');
    for (const size of [1, 2, 7, data.length]) {
      const error = failure(data, { file: 'latin1.csv', control: CLI }, size);
      expect(error.problem, `chunks of ${size}`).toEqual({ file: 'latin1.csv', line: 3, column: 7, encoding: 'utf-8', byte: 0xe9, offset: 30 });
      expect(error.code).toBe('INVALID_DATA');
      expect(error.message).toBe(
        'latin1.csv:3:7: invalid UTF-8 (byte 0xE9 at character 7); the file is probably in another encoding such as Windows-1252, GB18030 or Big5. ' +
          'Name it with --encoding (encoding), e.g. --encoding gb18030, or convert it to UTF-8 (e.g. `iconv -f windows-1252 -t utf-8 in.csv > out.csv`, or "Save as CSV UTF-8" in a spreadsheet).',
      );
    }
  });

  it('keeps a U+FFFD written in the file and reports the undecodable byte after it; a broken sequence at its first byte', () => {
    const data = bytes('a\uFFFDb\n\uFFFD', [0xe4, 0xb8], 'x\n');
    expect(failure(data, {}, 1).problem).toMatchObject({ line: 2, column: 2, byte: 0xe4, offset: 9 });
    expect(decodeAll(bytes('a\uFFFDb\n'), {}, 1)).toBe('a\uFFFDb\n');
    // Cut off at the end of the input.
    expect(failure(bytes('ok\nab', [0xf0, 0x9f]), {}).problem).toMatchObject({ line: 2, column: 3, byte: 0xf0 });
  });

  it('counts CRLF and a lone CR as one line break each', () => {
    expect(failure(bytes('a\r\nb\rc\r', '\ndd', [0xff]), {}, 1).problem).toMatchObject({ line: 4, column: 3, byte: 0xff });
  });

  it('lets a byte-order mark choose the encoding and leaves it out of the text', () => {
    const utf16le = new Uint8Array([0xff, 0xfe, ...Array.from('中文\nok', (c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]).flat()]);
    const utf16be = new Uint8Array([0xfe, 0xff, ...Array.from('中文\nok', (c) => [c.charCodeAt(0) >> 8, c.charCodeAt(0) & 0xff]).flat()]);
    for (const [data, encoding] of [
      [utf16le, 'utf-16le'],
      [utf16be, 'utf-16be'],
      [bytes([0xef, 0xbb, 0xbf], '中文\nok'), 'utf-8'],
    ] as const) {
      for (const size of [1, data.length]) {
        const decoder = new StrictTextDecoder({ encoding: 'windows-1252' });
        let text = '';
        for (let i = 0; i < data.length; i += size) text += decoder.decode(data.subarray(i, i + size), { stream: true });
        text += decoder.decode();
        expect(text, encoding).toBe('中文\nok');
        expect(decoder.encoding).toBe(encoding);
        expect(decoder.fromByteOrderMark).toBe(true);
      }
    }
    const plain = new StrictTextDecoder({ encoding: 'latin1' });
    expect(plain.decode(bytes('caf', [0xe9]))).toBe('café');
    expect([plain.encoding, plain.fromByteOrderMark]).toEqual(['windows-1252', false]);
  });

  it('refuses an unpaired UTF-16 surrogate at its character and offset', () => {
    const data = new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x0a, 0x00, 0x62, 0x00, 0x00, 0xd8, 0x63, 0x00]);
    expect(failure(data, {}, 1).problem).toEqual({ file: '<text>', line: 2, column: 2, encoding: 'utf-16le', offset: 8 });
  });

  it('decodes GB18030 and Big5 split across chunks, and refuses a sequence GB18030 cannot decode', () => {
    expect(decodeAll(bytes([0xd6, 0xd0, 0xce, 0xc4], '\n'), { encoding: 'gb18030' }, 1)).toBe('中文\n');
    expect(decodeAll(bytes([0xa4, 0xa4, 0xa4, 0xe5]), { encoding: 'big5' }, 1)).toBe('中文');
    const error = failure(bytes([0xd6, 0xd0], '\nok ', [0x81, 0x20], 'x\n'), { encoding: 'GB18030', file: 'gb.csv', control: CLI }, 1);
    expect(error.problem).toEqual({ file: 'gb.csv', line: 2, column: 4, encoding: 'gb18030' });
    expect(error.message).toBe(
      'gb.csv:2:4: a byte sequence that is not valid GB18030 (at character 4); the file is probably in another encoding. ' +
        'Check --encoding (encoding): gb18030 for Simplified Chinese exports, big5 for Traditional Chinese, shift_jis for Japanese, windows-1252 for Western European, utf-8.',
    );
  });

  it('keeps refusing once it has refused', () => {
    const decoder = new StrictTextDecoder();
    expect(() => decoder.decode(bytes('a', [0xc0]))).toThrow(UndecodableTextError);
    expect(() => decoder.decode(bytes('more'))).toThrow(/<text>:1:2: invalid UTF-8 \(byte 0xC0/);
  });

  it('refuses a label that names no encoding', () => {
    expect(() => new StrictTextDecoder({ encoding: 'klingon', file: 'a.csv' })).toThrow(ModelCoreError);
    expect(() => new StrictTextDecoder({ encoding: 'klingon', file: 'a.csv' })).toThrow(
      'a.csv: "klingon" is not an encoding label (WHATWG). Common ones: utf-8, gb18030, gbk, big5, shift_jis, euc-jp, euc-kr, windows-1252 (latin1), utf-16le, utf-16be.',
    );
  });
});

describe('encoding names and messages', () => {
  it('resolves labels to WHATWG names, and every common encoding is one', () => {
    expect(resolveEncoding('latin1')).toBe('windows-1252');
    expect(resolveEncoding('GBK')).toBe('gbk');
    expect(resolveEncoding('UTF8')).toBe('utf-8');
    expect(resolveEncoding('klingon')).toBeUndefined();
    for (const { name } of COMMON_ENCODINGS) expect(resolveEncoding(name)).toBe(name);
    expect(unknownEncodingMessage('x', 'y')).toMatch(/^x: "y" is not an encoding label/);
  });

  it("names the reader's control in the advice", () => {
    const message = undecodableTextMessage(
      { file: 'a.csv', line: 1, column: 2, encoding: 'utf-8', byte: 0x80 },
      { name: 'the Encoding list', example: 'windows-1252' },
    );
    expect(message).toContain('a.csv:1:2: invalid UTF-8 (byte 0x80 at character 2);');
    expect(message).toContain('Name it with the Encoding list, e.g. windows-1252, or convert it to UTF-8');
  });
});
