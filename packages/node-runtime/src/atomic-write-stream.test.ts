import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAtomicWriteStream } from './atomic-write-stream.js';

describe('openAtomicWriteStream', () => {
  it('the target appears only on commit, whole; the old file stays until then', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'glossa-atomic-'));
    const target = join(dir, 'scores.jsonl');
    writeFileSync(target, 'old\n');
    const out = await openAtomicWriteStream(target);
    for (let i = 0; i < 10_000; i++) out.stream.write(`{"line":${i}}\n`);
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    await out.commit();
    const lines = readFileSync(target, 'utf8').split('\n');
    expect(lines).toHaveLength(10_001);
    expect(lines[9_999]).toBe('{"line":9999}');
    expect(readdirSync(dir)).toEqual(['scores.jsonl']);
  });

  it('abort leaves the target untouched and no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'glossa-atomic-'));
    const target = join(dir, 'nested', 'out.csv');
    const out = await openAtomicWriteStream(target);
    out.stream.write('half');
    await out.abort();
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(join(dir, 'nested'))).toEqual([]);
  });
});
