import { NEURAL_ARCHITECTURES } from '@glossa/node-runtime';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { BenchError } from './bench-error.js';
import { type BenchDatasetName, REAL_DATASETS } from './prepare-dataset.js';
import type { BenchArchitecture, BenchBackend, StockBudget } from './types.js';

/** Every option of a benchmark run, resolved. */
export interface BenchOptions {
  /** Directory of real data sets; synthetic data when undefined. */
  dataDir?: string;
  /** Real data set to use with `dataDir`. */
  dataset: Exclude<BenchDatasetName, 'synthetic'>;
  /** Architectures to measure. */
  architectures: BenchArchitecture[];
  /** Backends to measure. */
  backends: BenchBackend[];
  /** Epochs every system trains. */
  epochs: number;
  /**
   * Training thread counts, each measured in turn (default `[1]`): Glossa's data-parallel threads
   * (`createTrainingWorkers`, as `glossa train --threads`) and PyTorch's `torch.set_num_threads`.
   */
  threads: number[];
  /** Where results are written. */
  outDir: string;
  /** Quick mode: smaller data, 1 epoch, smaller stock budget. */
  quick: boolean;
  /** Run the Python peers. */
  peers: boolean;
  /** Directory of the peers' `run_all.sh`. */
  peersDir: string;
  /** Peer systems (default: torch for every architecture, fastText with bigrams, TF-IDF + LR). */
  peerSystems?: string[];
  /** Training examples kept (default: all; quick: 4,000 synthetic / 5,000 real). */
  trainSize?: number;
  /** Test examples kept (default: all; quick: 1,000). */
  testSize?: number;
  /** Seed of data, initialisation and shuffling. */
  seed: number;
  /** Measure the stock tfjs path. */
  stock: boolean;
  /** Limits of the stock measurement. */
  stockBudget: StockBudget;
  /** A child process taking longer than this is killed and reported failed. */
  childTimeoutMinutes: number;
  /** Keep the scratch directory (CSVs, bundles, peer logs). */
  keepWork: boolean;
  /**
   * Glossa's LSTM and GRU kernels run their relaxed-SIMD builds (fused multiply-add), as the `glossa` CLI and
   * Chromium run them; `--no-relaxed-simd` measures the plain-SIMD builds.
   */
  relaxedSimd: boolean;
}

/** Defaults that depend on where the harness is installed. */
export interface BenchArgsContext {
  /** Default `--out` (the bench package's `results/`). */
  defaultOutDir: string;
  /** Default `--peers-dir` (`<repo>/../shared/peers`). */
  defaultPeersDir: string;
  /** Whether `@tensorflow/tfjs-node` can be imported (adds `tensorflow` to the default backends). */
  tensorflowAvailable: boolean;
  /** What `--threads all` means. Default: `os.availableParallelism()`. */
  cores?: number;
}

/**
 * The usage text of `pnpm bench` (printed by `--help`).
 *
 * @example
 * ```ts
 * process.stdout.write(BENCH_USAGE);
 * ```
 */
export const BENCH_USAGE = `usage: pnpm bench [options]

  --data <dir>            real data sets directory (e.g. ../shared/data); default: synthetic data
  --dataset <name>        ${REAL_DATASETS.join(' | ')} (default sst2; needs --data)
  --archs <list>          any of lstm,bow,cnn,gru,bilstm,bigru,transformer (default lstm,cnn,bow)
  --backends <list>       wasm,cpu[,tensorflow] (default wasm,cpu, plus tensorflow when @tensorflow/tfjs-node is installed)
  --epochs <n>            epochs for every system (default 2; 1 with --quick)
  --threads <list>        training threads, each measured in turn: Glossa's data-parallel threads and PyTorch's
                          torch.set_num_threads, e.g. 1,2 or 1,all (all = every core; default 1)
  --out <dir>             results directory (default bench/results)
  --quick                 small run: 1 epoch, 4,000/5,000 training and 1,000 test texts, stock budget 15 s
  --train-size <n>        keep n training texts (seeded subset; synthetic: generate n)
  --test-size <n>         keep n test texts
  --seed <n>              seed of data, weights and shuffling (default 42)
  --no-stock              skip the stock tfjs-layers path
  --no-relaxed-simd       Glossa's LSTM/GRU kernels in their plain-SIMD builds (default: relaxed SIMD, fused
                          multiply-add, as the glossa CLI and Chromium run them)
  --stock-budget-s <s>    stock training stops after s seconds of timed batches (default 60; 15 quick; 0 = full)
  --stock-max-batches <n> stock training stops after n batches (default 0 = no limit; 20 quick)
  --stock-predict <n>     texts the stock prediction figure uses (default 1000; 500 quick; 0 = all)
  --peers                 also run ../shared/peers (PyTorch, fastText, scikit-learn) on the same CSVs
  --peers-dir <dir>       directory of run_all.sh (default <repo>/../shared/peers)
  --peer-systems <list>   run_all.sh systems, comma-separated (default torch-<arch>…,fasttext-wng2,sklearn-tfidf-lr)
  --child-timeout-min <m> kill a configuration after m minutes (default 180)
  --keep-work             keep the scratch directory (CSVs, bundles, peer logs)
  --serve                 run the HTTP load test of glossa serve instead (see pnpm bench --serve --help)
  --help                  this text
`;

/** Every neural architecture of model-core's registry can be benchmarked; three by default. */
const ARCHS = NEURAL_ARCHITECTURES as readonly BenchArchitecture[];
const DEFAULT_ARCHS: readonly BenchArchitecture[] = ['lstm', 'cnn', 'bow'];
const BACKENDS: readonly BenchBackend[] = ['wasm', 'cpu', 'tensorflow'];

