import { NEURAL_ARCHITECTURES } from '@glossa/node-runtime';
import { describe, expect, it } from 'vitest';
import { BenchError } from './bench-error.js';
import { type BenchOptions, parseBenchArgs } from './parse-bench-args.js';

const context = { defaultOutDir: '/tmp/out', defaultPeersDir: '/tmp/peers', tensorflowAvailable: false };

function parse(argv: string[]): BenchOptions {
  const result = parseBenchArgs(argv, context);
  if (result === 'help') throw new Error('unexpected help');
  return result;
}

describe('parseBenchArgs', () => {
  it('defaults to synthetic data, every architecture, wasm and cpu, 2 epochs and a 60 s stock budget', () => {
    const o = parse([]);
    expect(o).toMatchObject({
      architectures: ['lstm', 'cnn', 'bow'],
      backends: ['wasm', 'cpu'],
      epochs: 2,
      outDir: '/tmp/out',
      quick: false,
      peers: false,
      stock: true,
      seed: 42,
      dataset: 'sst2',
      stockBudget: { trainSeconds: 60, maxBatches: 0, predictTexts: 1000 },
    });
    expect(o.dataDir).toBeUndefined();
    expect(o.trainSize).toBeUndefined();
  });

  it('adds the native backend first when tfjs-node is installed', () => {
    const o = parseBenchArgs([], { ...context, tensorflowAvailable: true });
    expect(o !== 'help' && o.backends).toEqual(['tensorflow', 'wasm', 'cpu']);
  });

  it('shrinks everything with --quick, and explicit flags win', () => {
    expect(parse(['--quick'])).toMatchObject({
      epochs: 1,
      trainSize: 4000,
      testSize: 1000,
      stockBudget: { trainSeconds: 15, maxBatches: 20, predictTexts: 500 },
    });
    expect(parse(['--quick', '--data', '/d'])).toMatchObject({ trainSize: 5000, dataDir: '/d' });
    expect(parse(['--quick', '--epochs', '3', '--train-size=300'])).toMatchObject({ epochs: 3, trainSize: 300 });
  });

  it('reads lists, data, peers and budget flags, and ignores a bare --', () => {
    const o = parse([
      '--',
      '--archs',
      'bow,lstm',
      '--backends',
      'cpu',
      '--data',
      '/data',
      '--dataset',
      'imdb',
      '--peers',
      '--peers-dir',
      '/p',
      '--peer-systems',
      'torch-lstm, sklearn-tfidf-lr',
      '--stock-budget-s',
      '0',
      '--no-stock',
      '--keep-work',
    ]);
    expect(o).toMatchObject({
      architectures: ['bow', 'lstm'],
      backends: ['cpu'],
      dataDir: '/data',
      dataset: 'imdb',
      peers: true,
      peersDir: '/p',
      stock: false,
      keepWork: true,
    });
    expect(o.peerSystems).toEqual(['torch-lstm', 'sklearn-tfidf-lr']);
    expect(o.stockBudget.trainSeconds).toBe(0);
  });

  it('returns help for --help', () => {
    expect(parseBenchArgs(['--help'], context)).toBe('help');
  });

  it('rejects unknown flags, names and bad numbers with the fix', () => {
    expect(() => parse(['--fast'])).toThrow(BenchError);
    expect(() => parse(['--archs', 'rnn'])).toThrow(`'rnn', which is not one of ${NEURAL_ARCHITECTURES.join(', ')}`);
    expect(() => parse(['--epochs', '0'])).toThrow(/--epochs must be an integer ≥ 1/);
    expect(() => parse(['--epochs'])).toThrow(/--epochs needs a value/);
    expect(() => parse(['--dataset', 'imdb'])).toThrow(/--dataset needs --data/);
    expect(() => parse(['--backends', 'webgl'])).toThrow(/pnpm bench --help/);
  });
});
