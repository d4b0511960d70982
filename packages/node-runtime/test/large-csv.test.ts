import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { readLabeledTexts } from '../src/read-labeled-texts.js';
import { useTempDir } from './temp-dir.js';

// Expose V8's collector so heap samples measure live memory, not garbage awaiting collection.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const TARGET_BYTES = 50 * 1024 * 1024;

async function writeLargeCsv(path: string): Promise<number> {
  const out = createWriteStream(path);
  out.write('id,text,label\r\n');
  let rows = 0;
  let bytes = 0;
  while (bytes < TARGET_BYTES) {
    const lines: string[] = [];
    for (let i = 0; i < 5_000; i++, rows++) {
      const label = rows % 3 === 0 ? 'positive' : 'negative';
      lines.push(`${rows},"Review ${rows}: the product, as described, was ""fine""\nsecond line",${label}\r\n`);
    }
    const chunk = lines.join('');
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

describe('readLabeledTexts on a 50 MB CSV', () => {
  const tmp = useTempDir();

  it('streams every row while the live heap stays bounded', async () => {
    const path = join(tmp(), 'large.csv');
    const rows = await writeLargeCsv(path);
    expect((await stat(path)).size).toBeGreaterThanOrEqual(TARGET_BYTES);

    collectGarbage();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let positives = 0;
    let lastLine = 0;
    for await (const { text, label, line } of readLabeledTexts(path)) {
      if (label === 'positive') positives++;
      if (count === 0) expect(text).toBe('Review 0: the product, as described, was "fine"\nsecond line');
      lastLine = line;
      count++;
      if (count % 100_000 === 0) {
        collectGarbage();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(count).toBe(rows);
    expect(positives).toBe(Math.ceil(rows / 3));
    expect(lastLine).toBe(2 * rows); // every row spans two lines after the header
    // Holding the file's rows would take well over 100 MB of strings; streaming keeps a few chunks.
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  });
});
