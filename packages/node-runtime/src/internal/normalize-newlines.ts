import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;

/**
 * A byte stream transform turning CRLF and lone CR into LF. Works on bytes: CR and LF never occur inside
 * multi-byte UTF-8 sequences. A CR at the end of a chunk is held back until the next byte is known.
 * Feeding csv-parse only LF line breaks keeps its line counter exact (it counts the two bytes of a CRLF
 * inside a quoted field as two lines) and lets LF, CRLF and mixed files parse alike.
 */
export class NormalizeNewlines extends Transform {
  private pendingCR = false;

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    const input = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (input.length === 0) {
      callback();
      return;
    }
    const output = Buffer.allocUnsafe(input.length + 1);
    let length = 0;
    let start = 0;
    if (this.pendingCR) {
      this.pendingCR = false;
      output[length++] = LF;
      if (input[0] === LF) start = 1;
    }
    for (let i = start; i < input.length; i++) {
      const byte = input[i]!;
      if (byte !== CR) {
        output[length++] = byte;
        continue;
      }
      if (i + 1 === input.length) {
        this.pendingCR = true;
      } else {
        output[length++] = LF;
        if (input[i + 1] === LF) i++;
      }
    }
    callback(null, output.subarray(0, length));
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.pendingCR ? Buffer.from([LF]) : undefined);
  }
}
