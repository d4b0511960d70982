import { describe, expect, it } from 'vitest';
import { computeRatios } from './compute-ratios.js';
import { measurementFixture, reportFixture } from './internal/fixtures.js';
import { renderMarkdown } from './render-markdown.js';
import { parsePeerResult } from './run-peers.js';

describe('renderMarkdown', () => {
  it('shows setting, one row per measurement and peer, budget marks, failures and ratios', () => {
    const results = [
      measurementFixture({ trainSamplesPerSecond: 1234.5, predictAllCoresTextsPerSecond: 11000, predictAllCoresThreads: 2 }),
      measurementFixture({
        system: 'stock',
        trainSamplesPerSecond: 98.76,
        trainBudgeted: true,
        accuracy: null,
        tokenizeTokensPerSecond: null,
        reason: 'budget: 3 of 40 | batches',
      }),
      measurementFixture({
        architecture: 'cnn',
        system: 'stock',
        status: 'unavailable',
        trainSamplesPerSecond: null,
        reason: "Kernel 'Conv2DBackpropFilter' not registered",
      }),
    ];
    const peers = [
      parsePeerResult('torch-lstm', {
        accuracy: 0.83,
        train_samples_per_s: 1200,
        predict_samples_per_s: 6000,
        torch_num_threads: 1,
        peak_rss_mb: 400,
        epochs: 2,
      }),
    ];
    const md = renderMarkdown(reportFixture(results, { peers, ratios: computeRatios(results, peers) }));
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    // two headers, three measurements, one peer, one ratio row (one Glossa measurement)
    expect(rows).toHaveLength(2 + 3 + 1 + 1);
    expect(md).toContain('Test CPU, 2 logical cores');
    expect(md).toContain('| Glossa | lstm | wasm | 1 (single) | 1,235 | 0.8000 | 6,000 | 11,000 (2 threads) | 2,000,000 | 200 | 293 |');
    expect(md).toContain('| 98.8* |');
    expect(md).toContain('budget: 3 of 40 \\| batches');
    expect(md).toContain("not available: Kernel 'Conv2DBackpropFilter' not registered");
    expect(md).toContain('| PyTorch | lstm | python | 1 (single) | 1,200 | 0.8300 | 6,000 | — | — | 400 | — | 2 epochs |');
    expect(md).toContain('| lstm | wasm | 12.5× | 1.00× | 1.03× | 1.00× | 1.83× |');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('says why peers were skipped and warns about mixed builds', () => {
    expect(renderMarkdown(reportFixture([], { peersSkipped: 'no torch' }))).toContain('Peers not run: no torch.');
    expect(renderMarkdown(reportFixture([], { mixedBuilds: 'two builds' }))).toContain('- **Warning**: two builds.');
  });
});
