import { describe, expect, it } from 'vitest';
import { renderLoadMarkdown, secondHalfGrowth } from './render-load-markdown.js';
import type { LoadLevelResult, LoadReport } from './types.js';

const MB = 2 ** 20;

function level(connections: number, requestsPerSecond: number, p99: number, samples: Array<[number, number]>): LoadLevelResult {
  return {
    connections,
    durationSeconds: 10,
    requests: requestsPerSecond * 10,
    requestsPerSecond,
    latencyMs: { mean: 2, p50: 1.5, p90: 3, p99, max: p99 * 2 },
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    status2xx: requestsPerSecond * 10,
    rssStartBytes: 200 * MB,
    rssEndBytes: 210 * MB,
    rssMaxBytes: 212 * MB,
    rssSamples: samples,
  };
}

function report(levels: LoadLevelResult[]): LoadReport {
  return {
    schema: 'glossa.bench.serve',
    startedAt: '2026-11-29T01:00:00.000Z',
    finishedAt: '2026-11-29T01:01:00.000Z',
    argv: ['--serve'],
    machine: {
      hostname: 'vm',
      cpuModel: 'Test CPU',
      cores: 2,
      availableParallelism: 2,
      cpuMHz: 2000,
      totalMemoryBytes: 8 * 2 ** 30,
      platform: 'linux-x64',
      release: '6',
      loadAverage: [0.5, 0.4, 0.3],
      loadAverageEnd: [1.9, 1, 0.5],
    },
    versions: { node: 'v20.19.0', autocannon: '8.0.0', glossaBuild: 'abc' },
    model: {
      bundle: '/m.glossa',
      source: 'trained',
      id: 'sha256-0',
      architecture: 'lstm',
      options: { embeddingDim: 64, units: 64, maxLength: 100, vocabSize: 20000 },
      bundleBytes: 5 * MB,
      trainSize: 4000,
      trainSeconds: 30,
    },
    server: { args: ['--log-level', 'info'], backend: 'wasm', batching: { maxBatchTexts: 64, maxDelayMs: 1 }, startupSeconds: 1.5, exitCode: 0 },
    texts: { distinct: 100, meanCharacters: 40, example: 'kalo mine' },
    durationSeconds: 10,
    warmupSeconds: 3,
    levels,
  };
}

describe('renderLoadMarkdown', () => {
  it('writes the setting, one row per client count, and the targets at 16 clients as met or not', () => {
    const markdown = renderLoadMarkdown(
      report([
        level(1, 400, 3.2, []),
        level(16, 650, 42, [
          [1, 200 * MB],
          [5, 208 * MB],
          [9, 208.5 * MB],
        ]),
      ]),
    );
    expect(markdown).toContain('load average 0.50 / 0.40 / 0.30 at the start, 1.90 / 1.00 / 0.50 at the end');
    expect(markdown).toContain('Model: lstm (embeddingDim 64, units 64, maxLength 100, vocabSize 20000)');
    expect(markdown).toContain('| 1 | 400 | 1.5 | 3.0 | 3.2 | 6.4 | 4,000 | 0 | 0 | 200 → 210 (max 212) |');
    expect(markdown).toContain('| 16 | 650 | 1.5 | 3.0 | 42 | 84 | 6,500 | 0 | 0 |');
    expect(markdown).toContain('≥ 500 requests/s — met (650); p99 < 100 ms — met (42); 0 errors — met; RSS change over the second half of the 10 s: +0.5 MB.');
  });

  it('says "not met" when a target is missed', () => {
    const markdown = renderLoadMarkdown(report([level(16, 300, 150, [])]));
    expect(markdown).toContain('≥ 500 requests/s — not met (300); p99 < 100 ms — not met (150)');
  });
});

describe('secondHalfGrowth', () => {
  it('is the last RSS sample minus the middle one, or null with fewer than two samples', () => {
    expect(
      secondHalfGrowth(
        level(16, 1, 1, [
          [1, 10],
          [2, 30],
          [3, 35],
          [4, 50],
        ]),
      ),
    ).toBe(20);
    expect(secondHalfGrowth(level(16, 1, 1, [[1, 10]]))).toBeNull();
  });
});
