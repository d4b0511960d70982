import { describe, expect, it } from 'vitest';
import { computeRatios } from './compute-ratios.js';
import { measurementFixture, reportFixture } from './internal/fixtures.js';
import { renderMarkdown } from './render-markdown.js';
import { parsePeerResult } from './run-peers.js';

/** The lines of `md` from the heading `heading` up to the next `###` heading. */
function section(md: string, heading: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  expect(start, `${heading} in\n${md}`).toBeGreaterThan(-1);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('### '));
  return lines.slice(start + 1, end === -1 ? undefined : end).filter((l) => l.startsWith('|'));
}

describe('renderMarkdown', () => {
  it('shows setting, one row per measurement and peer, budget marks, failures and ratios', () => {
    const results = [
      measurementFixture({ trainSamplesPerSecond: 1234.5, trainTokensPerSecond: 11_727.75, predictAllCoresTextsPerSecond: 11000, predictAllCoresThreads: 2 }),
      measurementFixture({
        system: 'stock',
        trainSamplesPerSecond: 98.76,
        trainTokensPerSecond: 938.22,
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
    expect(md).toContain('### Training on 1 thread\n');
    expect(md).toContain('| Glossa | lstm | wasm | 1 (single) | 1,235 | 11,728 | 0.8000 | 6,000 | 11,000 (2 threads) | 2,000,000 | 200 | 293 |');
    expect(md).toContain('| 98.8* | 938* |');
    expect(renderMarkdown(reportFixture([measurementFixture({ trainPeakRssBytes: 150 * 2 ** 20, peakRssWithPoolBytes: 310 * 2 ** 20 })]))).toContain(
      'peak RSS MB: training 150, with the prediction pool 310',
    );
    expect(md).toContain('budget: 3 of 40 \\| batches');
    expect(md).toContain("not available: Kernel 'Conv2DBackpropFilter' not registered");
    expect(md).toContain('| PyTorch | lstm | python | 1 (single) | 1,200 | — | 0.8300 | 6,000 | — | — | 400 | — | 2 epochs |');
    expect(md).toContain(
      '| arch | backend | train Glossa ÷ stock | predict Glossa ÷ stock | train Glossa ÷ PyTorch (1 thread each) | predict Glossa ÷ PyTorch (1 thread each) |',
    );
    expect(md).toContain('| lstm | wasm | 12.5× | 1.00× | 1.03× | 1.00× |');
    expect(md).not.toContain('At their own thread counts');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('groups rows by the thread count they trained with, ratios at equal threads, and other systems at their own counts', () => {
    const results = [
      measurementFixture({ architecture: 'bow', trainSamplesPerSecond: 5000, trainTokensPerSecond: 47_500 }),
      measurementFixture({ architecture: 'bow', system: 'stock', trainSamplesPerSecond: 2000, predictTextsPerSecond: 3000 }),
      measurementFixture({
        architecture: 'bow',
        trainThreads: 2,
        threading: 'all cores',
        trainSamplesPerSecond: 3000,
        trainTokensPerSecond: 28_500,
        predictAllCoresTextsPerSecond: 9000,
        predictAllCoresThreads: 2,
      }),
    ];
    const peers = [
      {
        ...parsePeerResult('torch-bow', { train_samples_per_s: 6000, predict_samples_per_s: 5000, torch_num_threads: 1, epochs: 1 }),
        trainTokensPerSecond: 57_000,
      },
      { ...parsePeerResult('fasttext-wng2', { train_samples_per_s: 60_000, predict_samples_per_s: 50_000, epochs: 5 }), trainTokensPerSecond: 576_000 },
      { ...parsePeerResult('sklearn-tfidf-lr', { train_samples_per_s: 50_000, predict_samples_per_s: 40_000 }), trainTokensPerSecond: 480_000 },
      {
        ...parsePeerResult('torch-bow', { train_samples_per_s: 7500, predict_samples_per_s: 6000, torch_num_threads: 2, epochs: 1 }),
        trainTokensPerSecond: 71_250,
      },
    ];
    const report = reportFixture(results, { peers, threads: [1, 2], ratios: computeRatios(results, peers) });
    const md = renderMarkdown(report);

    // 9,500 tokens over 1,000 texts, 2 of them cut: short texts
    expect(md).toContain('## Glossa benchmark — synthetic, short texts, 2026-01-02');
    expect(md).toContain('- Text length (**short texts**): 9.5 tokens read per training text at max length 100 (2 of 1,000 texts cut; 9.6 uncut)');
    expect(md).toContain('9,500 per epoch for Glossa, stock tfjs and PyTorch (each text cut at 100 tokens;');
    expect(md).toContain('9,600 for fastText and TF-IDF, which read whole texts');

    expect(section(md, '### Training on 1 thread')).toEqual([
      '| system | arch | backend | threads | train samples/s | train tokens/s | test accuracy | predict texts/s | predict texts/s, all cores | tokenize tokens/s | peak RSS MB | bundle KB | notes |',
      '|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
      '| Glossa | bow | wasm | 1 (single) | 5,000 | 47,500 | 0.8000 | 6,000 | — | 2,000,000 | 200 | 293 |  |',
      '| stock tfjs | bow | wasm | 1 (single) | 2,000 | — | 0.8000 | 3,000 | — | 2,000,000 | 200 | 293 |  |',
      '| PyTorch | bow | python | 1 (single) | 6,000 | 57,000 | — | 5,000 | — | — | — | — | 1 epoch |',
      '| TF-IDF + LR (sklearn) | — | python | 1 (single) | 50,000 | 480,000 | — | 40,000 | — | — | — | — | tokens: whole texts |',
      '| arch | backend | train Glossa ÷ stock | predict Glossa ÷ stock | train Glossa ÷ PyTorch (1 thread each) | predict Glossa ÷ PyTorch (1 thread each) |',
      '|---|---|--:|--:|--:|--:|',
      '| bow | wasm | 2.50× | 2.00× | 0.83× | 1.20× |',
    ]);
    expect(section(md, '### Training on 2 threads (all 2 cores)')).toEqual([
      '| system | arch | backend | threads | train samples/s | train tokens/s | test accuracy | predict texts/s | predict texts/s, all cores | tokenize tokens/s | peak RSS MB | bundle KB | notes |',
      '|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
      '| Glossa | bow | wasm | 2 (all cores) | 3,000 | 28,500 | 0.8000 | 6,000 | 9,000 (2 threads) | 2,000,000 | 200 | 293 |  |',
      '| PyTorch | bow | python | 2 (all cores) | 7,500 | 71,250 | — | 6,000 | — | — | — | — | 1 epoch |',
      '| arch | backend | train Glossa ÷ PyTorch (2 threads each) | predict Glossa ÷ PyTorch (2 threads each) |',
      '|---|---|--:|--:|',
      '| bow | wasm | 0.40× | 1.50× |',
    ]);
    expect(section(md, '### At their own thread counts')).toEqual([
      '| system | arch | backend | threads | train samples/s | train tokens/s | test accuracy | predict texts/s | predict texts/s, all cores | tokenize tokens/s | peak RSS MB | bundle KB | notes |',
      '|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
      '| fastText (bigrams) | — | python | 12 (all cores) | 60,000 | 576,000 | — | 50,000 | — | — | — | — | 5 epochs; -thread 12 (its default); tokens: whole texts |',
    ]);
  });

  it('calls texts that mostly fill the max length full-length', () => {
    const report = reportFixture([]);
    report.dataset.trainTokens = { texts: 10, tokens: 970, untruncatedTokens: 2300, truncatedTexts: 9, maxLength: 100, tokenizer: 'word' };
    const md = renderMarkdown(report);
    expect(md).toContain('## Glossa benchmark — synthetic, full-length texts, 2026-01-02');
    expect(md).toContain('- Text length (**full-length texts**): 97.0 tokens read per training text at max length 100 (9 of 10 texts cut; 230.0 uncut)');
  });

  it('says why peers were skipped and warns about mixed builds', () => {
    expect(renderMarkdown(reportFixture([measurementFixture({ kernels: 'relaxed SIMD' })]))).toContain('| 200 | 293 | kernels: relaxed SIMD |');
    expect(renderMarkdown(reportFixture([], { peersSkipped: 'no torch' }))).toContain('Peers not run: no torch.');
    expect(renderMarkdown(reportFixture([], { mixedBuilds: 'two builds' }))).toContain('- **Warning**: two builds.');
  });
});
