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
      relaxedSimd: true,
      seed: 42,
      dataset: 'sst2',
      threads: [1],
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
      '--no-relaxed-simd',
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
      relaxedSimd: false,
    });
    expect(o.peerSystems).toEqual(['torch-lstm', 'sklearn-tfidf-lr']);
    expect(o.stockBudget.trainSeconds).toBe(0);
  });

  it('reads --threads as a list of thread counts, all or auto being every core, in order and without repeats', () => {
    const four = { ...context, cores: 4 };
    const threads = (argv: string[], ctx = four): number[] => {
      const o = parseBenchArgs(argv, ctx);
      if (o === 'help') throw new Error('unexpected help');
      return o.threads;
    };
    expect(threads(['--threads', '1,2'])).toEqual([1, 2]);
    expect(threads(['--threads', '1,all'])).toEqual([1, 4]);
    expect(threads(['--threads=auto'])).toEqual([4]);
    expect(threads(['--threads', ' 2 , 1 ,'])).toEqual([2, 1]);
    expect(threads(['--threads', '2,all'], { ...context, cores: 2 })).toEqual([2]);
    expect(threads(['--threads', '256'])).toEqual([256]);
  });

  it('rejects a thread count that is not an integer from 1 to 256 or all, with the fix', () => {
    const ctx = { ...context, cores: 2 };
    for (const bad of ['0', '1.5', 'x', '257', '-1']) {
      expect(() => parseBenchArgs(['--threads', bad], ctx)).toThrow(
        `pnpm bench: --threads has '${bad}', which is neither an integer from 1 to 256 nor all (every core, 2 here). Run \`pnpm bench --help\` for the options.`,
      );
    }
    expect(() => parseBenchArgs(['--threads', ','], ctx)).toThrow('pnpm bench: --threads is empty.');
    expect(() => parseBenchArgs(['--threads'], ctx)).toThrow('pnpm bench: --threads needs a value.');
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
