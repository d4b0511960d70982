import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPeerSystems, PEER_PYTHON, parsePeerResult, peersUnavailable, runPeers } from './run-peers.js';

/** How 2 threads are described on this machine. */
const twoThreads = availableParallelism() <= 2 ? 'all cores' : 'multi-threaded';

describe('parsePeerResult', () => {
  it('reads accuracy, throughput, RSS (time -v first) and threads from a peer JSON', () => {
    const p = parsePeerResult('torch-cnn', {
      accuracy: 0.8,
      train_samples_per_s: 900,
      predict_samples_per_s: 5000,
      peak_rss_mb: 100,
      time_v_peak_rss_mb: 200,
      torch_num_threads: 1,
      epochs: 2,
    });
    expect(p).toEqual({
      system: 'torch-cnn',
      architecture: 'cnn',
      status: 'ok',
      accuracy: 0.8,
      trainSamplesPerSecond: 900,
      trainTokensPerSecond: null,
      predictTextsPerSecond: 5000,
      peakRssBytes: 200 * 2 ** 20,
      threads: 1,
      threading: 'single-threaded',
      epochs: 2,
    });
  });

  it('gives fastText its -thread (default 12, all cores), scikit-learn one thread, and maps non-numbers to null', () => {
    expect(parsePeerResult('fasttext-wng2', { accuracy: 'x', params: { thread: 0 } })).toMatchObject({
      architecture: null,
      threads: 12,
      threading: 'all cores',
      accuracy: null,
    });
    expect(parsePeerResult('fasttext-default', {})).toMatchObject({ threads: 12, threading: 'all cores' });
    expect(parsePeerResult('fasttext-wng2', { params: { thread: 1 } })).toMatchObject({ threads: 1, threading: 'single-threaded' });
    expect(parsePeerResult('sklearn-tfidf-lr', { epochs: null })).toMatchObject({ threads: 1, threading: 'single-threaded', epochs: null });
  });

  it("takes torch's own thread count, whatever was asked", () => {
    expect(parsePeerResult('torch-lstm', { torch_num_threads: 2 })).toMatchObject({ threads: 2, threading: twoThreads });
  });
});

describe('defaultPeerSystems', () => {
  it('runs PyTorch for every architecture plus fastText and TF-IDF', () => {
    expect(defaultPeerSystems(['bow', 'cnn'])).toEqual(['torch-lstm', 'torch-bow', 'torch-cnn', 'fasttext-wng2', 'sklearn-tfidf-lr']);
  });
});

describe('runPeers', () => {
  it('skips with the reason when run_all.sh is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'glossa-peers-'));
    expect(peersUnavailable(dir)).toMatch(/run_all\.sh does not exist/);
    const run = await runPeers({
      peersDir: dir,
      trainPath: 'a',
      testPath: 'b',
      epochs: 1,
      threads: 1,
      seed: 42,
      systems: ['torch-lstm'],
      outDir: dir,
      cjk: false,
      log: () => undefined,
    });
    expect(run.peers).toEqual([]);
    expect(run.skipped).toMatch(/pass --peers-dir/);
    await rm(dir, { recursive: true, force: true });
  });
});

const torchMissing = spawnSync(PEER_PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0;

describe('runPeers with a stand-in run_all.sh', () => {
  it.skipIf(torchMissing)('passes --threads to run_all.sh and reads each system, a missing one as failed at the threads asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'glossa-peers-'));
    // Records its arguments and writes torch-bow's JSON as run_all.sh does; torch-lstm writes nothing.
    await writeFile(
      join(dir, 'run_all.sh'),
      [
        'printf "%s\\n" "$@" > "$(dirname "$0")/args.txt"',
        'while [ $# -gt 0 ]; do case "$1" in --out) OUT="$2"; shift 2;; *) shift;; esac; done',
        'mkdir -p "$OUT"',
        'echo \'{"train_samples_per_s": 700, "predict_samples_per_s": 900, "torch_num_threads": 2, "epochs": 1}\' > "$OUT/torch-bow.json"',
        'echo "boom" > "$OUT/torch-lstm.err"',
      ].join('\n'),
    );
    const run = await runPeers({
      peersDir: dir,
      trainPath: '/data/train.csv',
      testPath: '/data/test.csv',
      epochs: 1,
      threads: 2,
      seed: 7,
      systems: ['torch-bow', 'torch-lstm'],
      outDir: join(dir, 'out'),
      cjk: false,
      log: () => undefined,
    });
    const args = (await readFile(join(dir, 'args.txt'), 'utf8')).trim().split('\n');
    expect(args).toEqual([
      '/data/train.csv',
      '/data/test.csv',
      '--systems',
      'torch-bow torch-lstm',
      '--threads',
      '2',
      '--epochs',
      '1',
      '--seed',
      '7',
      '--out',
      join(dir, 'out'),
    ]);
    expect(run.peers).toEqual([
      {
        system: 'torch-bow',
        architecture: 'bow',
        status: 'ok',
        accuracy: null,
        trainSamplesPerSecond: 700,
        trainTokensPerSecond: null,
        predictTextsPerSecond: 900,
        peakRssBytes: null,
        threads: 2,
        threading: twoThreads,
        epochs: 1,
      },
      {
        system: 'torch-lstm',
        architecture: 'lstm',
        status: 'failed',
        reason: 'no result JSON (boom)',
        accuracy: null,
        trainSamplesPerSecond: null,
        trainTokensPerSecond: null,
        predictTextsPerSecond: null,
        peakRssBytes: null,
        threads: 2,
        threading: twoThreads,
        epochs: null,
      },
    ]);
    await rm(dir, { recursive: true, force: true });
  });
});
