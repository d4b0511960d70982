import { describe, expect, it } from 'vitest';
import { legacyEncoder } from '../test/helpers/encode-legacy.js';
import { suggestEncodings, wholeLines } from './detect-encoding.js';

const SAMPLES: Array<[string, string]> = [
  ['windows-1252', 'text,label\nun café très agréable,positif\nle serveur était désagréable,négatif\nnaïve mais sympa,positif\n'],
  ['gb18030', 'text,label\n酒店的服务很好，房间也干净,正面\n质量太差了，非常失望,负面\n我们还会再来的,正面\n'],
  ['big5', 'text,label\n這個酒店的服務很好，房間也乾淨,正面\n質量太差了，非常失望,負面\n我們還會再來的,正面\n'],
  ['shift_jis', 'text,label\nこのホテルはとても良かったです,肯定\nサービスが悪くて残念でした,否定\n'],
  ['euc-kr', 'text,label\n이 호텔은 정말 좋았습니다,긍정\n서비스가 너무 나빠서 실망했어요,부정\n'],
];

describe('suggestEncodings', () => {
  it('puts the encoding a file was written in first', () => {
    for (const [encoding, text] of SAMPLES) {
      const bytes = legacyEncoder(encoding)(text);
      expect(suggestEncodings(bytes)[0], encoding).toBe(encoding);
      // The same when the encoding that just failed is excluded: the suggestion never names it.
      expect(suggestEncodings(bytes, ['utf-8'])[0], encoding).toBe(encoding);
      expect(suggestEncodings(bytes, [encoding]), encoding).not.toContain(encoding);
    }
  });

  it('suggests UTF-8 for UTF-8 text read in another encoding, and UTF-16 for NUL-interleaved bytes', () => {
    expect(suggestEncodings(new TextEncoder().encode('text,label\n中文,正面\ncafé,pos\n'), ['gb18030'])).toEqual(['utf-8']);
    const le = Uint8Array.from(Array.from('text,label\nhello,pos\n', (c) => [c.charCodeAt(0), 0]).flat());
    expect(suggestEncodings(le)).toEqual(['utf-16le']);
    expect(suggestEncodings(Uint8Array.from(Array.from('text,label\nhi,pos\n', (c) => [0, c.charCodeAt(0)]).flat()))).toEqual(['utf-16be']);
  });

  it('suggests nothing for plain ASCII', () => {
    expect(suggestEncodings(new TextEncoder().encode('text,label\nhello,pos\n'))).toEqual([]);
  });
});

describe('wholeLines', () => {
  it('cuts a slice from inside a file to its whole lines', () => {
    const bytes = new TextEncoder().encode('tail of a line\nline two\nline three\nhead of');
    expect(new TextDecoder().decode(wholeLines(bytes, false, false))).toBe('line two\nline three\n');
    expect(new TextDecoder().decode(wholeLines(bytes, true, true))).toBe('tail of a line\nline two\nline three\nhead of');
    expect(new TextDecoder().decode(wholeLines(bytes, true, false))).toBe('tail of a line\nline two\nline three\n');
  });
});
