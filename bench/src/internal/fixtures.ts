import type { BenchReport, Measurement } from '../types.js';

/** A complete measurement for tests; override any field. */
export function measurementFixture(overrides: Partial<Measurement> = {}): Measurement {
  return {
    system: 'glossa',
    architecture: 'lstm',
    backend: 'wasm',
    status: 'ok',
    threads: 1,
    trainThreads: 1,
    threading: 'single-threaded',
    kernels: null,
    trainExamples: 1000,
    epochs: 2,
    trainSamplesPerSecond: 1200,
    trainTokensPerSecond: null,
    trainSeconds: 1.5,
    trainBudgeted: false,
    trainBatches: 32,
    accuracy: 0.8,
    predictTexts: 200,
    predictTextsPerSecond: 6000,
    predictAllCoresTextsPerSecond: null,
    predictAllCoresThreads: null,
    loadSeconds: 0.1,
    tokenizeTokens: 10_000,
    tokenizeTokensPerSecond: 2_000_000,
    bundleBytes: 300_000,
    peakRssBytes: 200 * 2 ** 20,
    trainPeakRssBytes: null,
    peakRssWithPoolBytes: null,
    wallSeconds: 5,
    cpuSeconds: 4,
    glossaBuild: '0123456789ab',
    ...overrides,
  };
}

/** A complete report for tests. */
export function reportFixture(results: Measurement[], overrides: Partial<BenchReport> = {}): BenchReport {
  return {
    schema: 'glossa.bench',
    schemaVersion: 2,
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T04:04:05.000Z',
    argv: ['--quick'],
    machine: {
      hostname: 'box',
      cpuModel: 'Test CPU',
      cores: 2,
      availableParallelism: 2,
      cpuMHz: 2000,
      totalMemoryBytes: 8 * 2 ** 30,
      platform: 'linux-x64',
      release: '6.1',
      loadAverage: [0.5, 0.4, 0.3],
      loadAverageEnd: [1, 1, 1],
    },
    versions: { node: 'v20.0.0', tfjsCore: '4.22.0', tfjsLayers: '4.22.0', glossaModelCore: '0.1.0', gitCommit: 'abcdef1234567', gitDirty: false },
    dataset: {
      name: 'synthetic',
      source: 'synthetic (seed 42)',
      trainSize: 1000,
      testSize: 200,
      sourceTrainSize: 1000,
      sourceTestSize: 200,
      labels: ['negative', 'positive'],
      trainTokens: { texts: 1000, tokens: 9500, untruncatedTokens: 9600, truncatedTexts: 2, maxLength: 100, tokenizer: 'word' },
    },
    settings: { vocabSize: 20_000, maxLength: 100, batchSize: 64, embeddingDim: 64, units: 64, cnnFilters: 128, predictBatchSize: 256, seed: 42, epochs: 2 },
    threads: [1],
    stockBudget: { trainSeconds: 60, maxBatches: 0, predictTexts: 1000 },
    results,
    peers: [],
    ratios: [],
    ...overrides,
  };
}
