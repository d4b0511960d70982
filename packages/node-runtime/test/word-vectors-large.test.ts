import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWordVectors } from '../src/read-word-vectors.js';
import { useTempDir } from './temp-dir.js';

// A generated fastText .vec file of 64 MB streams through readWordVectors while the resident set grows by
// far less than the file's size: only the requested words' vectors are kept.
const TARGET = 64 * 1024 * 1024;
const DIMENSION = 100;

describe('readWordVectors on a 64 MB file', () => {
  const tmp = useTempDir();

  it('keeps only the requested vectors, in bounded memory', async () => {
    const path = join(tmp(), 'big.vec');
    const values = Array.from({ length: DIMENSION }, (_, i) => (i / DIMENSION - 0.5).toFixed(4)).join(' ');
    const lineBytes = Buffer.byteLength(`w0000000 ${values}\n`);
    const words = Math.ceil(TARGET / lineBytes);
    const out = createWriteStream(path);
    out.write(`${words} ${DIMENSION}\n`);
    for (let start = 0; start < words; start += 2000) {
      let chunk = '';
      for (let i = start; i < Math.min(words, start + 2000); i++) chunk += `w${String(i).padStart(7, '0')} ${values}\n`;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const size = (await stat(path)).size;
    expect(size).toBeGreaterThanOrEqual(TARGET);

    // Every 100th word, and some the file does not hold.
    const tokens: string[] = [];
    for (let i = 0; i < words; i += 100) tokens.push(`w${String(i).padStart(7, '0')}`);
    tokens.push('absent', 'w9999999');

    global.gc?.();
    const before = process.memoryUsage.rss();
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);
    const started = performance.now();
    let result: Awaited<ReturnType<typeof readWordVectors>>;
    try {
      result = await readWordVectors(path, { tokens });
    } finally {
      clearInterval(timer);
    }
    peak = Math.max(peak, process.memoryUsage.rss());
    const seconds = (performance.now() - started) / 1000;

    expect(result.linesRead).toBe(words + 1);
    expect(result.count).toBe(words);
    expect(result.requested).toBe(tokens.length);
    expect(result.covered).toBe(tokens.length - 2);
    expect(result.vectors.get('w0000100')?.[DIMENSION - 1]).toBeCloseTo(0.49, 5);
    // The kept vectors take ~tokens × 400 bytes (≈ 0.6 MB); the rest is garbage the GC reclaims.
    expect(peak - before).toBeLessThan(size / 2);
    expect(seconds).toBeLessThan(30);
  }, 120_000);
});
