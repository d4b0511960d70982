/**
 * Child process of kill-during-save.test.ts (bundled with esbuild; imports no tfjs, so it starts fast).
 *
 * argv: <dir|file> <destination> <source> [window]
 * - dir: reads every file of the directory <source> and saves them with saveBundleFiles to <destination>;
 * - file: reads the file <source> and writes it atomically to <destination> (how saveBundle writes `.glossa`).
 * Prints `ready` once loaded, starts the save when a line arrives on stdin (so the parent can spawn children
 * ahead and time the kill from the moment it says go), and prints `done <ms>` after it. With `window`, the
 * process SIGKILLs itself right after the first rename of a directory save: exactly inside the swap window.
 */
import fsp, { readdir, readFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';

const [mode, destination, source, window] = process.argv.slice(2) as [string, string, string, string | undefined];

if (window === 'window') {
  const rename = fsp.rename;
  let renames = 0;
  fsp.rename = async (from, to) => {
    await rename(from, to);
    if (++renames === 1) process.kill(process.pid, 'SIGKILL');
  };
  syncBuiltinESMExports();
}

const { saveBundleFiles } = await import('../src/save-bundle-files.js');
const { writeFileAtomic } = await import('../src/internal/write-file-atomic.js');

const go = (): Promise<void> =>
  new Promise((resolve) => {
    process.stdout.write('ready\n');
    process.stdin.once('data', () => resolve());
  });

if (mode === 'dir') {
  const files: Record<string, Uint8Array> = {};
  for (const name of await readdir(source)) files[name] = new Uint8Array(await readFile(join(source, name)));
  await go();
  const t0 = performance.now();
  await saveBundleFiles(destination, files);
  process.stdout.write(`done ${performance.now() - t0}\n`);
} else {
  const bytes = new Uint8Array(await readFile(source));
  await go();
  const t0 = performance.now();
  await writeFileAtomic(destination, bytes);
  process.stdout.write(`done ${performance.now() - t0}\n`);
}
process.stdin.destroy();
