import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadLabeledTexts } from '@glossa/node-runtime';
import type { BenchExample } from '../create-synthetic-dataset.js';
import type { ChildTask, Measurement, Threading } from '../types.js';

/** Seconds since an arbitrary origin, sub-millisecond resolution. */
export function nowSeconds(): number {
  return performance.now() / 1000;
}

/** Peak resident set size of this process in bytes: VmHWM from /proc, else `resourceUsage().maxRSS`. */
export function peakRssBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Total size in bytes of a file or of every file under a directory. */
export async function sizeOnDisk(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOnDisk(join(path, entry));
  return total;
}

/** Reads a `text,label` CSV written by `prepareDataset`. */
export async function readExamples(path: string): Promise<BenchExample[]> {
  return (await loadLabeledTexts(path)).records;
}

/** The median of non-empty `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * How many cores `threads` threads use on a machine with `cores` cores (tfjs-node, `tensorflow`, always
 * uses every core). More threads than cores are still "all cores".
 */
export function threadingOf(backend: string, threads: number | null | undefined, cores: number = availableParallelism()): Threading {
  if (backend === 'tensorflow') return 'all cores';
  if (threads == null || threads <= 1) return 'single-threaded';
  return threads >= cores ? 'all cores' : 'multi-threaded';
}

/** A message for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A measurement with nothing measured yet. */
export function emptyMeasurement(task: ChildTask, trainExamples: number): Measurement {
  return {
    system: task.system,
    architecture: task.architecture,
    backend: task.backend,
    status: 'ok',
    threads: null,
    trainThreads: task.threads,
    threading: threadingOf(task.backend, task.threads),
    kernels: null,
    trainExamples,
    epochs: task.settings.epochs,
    trainSamplesPerSecond: null,
    trainTokensPerSecond: null,
    trainSeconds: null,
    trainBudgeted: false,
    trainBatches: null,
    accuracy: null,
    predictTexts: null,
    predictTextsPerSecond: null,
    predictAllCoresTextsPerSecond: null,
    predictAllCoresThreads: null,
    loadSeconds: null,
    tokenizeTokens: null,
    tokenizeTokensPerSecond: null,
    bundleBytes: null,
    peakRssBytes: null,
    trainPeakRssBytes: null,
    peakRssWithPoolBytes: null,
    wallSeconds: null,
    cpuSeconds: null,
    glossaBuild: null,
  };
}

/** Splits `items` into consecutive chunks of `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A short hash of the built `@glossa/node-runtime` and `@glossa/model-core` entry files this process loads,
 * so a report can tell when packages were rebuilt while it ran. `null` when they cannot be read.
 */
export function glossaBuildHash(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const runtime = require.resolve('@glossa/node-runtime');
    const core = createRequire(runtime).resolve('@glossa/model-core');
    const hash = createHash('sha256');
    for (const file of [runtime, core]) hash.update(readFileSync(file));
    return hash.digest('hex').slice(0, 12);
  } catch {
    return null;
  }
}
