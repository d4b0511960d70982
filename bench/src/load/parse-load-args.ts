import { resolve } from 'node:path';
import { BenchError } from '../bench-error.js';

/** Every option of a `pnpm bench --serve` run, resolved. */
export interface LoadOptions {
  /** Concurrent clients of each level, in order. */
  connections: number[];
  /** Measured seconds per level. */
  durationSeconds: number;
  /** Unmeasured seconds at the first level before measuring. */
  warmupSeconds: number;
  /** Serve this bundle instead of training the default model. */
  bundle?: string;
  /** Synthetic training texts for the default model. */
  trainSize: number;
  /** Epochs of the default model. */
  epochs: number;
  /** Seed of data and training. */
  seed: number;
  /** Where results are written. */
  outDir: string;
  /** Extra `glossa serve` options, e.g. `['--batch-delay-ms', '2']`. */
  serveArgs: string[];
}

/**
 * The usage text of `pnpm bench --serve` (printed by `--serve --help`).
 *
 * @example
 * ```ts
 * process.stdout.write(LOAD_USAGE);
 * ```
 */
export const LOAD_USAGE = `usage: pnpm bench --serve [options]     (also: pnpm --filter @glossa/bench load [options])

HTTP load test of \`glossa serve\`: trains (or reuses) the LSTM at its defaults (createTextClassifier({ architecture: 'lstm' })
defaults) on synthetic data, starts the built CLI's server in a child process on 127.0.0.1, and drives
POST /v1/predict with single short texts from autocannon at each client count.

  --connections <list>    concurrent clients per level (default 1,16,64)
  --duration <s>          measured seconds per level (default 15; 60 for the memory-flat run)
  --warmup <s>            unmeasured seconds before the first level (default 3)
  --bundle <path>         serve this bundle instead of the default model
  --train-size <n>        synthetic training texts of the default model (default 4000)
  --epochs <n>            epochs of the default model (default 1)
  --seed <n>              seed (default 42)
  --out <dir>             results directory (default bench/results)
  --batch-max-texts <n>   passed to glossa serve
  --batch-delay-ms <ms>   passed to glossa serve
  --backend <name>        passed to glossa serve (auto, wasm, cpu, tensorflow)
  --log-level <level>     passed to glossa serve (default info: one JSON line per request, discarded)
  --help                  this text
`;

function fail(message: string): never {
  throw new BenchError('INVALID_ARGUMENT', `pnpm bench --serve: ${message}. Run \`pnpm bench --serve --help\` for the options.`);
}

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    fail(`${flag} must be an integer from ${min} to ${max} (got '${value}')`);
  }
  return n;
}

/**
 * Parses the arguments of `pnpm bench --serve` (the `--serve` flag itself and a literal `--` are ignored).
 *
 * @param argv - the arguments after the script name
 * @param defaultOutDir - default `--out`
 * @returns the resolved options, or `'help'` for `--help`
 * @throws {@link BenchError} `INVALID_ARGUMENT` for an unknown flag, a missing value or a number out of range
 * @example
 * ```ts
 * const options = parseLoadArgs(['--serve', '--duration', '60', '--connections', '16'], 'bench/results');
 * ```
 */
export function parseLoadArgs(argv: readonly string[], defaultOutDir: string): LoadOptions | 'help' {
  const valued = new Set([
    '--connections',
    '--duration',
    '--warmup',
    '--bundle',
    '--train-size',
    '--epochs',
    '--seed',
    '--out',
    '--batch-max-texts',
    '--batch-delay-ms',
    '--backend',
    '--log-level',
  ]);
  const seen = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    if (raw === '--' || raw === '--serve') continue;
    if (raw === '--help' || raw === '-h') return 'help';
    const eq = raw.indexOf('=');
    const name = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    if (!valued.has(name)) fail(`unknown argument '${raw}'`);
    const value = eq > 0 && raw.startsWith('--') ? raw.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') fail(`${name} needs a value`);
    seen.set(name, value);
  }
  const connectionsText = seen.get('--connections') ?? '1,16,64';
  const connections = connectionsText.split(',').map((part) => integer('--connections', part.trim(), 1, 1024));
  const serveArgs: string[] = [];
  for (const flag of ['--batch-max-texts', '--batch-delay-ms', '--backend', '--log-level']) {
    const value = seen.get(flag);
    if (value !== undefined) serveArgs.push(flag, value);
  }
  if (!seen.has('--log-level')) serveArgs.push('--log-level', 'info');
  const bundle = seen.get('--bundle');
  const number = (flag: string, fallback: number, min: number, max: number): number => {
    const value = seen.get(flag);
    return value === undefined ? fallback : integer(flag, value, min, max);
  };
  return {
    connections,
    durationSeconds: number('--duration', 15, 1, 3600),
    warmupSeconds: number('--warmup', 3, 0, 600),
    ...(bundle !== undefined ? { bundle: resolve(bundle) } : {}),
    trainSize: number('--train-size', 4000, 20, 1_000_000),
    epochs: number('--epochs', 1, 1, 100),
    seed: number('--seed', 42, 0, 2 ** 31 - 1),
    outDir: resolve(seen.get('--out') ?? defaultOutDir),
    serveArgs,
  };
}
