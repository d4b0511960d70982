import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeCharset, decodeEncodedWords, decodeQuotedPrintable, parseEntity, parseStructuredHeader, splitMultipart } from './mime.js';

function encodeQuotedPrintable(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    const printable = byte >= 33 && byte <= 126 && byte !== 61;
    out += printable ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    if (out.length % 70 > 66) out += '=\n';
  }
  return out;
}

describe('decodeQuotedPrintable', () => {
  it('round-trips any bytes encoded as quoted-printable with soft breaks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(Array.from(decodeQuotedPrintable(encodeQuotedPrintable(bytes)))).toEqual(Array.from(bytes));
      }),
    );
  });

  it('keeps a stray equals sign that is not followed by two hex digits', () => {
    expect(new TextDecoder().decode(decodeQuotedPrintable('a=zz b=4'))).toBe('a=zz b=4');
  });
});

describe('decodeBase64', () => {
  it('round-trips bytes and ignores line breaks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const encoded = Buffer.from(bytes)
          .toString('base64')
          .replace(/(.{76})/g, '$1\n');
        expect(Array.from(decodeBase64(encoded))).toEqual(Array.from(bytes));
      }),
    );
  });
});

describe('decodeCharset', () => {
  it('decodes latin1, windows-1252 and utf-8 and falls back for unknown labels', () => {
    expect(decodeCharset(Uint8Array.of(0xe9), 'ISO-8859-1')).toBe('é');
    expect(decodeCharset(Uint8Array.of(0x80), '"windows-1252"')).toBe('€');
    expect(decodeCharset(Uint8Array.of(0xc3, 0xa9), 'utf-8')).toBe('é');
    expect(decodeCharset(Uint8Array.of(0xc3, 0xa9), 'x-made-up')).toBe('é');
    expect(decodeCharset(Uint8Array.of(0xe9), 'x-made-up')).toBe('é');
  });
});

describe('decodeEncodedWords', () => {
  it('leaves text without encoded-words unchanged', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('=?')),
        (text) => {
          expect(decodeEncodedWords(text)).toBe(text);
        },
      ),
    );
  });

  it('keeps whitespace between an encoded-word and plain text', () => {
    expect(decodeEncodedWords('Re: =?utf-8?q?h=C3=A9llo?= world')).toBe('Re: héllo world');
  });
});

describe('parseStructuredHeader', () => {
  it('lower-cases the value and unquotes parameters', () => {
    expect(parseStructuredHeader('Multipart/Mixed; Boundary="a b\\"c"; charset=utf-8', 'text/plain')).toEqual({
      value: 'multipart/mixed',
      params: { boundary: 'a b"c', charset: 'utf-8' },
    });
    expect(parseStructuredHeader(undefined, 'text/plain')).toEqual({ value: 'text/plain', params: {} });
  });
});

describe('parseEntity', () => {
  it('unfolds continuation lines and collects repeated headers', () => {
    const entity = parseEntity('Received: a\n\tb\nReceived: c\nSubject: s\n\nbody\n\nmore');
    expect(entity.headers.get('received')).toEqual(['a b', 'c']);
    expect(entity.body).toBe('body\n\nmore');
  });

  it('treats a part that does not start with a header as all body', () => {
    expect(parseEntity('hello: no, this is prose\nreally').headers.size).toBe(1);
    expect(parseEntity('just prose\nSubject: x').body).toBe('just prose\nSubject: x');
  });
});

describe('splitMultipart', () => {
  it('returns the parts between boundaries and undefined when there is no boundary', () => {
    expect(splitMultipart('pre\n--b\n\none\n--b \n\ntwo\n--b--\npost', 'b')).toEqual(['\none', '\ntwo']);
    expect(splitMultipart('no parts here', 'b')).toBeUndefined();
  });
});
