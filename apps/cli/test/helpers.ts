import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@glossa/math';
import { type SyntheticRow, syntheticSentiment } from '@glossa/test-data';

/** Absolute path of the built CLI. */
export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');

/** What a run of the binary produced. */
export interface BinRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Throws a clear message when the CLI has not been built. */
export function assertBuilt(): void {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} does not exist: run "pnpm build" in apps/cli (and its dependencies) first.`);
  }
}

/**
 * The environment without the variables npm and pnpm set for the processes they start.
 *
 * @param env - An environment.
 * @returns A copy without `npm_*` and `PNPM_*` entries.
 */
export function withoutPackageManager(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^(npm_|PNPM_|pnpm_)/.test(key)));
}

/** Runs `node dist/bin.js ...args` with optional stdin, returning exit code and output. */
export function runBin(args: readonly string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      // As typed at a shell: not under npm/pnpm (whose variables make hints say "npx glossa"/"pnpm exec glossa").
      env: { ...withoutPackageManager(process.env), NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on('error', () => {
      // the CLI may exit before reading all of stdin
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Uniform numbers in [0, 1) for test data: @glossa/math's seeded generator, the one the project trains with. */
export function seeded(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.next();
}

/** `n` separable sentiment rows ("pos"/"neg", alternating, "pos" first): the workspace's one test-data generator. */
export function sentimentRows(n: number, seed: number): SyntheticRow[] {
  return syntheticSentiment(n, seed, ['neg', 'pos']);
}

/** CSV with a header, quoting every text (so commas and quotes survive). */
export function toCsv(rows: ReadonlyArray<{ text: string; label: string }>): string {
  const quote = (value: string): string => `"${value.replace(/"/g, '""')}"`;
  return `text,label\n${rows.map((row) => `${quote(row.text)},${row.label}`).join('\n')}\n`;
}

/** TSV with a header (texts must not contain tabs or newlines). */
export function toTsv(rows: ReadonlyArray<{ text: string; label: string }>): string {
  return `text\tlabel\n${rows.map((row) => `${row.text}\t${row.label}`).join('\n')}\n`;
}

/** JSONL, one object per line. */
export function toJsonl(rows: ReadonlyArray<object>): string {
  return `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
}

/** Parses JSONL output into objects. */
export function parseJsonl(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
