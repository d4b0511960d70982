import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { threadingOf } from './internal/child-utils.js';
import { type BenchArchitecture, type PeerMeasurement, TORCH_ARCHITECTURES } from './types.js';

/**
 * The Python interpreter the peers need (Debian's, with python3-torch, python3-sklearn, python3-fasttext).
 *
 * @example
 * ```ts
 * console.log(PEER_PYTHON); // "/usr/bin/python3"
 * ```
 */
export const PEER_PYTHON = '/usr/bin/python3';

/**
 * Peer systems run by default: PyTorch's LSTM, fastText with word bigrams and TF-IDF + logistic regression,
 * plus PyTorch's version of every other benchmarked architecture (for the Glossa ÷ PyTorch ratios).
 *
 * @param architectures - the benchmarked architectures
 * @returns `run_all.sh --systems` names, without duplicates
 * @throws never
 * @example
 * ```ts
 * defaultPeerSystems(['lstm', 'bow']); // ['torch-lstm', 'torch-bow', 'fasttext-wng2', 'sklearn-tfidf-lr']
 * ```
 */
export function defaultPeerSystems(architectures: readonly BenchArchitecture[]): string[] {
  const torch = ['lstm', ...architectures.filter((a) => a !== 'lstm' && TORCH_ARCHITECTURES.includes(a))].map((a) => `torch-${a}`);
  return [...new Set([...torch, 'fasttext-wng2', 'sklearn-tfidf-lr'])];
}

/** Options of {@link runPeers}. */
export interface RunPeersOptions {
  /** Directory holding `run_all.sh` (`<repo>/../shared/peers`). */
  peersDir: string;
  /** Training CSV. */
  trainPath: string;
  /** Test CSV. */
  testPath: string;
  /** Epochs for the torch models. */
  epochs: number;
  /** `run_all.sh --threads`: `torch.set_num_threads` of the torch models (fastText and scikit-learn keep their own). */
  threads: number;
  /** Seed of every peer (initialisation, shuffling). */
  seed: number;
  /** Peer systems (names `run_all.sh --systems` accepts). */
  systems: readonly string[];
  /** Where `run_all.sh` writes its per-system JSON and logs. */
  outDir: string;
  /** Split Chinese text into characters (`--cjk-split`). */
  cjk: boolean;
  /** Progress lines. */
  log: (line: string) => void;
}

/** What {@link runPeers} measured, or why it did not run. */
export interface PeerRun {
  /** One entry per system asked for. */
  peers: PeerMeasurement[];
  /** Why nothing ran (no torch, no peers directory). */
  skipped?: string;
}

/**
 * Whether the peers can run here: `/usr/bin/python3 -c 'import torch'` succeeds and `run_all.sh` exists.
 *
 * @param peersDir - directory of `run_all.sh`
 * @returns `undefined` when they can, else the reason they cannot
 * @throws never
 * @example
 * ```ts
 * const why = peersUnavailable('../shared/peers');
 * if (why) console.error(why);
 * ```
 */
