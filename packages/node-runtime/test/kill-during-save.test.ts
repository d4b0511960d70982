import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@glossa/math';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BundleFiles,
  createTextClassifier,
  deserializeBundle,
  initBackend,
  packBundle,
  readBundleFiles,
  saveBundleFiles,
  serializeBundle,
} from '../src/index.js';
import { useTempDir } from './temp-dir.js';

// A child process saves bundle B over bundle A and is SIGKILLed at a seeded random moment spread over the
// whole save; afterwards the destination must load (readBundleFiles, as loadBundle does) as exactly A or
// exactly B (bytes, and scores on a sample), and, after the repair that load runs first, no temporary
// entries may remain.

const here = dirname(fileURLToPath(import.meta.url));
const TRIALS_PER_FORM = Number(process.env.GLOSSA_KILL_TRIALS ?? 110);
const WINDOW_TRIALS = 10;
const texts = ['a great film', 'dull and poor', '', 'fun 🎬'];

interface Bundle {
  files: BundleFiles;
  packed: Uint8Array;
  scores: number[];
}

const tempDir = useTempDir();
let childScript = '';
let scratch = '';
let a: Bundle;
let b: Bundle;
const measured: Record<string, { old: number; new: number; missingBeforeRecovery: number; trials: number }> = {};

async function makeBundle(seed: number): Promise<Bundle> {
  const clf = createTextClassifier({ architecture: 'bow', embeddingDim: 8, vocabSize: 100 });
  const data = Array.from({ length: 60 }, (_, i) => ({ text: `${i % 2 ? 'great fun' : 'dull poor'} ${i}`, label: i % 2 ? 'pos' : 'neg' }));
  await clf.fit(data, { epochs: 1, seed, validationSplit: 0 });
  const files = await serializeBundle(clf);
  const scores = Array.from(await clf.predictProbabilities(texts));
  clf.dispose();
  return { files, packed: packBundle(files), scores };
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  [a, b] = [await makeBundle(1), await makeBundle(2)];
  expect(a.files['weights.bin']).not.toEqual(b.files['weights.bin']);
  // Bundle the child (fs code only, no tfjs) so each of the hundreds of processes starts in ~50 ms.
  const requireHere = createRequire(import.meta.url);
  const esbuildPath = createRequire(requireHere.resolve('tsup')).resolve('esbuild');
  const esbuild = (await import(esbuildPath)) as {
    build(options: Record<string, unknown>): Promise<unknown>;
  };
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  scratch = await mkdtemp(join(tmpdir(), 'glossa-kill-'));
  childScript = join(scratch, 'kill-save-child.mjs');
  await esbuild.build({
    entryPoints: [join(here, 'kill-save-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: childScript,
    logLevel: 'error',
  });
  // Sources of the new bundle for the child.
  await mkdir(join(scratch, 'b'));
  for (const [name, bytes] of Object.entries(b.files)) await writeFile(join(scratch, 'b', name), bytes);
  await writeFile(join(scratch, 'b.glossa'), b.packed);
}, 120_000);

afterAll(async () => {
  const { rm } = await import('node:fs/promises');
  if (scratch) await rm(scratch, { recursive: true, force: true });
  // The measured counts, for the report.
  process.stderr.write(`kill-during-save: ${JSON.stringify(measured)}\n`);
});

interface ChildRun {
  child: ChildProcessWithoutNullStreams;
  /** Resolves when the child has loaded and waits for `go`. */
  ready: Promise<void>;
  /** Resolves with the time (performance.now()) the child reported `done`. */
  done: Promise<number>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>;
  go(): number;
}

function startChild(args: string[]): ChildRun {
  const child = spawn(process.execPath, [childScript, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  let markDone: (at: number) => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const done = new Promise<number>((resolve) => {
    markDone = resolve;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('ready\n')) markReady();
    if (stdout.includes('done ')) markDone(performance.now());
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.on('error', () => undefined); // killed before reading
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      markReady();
      markDone(Number.NaN);
      if (code !== null && code !== 0) reject(new Error(`child failed (${code}): ${stderr}`));
      resolve({ code, signal, stdout });
    });
  });
  return {
    child,
    ready,
    done,
    exit,
    go: () => {
      child.stdin.write('go\n');
      return performance.now();
    },
  };
}

/** Children spawned ahead of use, so their start-up overlaps the previous trial. */
function childPool(args: string[], ahead = 2): { next(): ChildRun; drain(): Promise<void> } {
  const queue: ChildRun[] = [];
  const fill = (): void => {
    while (queue.length < ahead) queue.push(startChild(args));
  };
  return {
    next() {
      fill();
      const run = queue.shift()!;
      fill();
      return run;
    },
    async drain() {
      for (const run of queue.splice(0)) {
        run.child.kill('SIGKILL');
        await run.exit.catch(() => undefined);
      }
    },
  };
}

