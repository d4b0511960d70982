import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPeerSystems, parsePeerResult, peersUnavailable, runPeers } from './run-peers.js';

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
      predictTextsPerSecond: 5000,
      peakRssBytes: 200 * 2 ** 20,
      threads: 1,
      threading: 'single-threaded',
      epochs: 2,
    });
  });

  it('labels fastText all cores and scikit-learn single-threaded, and maps non-numbers to null', () => {
    expect(parsePeerResult('fasttext-wng2', { accuracy: 'x' })).toMatchObject({ architecture: null, threading: 'all cores', accuracy: null });
    expect(parsePeerResult('sklearn-tfidf-lr', { epochs: null })).toMatchObject({ threads: 1, threading: 'single-threaded', epochs: null });
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
