import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundleFiles, saveBundleFiles } from '../src/index.js';
import { useTempDir } from './temp-dir.js';

const tempDir = useTempDir();

/** A bundle-shaped set of files whose every byte says which version it belongs to. */
function version(tag: number): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const name of ['manifest.json', 'preprocessing.json', 'model.json', 'weights.bin']) files[name] = new Uint8Array(20_000).fill(tag);
  return files;
}

describe('loadBundleFiles during saves', () => {
  it('never returns files of two different saves while another save replaces the directory', async () => {
    const dir = join(tempDir(), 'model');
    await saveBundleFiles(dir, version(1));
    let saving = true;
    const saver = (async () => {
      for (let i = 0; i < 150; i++) await saveBundleFiles(dir, version(1 + (i % 200)));
      saving = false;
    })();
    let loads = 0;
    const seen = new Set<number>();
    while (saving) {
      let files: Record<string, Uint8Array>;
      try {
        files = await loadBundleFiles(dir);
      } catch (error) {
        // Only the documented outcome of a reader that keeps losing the race may be thrown.
        expect(String(error)).toMatch(/kept changing while it was read/);
        continue;
      }
      const tags = new Set(Object.values(files).map((bytes) => bytes[0]));
      expect(Object.keys(files).sort()).toEqual(['manifest.json', 'model.json', 'preprocessing.json', 'weights.bin']);
      expect(tags.size, `one load mixed versions ${[...tags].join(', ')}`).toBe(1);
      for (const bytes of Object.values(files)) expect(bytes.every((b) => b === bytes[0])).toBe(true);
      seen.add([...tags][0]!);
      loads++;
    }
    await saver;
    expect(loads).toBeGreaterThan(10);
    expect(seen.size).toBeGreaterThan(2); // the loads really ran while versions changed
  }, 60_000);
});
