import { describe, expect, it } from 'vitest';
import { computeRatios } from './compute-ratios.js';
import { measurementFixture } from './internal/fixtures.js';
import { parsePeerResult } from './run-peers.js';

describe('computeRatios', () => {
  it('divides Glossa by stock on the same backend and by PyTorch of the same architecture', () => {
    const results = [
      measurementFixture({ backend: 'wasm', trainSamplesPerSecond: 1000, predictTextsPerSecond: 4000, predictAllCoresTextsPerSecond: 8000 }),
      measurementFixture({ system: 'stock', backend: 'wasm', trainSamplesPerSecond: 100, predictTextsPerSecond: 400 }),
      measurementFixture({ backend: 'cpu', trainSamplesPerSecond: 300, predictTextsPerSecond: 900, predictAllCoresTextsPerSecond: null }),
      measurementFixture({ system: 'stock', backend: 'cpu', trainSamplesPerSecond: 20, predictTextsPerSecond: null }),
    ];
    const peers = [
      parsePeerResult('torch-cnn', { train_samples_per_s: 1, predict_samples_per_s: 1 }),
      parsePeerResult('torch-lstm', { train_samples_per_s: 500, predict_samples_per_s: 8000 }),
    ];
    const ratios = computeRatios(results, peers);
    expect(ratios).toEqual([
      { architecture: 'lstm', backend: 'wasm', trainVsStock: 10, predictVsStock: 10, trainVsPytorch: 2, predictVsPytorch: 0.5, predictAllCoresVsPytorch: 1 },
      {
        architecture: 'lstm',
        backend: 'cpu',
        trainVsStock: 15,
        predictVsStock: null,
        trainVsPytorch: 0.6,
        predictVsPytorch: 900 / 8000,
        predictAllCoresVsPytorch: null,
      },
    ]);
  });

  it('leaves ratios empty when there is no stock or peer figure', () => {
    expect(computeRatios([measurementFixture({ architecture: 'bow' })], [])).toEqual([
      {
        architecture: 'bow',
        backend: 'wasm',
        trainVsStock: null,
        predictVsStock: null,
        trainVsPytorch: null,
        predictVsPytorch: null,
        predictAllCoresVsPytorch: null,
      },
    ]);
  });
});
