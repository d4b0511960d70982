import { Transform, type TransformCallback } from 'node:stream';
import { resolveEncoding, unknownEncodingMessage } from '@glossa/model-core';
import { NodeRuntimeError } from '../errors.js';

/**
 * The WHATWG name of an encoding label (`gbk`, `GB18030`, `big5`, `shift_jis`, `latin1`…), or a clear
 * `INVALID_OPTION` error naming common ones.
 *
 * @param where - The caller, for the message.
 * @param label - The label given.
 * @returns The encoding's canonical name (`utf-8` for UTF-8).
 */
export function encodingName(where: string, label: string): string {
  const name = resolveEncoding(label);
  if (name === undefined) throw new NodeRuntimeError('INVALID_OPTION', unknownEncodingMessage(where, label));
  return name;
}

/** A byte UTF-8 never contains: marks, in the transcoded stream, a sequence the source encoding could not decode. */
const UNDECODABLE = Buffer.from([0xff]);

/**
 * Re-encodes a byte stream from a legacy encoding to UTF-8 as it streams (`TextDecoder` in streaming mode,
 * so a character split across chunks is decoded whole), for the readers that work on UTF-8 bytes. A byte
 * sequence the encoding cannot decode becomes the byte 0xFF — invalid UTF-8 — so the readers report it at
 * its line and column like any other bad byte. (A genuine U+FFFD in the source is reported the same way:
 * it never occurs in real exports.)
 */
export class Transcode extends Transform {
  private readonly decoder: InstanceType<typeof TextDecoder>;

  constructor(encoding: string) {
    super();
    this.decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.push(toUtf8(this.decoder.decode(chunk, { stream: true })));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.push(toUtf8(this.decoder.decode()));
    callback();
  }
}

function toUtf8(text: string): Buffer {
  if (!text.includes('\uFFFD')) return Buffer.from(text, 'utf8');
  const parts = text.split('\uFFFD');
  const out: Buffer[] = [];
  parts.forEach((part, i) => {
    if (i > 0) out.push(UNDECODABLE);
    out.push(Buffer.from(part, 'utf8'));
  });
  return Buffer.concat(out);
}