function fail(message: string): never {
  throw new BenchError('INVALID_ARGUMENT', `pnpm bench: ${message}. Run \`pnpm bench --help\` for the options.`);
}

/** `a, b,,c` → `['a', 'b', 'c']`. */
function splitList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function list<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = splitList(value);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) fail(`${flag} has '${item}', which is not one of ${allowed.join(', ')}`);
  }
  if (items.length === 0) fail(`${flag} is empty`);
  return [...new Set(items)] as T[];
}

function integer(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`${flag} must be an integer ≥ ${min} (got '${value}')`);
  return n;
}

/** `createTrainingWorkers` takes 1 to 256 threads. */
const MAX_THREADS = 256;

/** `--threads 1,2,all`: thread counts (`all` or `auto` = every core), in the order given, without repeats. */
function threadList(value: string, cores: number): number[] {
  const items = splitList(value);
  if (items.length === 0) fail('--threads is empty');
  const counts = items.map((item) => {
    if (item === 'all' || item === 'auto') return cores;
    const n = Number(item);
    if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
      fail(`--threads has '${item}', which is neither an integer from 1 to ${MAX_THREADS} nor all (every core, ${cores} here)`);
    }
    return n;
  });
  return [...new Set(counts)];
}

/**
 * Parses `pnpm bench` arguments (a literal `--` is ignored, as pnpm may pass one through).
 *
 * @param argv - the arguments after the script name
 * @param context - install-dependent defaults
 * @returns the resolved options, or `'help'` for `--help`
 * @throws {@link BenchError} `INVALID_ARGUMENT` for an unknown flag, a missing value or a bad number or name
 * @example
 * ```ts
 * const options = parseBenchArgs(['--quick', '--archs', 'bow'], {
 *   defaultOutDir: 'bench/results', defaultPeersDir: '../shared/peers', tensorflowAvailable: false,
 * });
 * ```
 */
export function parseBenchArgs(argv: readonly string[], context: BenchArgsContext): BenchOptions | 'help' {
  const seen = new Map<string, string | true>();
  const valued = new Set([
    '--data',
    '--dataset',
    '--archs',
    '--backends',
    '--epochs',
    '--threads',
    '--out',
    '--train-size',
    '--test-size',
    '--seed',
    '--stock-budget-s',
    '--stock-max-batches',
    '--stock-predict',
    '--peers-dir',
    '--peer-systems',
    '--child-timeout-min',
  ]);
  const flags = new Set(['--quick', '--peers', '--no-stock', '--no-relaxed-simd', '--keep-work', '--help', '-h']);
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    if (raw === '--') continue;
    const eq = raw.indexOf('=');
    const name = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    if (valued.has(name)) {
      const value = eq > 0 && raw.startsWith('--') ? raw.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') fail(`${name} needs a value`);
      seen.set(name, value);
    } else if (flags.has(name)) {
      seen.set(name, true);
    } else {
      fail(`unknown argument '${raw}'`);
    }
  }
  if (seen.has('--help') || seen.has('-h')) return 'help';
  const str = (flag: string): string | undefined => {
    const v = seen.get(flag);
    return typeof v === 'string' ? v : undefined;
  };
  const quick = seen.has('--quick');
  const dataDir = str('--data');
  const datasetArg = str('--dataset');
  if (datasetArg !== undefined && dataDir === undefined) fail('--dataset needs --data <dir>');
  const dataset = datasetArg === undefined ? 'sst2' : list('--dataset', datasetArg, REAL_DATASETS)[0]!;
  const opt = (flag: string, min: number): number | undefined => {
    const v = str(flag);
    return v === undefined ? undefined : integer(flag, v, min);
  };
  const trainSize = opt('--train-size', 2) ?? (quick ? (dataDir === undefined ? 4000 : 5000) : undefined);
  const testSize = opt('--test-size', 2) ?? (quick ? 1000 : undefined);
  const peerSystems = str('--peer-systems');
  // Paths given on the command line are relative to where the user ran `pnpm bench` (pnpm runs the script
  // in bench/ and passes the original directory as INIT_CWD).
  const base = process.env.INIT_CWD ?? process.cwd();
  return {
    ...(dataDir !== undefined ? { dataDir: resolve(base, dataDir) } : {}),
    dataset,
    architectures: list('--archs', str('--archs') ?? DEFAULT_ARCHS.join(','), ARCHS),
    backends: list('--backends', str('--backends') ?? (context.tensorflowAvailable ? 'tensorflow,wasm,cpu' : 'wasm,cpu'), BACKENDS),
    epochs: opt('--epochs', 1) ?? (quick ? 1 : 2),
    threads: threadList(str('--threads') ?? '1', context.cores ?? availableParallelism()),
    outDir: resolve(base, str('--out') ?? context.defaultOutDir),
    quick,
    peers: seen.has('--peers'),
    peersDir: resolve(base, str('--peers-dir') ?? context.defaultPeersDir),
    ...(peerSystems !== undefined ? { peerSystems: splitList(peerSystems) } : {}),
    ...(trainSize !== undefined ? { trainSize } : {}),
    ...(testSize !== undefined ? { testSize } : {}),
    seed: opt('--seed', 0) ?? 42,
    stock: !seen.has('--no-stock'),
    stockBudget: {
      trainSeconds: opt('--stock-budget-s', 0) ?? (quick ? 15 : 60),
      maxBatches: opt('--stock-max-batches', 0) ?? (quick ? 20 : 0),
      predictTexts: opt('--stock-predict', 0) ?? (quick ? 500 : 1000),
    },
    childTimeoutMinutes: opt('--child-timeout-min', 1) ?? 180,
    keepWork: seen.has('--keep-work'),
    relaxedSimd: !seen.has('--no-relaxed-simd'),
  };
}
