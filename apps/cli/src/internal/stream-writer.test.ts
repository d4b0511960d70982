import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStreamWriter } from './stream-writer.js';

describe('createStreamWriter', () => {
  it('waits for drain when the buffer is full and keeps every byte in order', async () => {
    const received: string[] = [];
    let maxBuffered = 0;
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _encoding, done) {
        received.push(chunk.toString());
        setImmediate(done);
      },
    });
    const writer = createStreamWriter(slow);
    for (let i = 0; i < 50; i++) {
      expect(await writer.write(`line ${i} with some padding\n`)).toBe(true);
      maxBuffered = Math.max(maxBuffered, slow.writableLength);
    }
    await new Promise<void>((resolve) => slow.end(resolve));
    expect(received.join('')).toBe(Array.from({ length: 50 }, (_, i) => `line ${i} with some padding\n`).join(''));
    // Never more than one pending chunk: the writer waited for 'drain' each time.
    expect(maxBuffered).toBeLessThanOrEqual(32);
    writer.dispose();
  });

  it('reports a reader that went away (EPIPE) as closed instead of failing', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, done) {
        const error: NodeJS.ErrnoException = new Error('write EPIPE');
        error.code = 'EPIPE';
        done(error);
      },
    });
    const writer = createStreamWriter(broken);
    await writer.write('first\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writer.closed).toBe(true);
    expect(await writer.write('second\n')).toBe(false);
    writer.dispose();
  });

  it('rejects on other stream errors', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error('disk full'));
      },
    });
    const writer = createStreamWriter(failing);
    const writeTwice = async (): Promise<void> => {
      await writer.write('first\n');
      await new Promise((resolve) => setImmediate(resolve));
      await writer.write('second\n');
    };
    await expect(writeTwice()).rejects.toThrow('disk full');
    expect(writer.closed).toBe(true);
  });
});
