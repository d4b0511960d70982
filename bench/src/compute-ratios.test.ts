import { describe, expect, it } from 'vitest';
import { computeRatios } from './compute-ratios.js';
import { measurementFixture } from './internal/fixtures.js';
import { parsePeerResult } from './run-peers.js';

describe('computeRatios', () => {
  it('divides Glossa by stock on the same backend and by PyTorch of the same architecture', () => {
    const results = [
      measurementFixture({
        backend: 'wasm',
        trainSamplesPerSecond: 1000,
        predictTextsPerSecond: 4000,
        predictAllCoresTextsPerSecond: 8000,
        predictAllCoresThreads: 2,
      }),
      measurementFixture({ system: 'stock', backend: 'wasm', trainSamplesPerSecond: 100, predictTextsPerSecond: 400 }),
      measurementFixture({ backend: 'cpu', trainSamplesPerSecond: 300, predictTextsPerSecond: 900, predictAllCoresTextsPerSecond: null }),
      measurementFixture({ system: 'stock', backend: 'cpu', trainSamplesPerSecond: 20, predictTextsPerSecond: null }),
    ];
    const peers = [
      parsePeerResult('torch-cnn', { train_samples_per_s: 1, predict_samples_per_s: 1, torch_num_threads: 1 }),
      parsePeerResult('torch-lstm', { train_samples_per_s: 500, predict_samples_per_s: 8000, torch_num_threads: 1 }),
    ];
    expect(computeRatios(results, peers)).toEqual([
      { architecture: 'lstm', backend: 'wasm', threads: 1, trainVsStock: 10, predictVsStock: 10, trainVsPytorch: 2, predictVsPytorch: 0.5 },
      { architecture: 'lstm', backend: 'cpu', threads: 1, trainVsStock: 15, predictVsStock: null, trainVsPytorch: 0.6, predictVsPytorch: 900 / 8000 },
    ]);
  });

  it('compares only at equal threads: PyTorch with as many threads, stock at one, the prediction pool at its thread count', () => {
    const one = measurementFixture({
      trainSamplesPerSecond: 1000,
      predictTextsPerSecond: 4000,
      predictAllCoresTextsPerSecond: 7000,
      predictAllCoresThreads: 2,
    });
    const two = measurementFixture({
      trainThreads: 2,
      threading: 'all cores',
      trainSamplesPerSecond: 1500,
      predictTextsPerSecond: 4100,
      predictAllCoresTextsPerSecond: 7200,
      predictAllCoresThreads: 2,
    });
    const four = measurementFixture({ trainThreads: 4, trainSamplesPerSecond: 1600, predictAllCoresTextsPerSecond: 7100, predictAllCoresThreads: 2 });
    const stock = measurementFixture({ system: 'stock', trainSamplesPerSecond: 100, predictTextsPerSecond: 400 });
    const peers = [
      parsePeerResult('torch-lstm', { train_samples_per_s: 800, predict_samples_per_s: 5000, torch_num_threads: 1 }),
      parsePeerResult('torch-lstm', { train_samples_per_s: 1200, predict_samples_per_s: 9000, torch_num_threads: 2 }),
      parsePeerResult('torch-lstm', { train_samples_per_s: 1300, predict_samples_per_s: 9500, torch_num_threads: 4 }),
      // fastText (12 threads, no architecture) is never a match
      parsePeerResult('fasttext-wng2', { train_samples_per_s: 60_000, predict_samples_per_s: 60_000 }),
    ];
    expect(computeRatios([one, stock, two, four], peers)).toEqual([
      { architecture: 'lstm', backend: 'wasm', threads: 1, trainVsStock: 10, predictVsStock: 10, trainVsPytorch: 1.25, predictVsPytorch: 0.8 },
      { architecture: 'lstm', backend: 'wasm', threads: 2, trainVsStock: null, predictVsStock: null, trainVsPytorch: 1.25, predictVsPytorch: 0.8 },
      // no prediction figure of Glossa on 4 threads (the pool used 2): no prediction ratio
      { architecture: 'lstm', backend: 'wasm', threads: 4, trainVsStock: null, predictVsStock: null, trainVsPytorch: 1600 / 1300, predictVsPytorch: null },
    ]);
  });

  it('leaves ratios empty when there is no stock or peer figure at those threads', () => {
    const peers = [parsePeerResult('torch-bow', { train_samples_per_s: 10, predict_samples_per_s: 10, torch_num_threads: 2 })];
    expect(computeRatios([measurementFixture({ architecture: 'bow' })], peers)).toEqual([
      { architecture: 'bow', backend: 'wasm', threads: 1, trainVsStock: null, predictVsStock: null, trainVsPytorch: null, predictVsPytorch: null },
    ]);
  });
});
