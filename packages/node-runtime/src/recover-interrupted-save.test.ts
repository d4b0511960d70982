import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import { readBundleFiles } from './load-bundle.js';
import { loadBundleFiles } from './load-bundle-files.js';
import { recoverInterruptedSave } from './recover-interrupted-save.js';
import { saveBundleFiles } from './save-bundle-files.js';
import { PACKED_BUNDLE_EXTENSION } from './save-bundle.js';

/** The pid of a process that has exited (and been reaped). */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid!));
  });
}

async function fakeBundle(dir: string, version: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'manifest.json'), `{"version":"${version}"}`);
}

describe('recoverInterruptedSave', () => {
  const tmp = useTempDir();

  it('puts back the previous bundle a save killed between its two renames left aside', async () => {
    const pid = await deadPid();
    await fakeBundle(join(tmp(), `model.old-${pid}-0a1b2c`), 'old');
    await fakeBundle(join(tmp(), `model.tmp-${pid}-3d4e5f`), 'new');
    const result = await recoverInterruptedSave(join(tmp(), 'model'));
    expect(result.restored).toBe(join(tmp(), `model.old-${pid}-0a1b2c`));
    expect(result.removed).toEqual([join(tmp(), `model.tmp-${pid}-3d4e5f`)]);
    expect(await readdir(tmp())).toEqual(['model']);
    expect(await readFile(join(tmp(), 'model', 'manifest.json'), 'utf8')).toBe('{"version":"old"}');
  });

  it('recovers an aside copy with an old-style name (no pid)', async () => {
    await fakeBundle(join(tmp(), 'model.old-0a1b2c3d4e5f'), 'old');
    expect((await recoverInterruptedSave(join(tmp(), 'model'))).restored).toBeDefined();
    expect(await loadBundleFiles(join(tmp(), 'model'))).toEqual({ 'manifest.json': new TextEncoder().encode('{"version":"old"}') });
  });

  it('removes leftovers of dead processes next to an intact bundle, and packed-file temporaries', async () => {
    const pid = await deadPid();
    await fakeBundle(join(tmp(), 'model'), 'current');
    await fakeBundle(join(tmp(), `model.old-${pid}-aa`), 'older');
    await fakeBundle(join(tmp(), `model.tmp-${pid}-bb`), 'partial');
    await writeFile(join(tmp(), 'model.glossa'), 'packed');
    await writeFile(join(tmp(), `.model.glossa.tmp-${pid}-cc`), 'partial');
    const result = await recoverInterruptedSave(join(tmp(), 'model'));
    expect(result.restored).toBeUndefined();
    expect(result.removed.sort()).toEqual([join(tmp(), `model.old-${pid}-aa`), join(tmp(), `model.tmp-${pid}-bb`)]);
    await recoverInterruptedSave(join(tmp(), `model${PACKED_BUNDLE_EXTENSION}`));
    expect((await readdir(tmp())).sort()).toEqual(['model', 'model.glossa']);
  });

  it('leaves the entries of a save still running in a live process alone', async () => {
    await fakeBundle(join(tmp(), `model.old-${process.pid}-aa`), 'aside');
    await fakeBundle(join(tmp(), `model.tmp-${process.pid}-bb`), 'writing');
    await fakeBundle(join(tmp(), `model.tmp-${process.ppid}-cc`), 'writing');
    const result = await recoverInterruptedSave(join(tmp(), 'model'));
    expect(result).toEqual({ restored: undefined, removed: [] });
    expect((await readdir(tmp())).sort()).toEqual([`model.old-${process.pid}-aa`, `model.tmp-${process.pid}-bb`, `model.tmp-${process.ppid}-cc`].sort());
  });

  it('restores a copy of a live pid once it is older than any swap could take (the pid was reused)', async () => {
    const aside = join(tmp(), `model.old-${process.ppid}-aa`);
    await fakeBundle(aside, 'old');
    // ctime cannot be set back; the recovery clock is moved forward instead.
    const { recoverLeftovers } = await import('./internal/save-leftovers.js');
    expect((await recoverLeftovers(join(tmp(), 'model'), Date.now())).restored).toBeUndefined();
    expect((await recoverLeftovers(join(tmp(), 'model'), Date.now() + 60_000)).restored).toBe(aside);
    expect(await readdir(tmp())).toEqual(['model']);
  });

  it('is what the next save runs first: a killed save never loses the bundle', async () => {
    const pid = await deadPid();
    await fakeBundle(join(tmp(), `model.old-${pid}-aa`), 'old');
    await saveBundleFiles(join(tmp(), 'model'), { 'manifest.json': new TextEncoder().encode('{"version":"new"}') });
    expect(await readdir(tmp())).toEqual(['model']);
    expect(await readFile(join(tmp(), 'model', 'manifest.json'), 'utf8')).toBe('{"version":"new"}');
  });

  it('waits for a live save that is between its two renames instead of reporting the bundle missing', async () => {
    const aside = join(tmp(), `model.old-${process.pid}-aa`);
    await fakeBundle(aside, 'old');
    await fakeBundle(join(tmp(), `model.tmp-${process.pid}-bb`), 'new');
    // The "save" finishes 100 ms later.
    const finishing = new Promise<void>((resolve) => {
      setTimeout(() => {
        void rename(join(tmp(), `model.tmp-${process.pid}-bb`), join(tmp(), 'model')).then(() => resolve());
      }, 100);
    });
    const started = performance.now();
    expect(await recoverInterruptedSave(join(tmp(), 'model'))).toEqual({ restored: undefined, removed: [] });
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    await finishing;
    expect(await readFile(join(tmp(), 'model', 'manifest.json'), 'utf8')).toBe('{"version":"new"}');
  });

  it('lets readBundleFiles load the bundle a killed save left aside', async () => {
    const pid = await deadPid();
    await fakeBundle(join(tmp(), `model.old-${pid}-aa`), 'old');
    expect(await readBundleFiles(join(tmp(), 'model'))).toEqual({ 'manifest.json': new TextEncoder().encode('{"version":"old"}') });
    expect(await readdir(tmp())).toEqual(['model']);
  });

  it('does nothing when there is nothing to repair, even when the parent directory is missing', async () => {
    expect(await recoverInterruptedSave(join(tmp(), 'missing', 'model'))).toEqual({ restored: undefined, removed: [] });
  });
});
