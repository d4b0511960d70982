/**
 * An encoder for a legacy encoding (windows-1252, gb18030, big5, shift_jis, euc-kr…), made by inverting the
 * platform's own `TextDecoder` over every one- and two-byte sequence, so the bytes are exactly what a
 * decoder reads back. Node has no encoder for these; tests use this to write real legacy files.
 *
 * @param encoding - A WHATWG encoding label.
 * @returns A function encoding text, throwing on a character the encoding cannot represent in one or two bytes.
 * @example
 * ```ts
 * const gbk = legacyEncoder('gbk');
 * gbk('中文'); // Uint8Array [0xd6, 0xd0, 0xce, 0xc4]
 * ```
 */
export function legacyEncoder(encoding: string): (text: string) => Uint8Array {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder(encoding, { fatal: true });
  const learn = (bytes: number[]): void => {
    try {
      const char = decoder.decode(Uint8Array.from(bytes));
      if (Array.from(char).length === 1 && !table.has(char)) table.set(char, bytes);
    } catch {
      // not a character in this encoding
    }
  };
  for (let a = 0; a < 0x100; a++) learn([a]);
  for (let a = 0x81; a < 0xff; a++) for (let b = 0x40; b < 0xff; b++) learn([a, b]);
  return (text) =>
    Uint8Array.from(
      Array.from(text).flatMap((char) => {
        const bytes = table.get(char);
        if (bytes === undefined) throw new Error(`legacyEncoder: ${encoding} cannot encode "${char}".`);
        return bytes;
      }),
    );
}
