import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { EvaluationReport } from '../runtime.js';
import { formatBytes, formatDuration, formatEpochLine, formatMetric, formatRate, formatReport, truncate } from './format.js';

const plain = pc.createColors(false);

describe('formatMetric', () => {
  it('uses four decimals and a dash for missing or non-finite values', () => {
    expect(formatMetric(0.91236)).toBe('0.9124');
    expect(formatMetric(1)).toBe('1.0000');
    expect(formatMetric(undefined)).toBe('-');
    expect(formatMetric(Number.NaN)).toBe('-');
  });
});

describe('formatDuration', () => {
  it('switches units with the size of the duration', () => {
    expect(formatDuration(0.4217)).toBe('0.42s');
    expect(formatDuration(12.34)).toBe('12.3s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(3725)).toBe('1h 02m');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });
});

describe('formatRate', () => {
  it('keeps one decimal below 100 and groups thousands above', () => {
    expect(formatRate(42.26)).toBe('42.3');
    expect(formatRate(1234.5)).toBe('1,235');
  });
});

describe('truncate', () => {
  it('cuts long text with an ellipsis and leaves short text alone', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });
});

describe('formatEpochLine', () => {
  it('shows validation figures only when present', () => {
    const base = { type: 'epoch', epoch: 2, epochs: 3, loss: 0.5, accuracy: 0.75, seconds: 12.34, samplesPerSecond: 410.2 } as const;
    expect(formatEpochLine(base)).toBe('epoch 2/3  loss 0.5000  accuracy 0.7500  12.3s  410 samples/s');
    expect(formatEpochLine({ ...base, valLoss: 0.4, valAccuracy: 0.8 })).toBe(
      'epoch 2/3  loss 0.5000  accuracy 0.7500  val_loss 0.4000  val_accuracy 0.8000  12.3s  410 samples/s',
    );
  });
});

describe('formatReport', () => {
  it('renders the summary, per-class scores and the confusion matrix', () => {
    const report: EvaluationReport = {
      n: 10,
      labels: ['ham', 'spam'],
      accuracy: 0.8,
      macroPrecision: 0.8,
      macroRecall: 0.79,
      macroF1: 0.7917,
      weightedF1: 0.8,
      logLoss: 0.45,
      perClass: [
        { label: 'ham', precision: 0.8333, recall: 0.8333, f1: 0.8333, support: 6 },
        { label: 'spam', precision: 0.75, recall: 0.75, f1: 0.75, support: 4 },
      ],
      confusionMatrix: [
        [5, 1],
        [1, 3],
      ],
    };
    const text = formatReport(report, plain, 'Test metrics');
    expect(text.split('\n')[0]).toBe('Test metrics');
    expect(text).toMatch(/│ accuracy\s+│ 0\.8000 │/);
    expect(text).toMatch(/│ macro F1\s+│ 0\.7917 │/);
    expect(text).toMatch(/│ spam\s+│ 0\.7500\s+│ 0\.7500 │ 0\.7500 │ 4\s+│/);
    expect(text).toMatch(/│ ham\s+│ 5\s+│ 1\s+│/);
    expect(text).toMatch(/│ spam\s+│ 1\s+│ 3\s+│/);
    expect(text).not.toContain('\u001b[');
  });
});