/** Waits `ms` with sub-millisecond precision (timers are too coarse for a save that takes a few ms). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy wait
  }
}

async function reset(form: 'dir' | 'file', destination: string): Promise<void> {
  if (form === 'dir') await saveBundleFiles(destination, a.files);
  else await writeFile(destination, a.packed);
}

/** Median time from `go` to `done` as the parent sees it. */
async function saveDuration(form: 'dir' | 'file', destination: string, pool: ReturnType<typeof childPool>): Promise<number> {
  const durations: number[] = [];
  for (let i = 0; i < 5; i++) {
    await reset(form, destination);
    const run = pool.next();
    await run.ready;
    const start = run.go();
    durations.push((await run.done) - start);
    await run.exit;
  }
  return durations.sort((x, y) => x - y)[2]!;
}

function sameFiles(x: BundleFiles, y: BundleFiles): boolean {
  const keys = Object.keys(x).sort();
  if (keys.join() !== Object.keys(y).sort().join()) return false;
  return keys.every((k) => Buffer.from(x[k]!).equals(Buffer.from(y[k]!)));
}

async function check(form: 'dir' | 'file', destination: string, withScores: boolean): Promise<'old' | 'new'> {
  // What a user loading the bundle gets (readBundleFiles is loadBundle without building the model; it
  // repairs an interrupted save first).
  const files = await readBundleFiles(destination);
  const which = sameFiles(files, a.files) ? 'old' : sameFiles(files, b.files) ? 'new' : undefined;
  expect(which, 'the destination is exactly the old or the new bundle').toBeDefined();
  if (withScores) {
    const clf = await deserializeBundle(files);
    expect(Array.from(await clf.predictProbabilities(texts))).toEqual(which === 'old' ? a.scores : b.scores);
    clf.dispose();
  }
  // Leftovers of the killed process are gone.
  expect(await readdir(dirname(destination))).toEqual([form === 'dir' ? 'model' : 'model.glossa']);
  return which!;
}

describe('saving under SIGKILL', () => {
  for (const form of ['dir', 'file'] as const) {
    it(`leaves exactly the old or the new ${form === 'dir' ? 'bundle directory' : '.glossa file'} over ${TRIALS_PER_FORM} kills at random moments`, async () => {
      const parent = join(tempDir(), form);
      await mkdir(parent);
      const destination = join(parent, form === 'dir' ? 'model' : 'model.glossa');
      const pool = childPool([form, destination, join(scratch, form === 'dir' ? 'b' : 'b.glossa')]);
      try {
        const duration = await saveDuration(form, destination, pool);
        const rng = createRng(form === 'dir' ? 20_251 : 20_252);
        const counts = { old: 0, new: 0, missingBeforeRecovery: 0, trials: 0, medianSaveMs: Math.round(duration * 100) / 100 };
        let current: 'old' | 'new' = 'new'; // the calibration runs saved B
        for (let trial = 0; trial < TRIALS_PER_FORM; trial++) {
          if (current === 'new') await reset(form, destination);
          const run = pool.next();
          await run.ready;
          const start = run.go();
          // Seeded delays spread uniformly over twice the median save: the whole save even when one runs
          // slower than the median (a busy disk), and after it.
          spin(start + rng.next() * duration * 2 - performance.now());
          run.child.kill('SIGKILL');
          await run.exit;
          if (!(await readdir(parent)).includes(form === 'dir' ? 'model' : 'model.glossa')) counts.missingBeforeRecovery++;
          current = await check(form, destination, trial % 20 === 0);
          counts[current]++;
          counts.trials++;
        }
        measured[form] = counts;
        // The delays cover the save: both outcomes occur.
        expect(counts.old).toBeGreaterThan(0);
        expect(counts.new).toBeGreaterThan(0);
      } finally {
        await pool.drain();
      }
    }, 120_000);
  }

  it('recovers the previous bundle when the kill lands exactly between the two renames of a directory save', async () => {
    const destination = join(tempDir(), 'model');
    const counts = { old: 0, new: 0, missingBeforeRecovery: 0, trials: 0 };
    for (let trial = 0; trial < WINDOW_TRIALS; trial++) {
      await reset('dir', destination);
      const run = startChild(['dir', destination, join(scratch, 'b'), 'window']);
      await run.ready;
      run.go();
      const { signal } = await run.exit;
      expect(signal).toBe('SIGKILL');
      const names = await readdir(tempDir());
      expect(names).not.toContain('model');
      expect(names.some((n) => n.startsWith('model.old-'))).toBe(true);
      counts.missingBeforeRecovery++;
      counts[await check('dir', destination, trial === 0)]++;
      counts.trials++;
    }
    measured.window = counts;
    expect(counts.old).toBe(WINDOW_TRIALS);
  }, 60_000);
});