export function peersUnavailable(peersDir: string): string | undefined {
  if (!existsSync(join(peersDir, 'run_all.sh'))) return `${join(peersDir, 'run_all.sh')} does not exist (pass --peers-dir)`;
  const probe = spawnSync(PEER_PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  if (probe.status !== 0) return `${PEER_PYTHON} -c 'import torch' failed (install python3-torch, python3-sklearn, fasttext, python3-fasttext)`;
  return undefined;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** fastText's `-thread` default, which `fasttext_run.py` keeps unless given `--thread`. */
const FASTTEXT_DEFAULT_THREADS = 12;

function peerThreads(system: string, json: Record<string, unknown>): number | null {
  const torch = num(json.torch_num_threads);
  if (torch !== null) return torch;
  if (system.startsWith('sklearn')) return 1;
  if (system.startsWith('fasttext')) {
    const params = json.params;
    const thread = typeof params === 'object' && params !== null ? num((params as Record<string, unknown>).thread) : null;
    return thread !== null && thread > 0 ? thread : FASTTEXT_DEFAULT_THREADS;
  }
  return null;
}

function architectureOf(system: string): BenchArchitecture | null {
  const match = /^torch-(lstm|gru|cnn|bow)$/.exec(system);
  return match ? (match[1] as BenchArchitecture) : null;
}

/**
 * Turns one peer script's JSON (the last line of its log; `run_all.sh` also saves it as `<system>.json`)
 * into a {@link PeerMeasurement}.
 *
 * @param system - peer system name
 * @param json - the parsed JSON
 * @returns the figures the benchmark table shows
 * @throws never
 * @example
 * ```ts
 * parsePeerResult('torch-lstm', { accuracy: 0.83, train_samples_per_s: 1200, predict_samples_per_s: 6000, torch_num_threads: 1 });
 * ```
 */
export function parsePeerResult(system: string, json: Record<string, unknown>): PeerMeasurement {
  const rssMb = num(json.time_v_peak_rss_mb) ?? num(json.peak_rss_mb);
  const threads = peerThreads(system, json);
  return {
    system,
    architecture: architectureOf(system),
    status: 'ok',
    accuracy: num(json.accuracy),
    trainSamplesPerSecond: num(json.train_samples_per_s),
    trainTokensPerSecond: null,
    predictTextsPerSecond: num(json.predict_samples_per_s),
    peakRssBytes: rssMb === null ? null : Math.round(rssMb * 1024 * 1024),
    threads,
    threading: threadingOf('python', threads),
    epochs: num(json.epochs),
  };
}

async function readPeer(outDir: string, system: string, threads: number): Promise<PeerMeasurement> {
  const failed = (reason: string): PeerMeasurement => ({
    system,
    architecture: architectureOf(system),
    status: 'failed',
    reason,
    accuracy: null,
    trainSamplesPerSecond: null,
    trainTokensPerSecond: null,
    predictTextsPerSecond: null,
    peakRssBytes: null,
    // A torch model was asked for `threads` threads; the others' counts are their own, unknown here.
    threads: system.startsWith('torch-') ? threads : null,
    threading: threadingOf('python', system.startsWith('torch-') ? threads : null),
    epochs: null,
  });
  for (const [file, lastLine] of [
    [`${system}.json`, false],
    [`${system}.log`, true],
  ] as const) {
    try {
      const text = await readFile(join(outDir, file), 'utf8');
      const body = lastLine ? (text.trim().split('\n').pop() ?? '') : text;
      return parsePeerResult(system, JSON.parse(body) as Record<string, unknown>);
    } catch {
      // try the next source
    }
  }
  let err = '';
  try {
    err = (await readFile(join(outDir, `${system}.err`), 'utf8')).trim().split('\n').slice(-3).join(' | ');
  } catch {
    err = 'no output';
  }
  return failed(`no result JSON (${err})`);
}

/**
 * Runs `run_all.sh TRAIN TEST --systems "…" --threads T --epochs N` from the peers directory (PyTorch,
 * fastText, scikit-learn on the same CSVs) and reads every system's JSON. `--threads T` sets the torch
 * models' `torch.set_num_threads(T)`; fastText and scikit-learn ignore it.
 *
 * @param options - see {@link RunPeersOptions}
 * @returns the peers' figures, or why they were skipped
 * @throws never (a failing system is reported as `failed`)
 * @example
 * ```ts
 * const { peers } = await runPeers({ peersDir: '../shared/peers', trainPath, testPath, epochs: 2, threads: 1,
 *   systems: ['torch-lstm'], outDir: '/tmp/peers', cjk: false, log: console.error });
 * ```
 */
export async function runPeers(options: RunPeersOptions): Promise<PeerRun> {
  const why = peersUnavailable(options.peersDir);
  if (why !== undefined) return { peers: [], skipped: why };
  const args = [
    join(options.peersDir, 'run_all.sh'),
    options.trainPath,
    options.testPath,
    '--systems',
    options.systems.join(' '),
    '--threads',
    String(options.threads),
    '--epochs',
    String(options.epochs),
    '--seed',
    String(options.seed),
    '--out',
    options.outDir,
    ...(options.cjk ? ['--cjk-split'] : []),
  ];
  options.log(`peers: bash ${args.join(' ')}`);
  await new Promise<void>((resolve) => {
    const child = spawn('bash', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') options.log(`peers: ${line}`);
    });
    child.on('close', () => resolve());
    child.on('error', () => resolve());
  });
  const peers: PeerMeasurement[] = [];
  for (const system of options.systems) peers.push(await readPeer(options.outDir, system, options.threads));
  return { peers };
}
