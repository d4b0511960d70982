import { describe, expect, it } from 'vitest';
import type { BundleManifest } from '../runtime.js';
import { manifestRows } from './info.js';

const manifest: BundleManifest = {
  format: 'glossa-bundle',
  formatVersion: 1,
  task: 'text-classification',
  labels: ['ham', 'spam'],
  architecture: 'bow',
  options: {
    architecture: 'bow',
    embeddingDim: 64,
    units: 64,
    heads: 4,
    initialState: 'zero',
    kernelSize: 5,
    dropout: 0,
    maxLength: 200,
    truncating: 'post',
    vocabSize: 20000,
    minFrequency: 1,
    tokenizer: 'word',
    learningRate: 0.001,
    wordNgrams: 2,
    charNgrams: 'auto',
    maxFeatures: 500000,
    regularization: 0,
  },
  files: { preprocessing: 'preprocessing.json', topology: 'model.json', weights: 'weights.bin' },
  training: {
    seed: 42,
    epochsRun: 3,
    bestEpoch: 3,
    trainSize: 600,
    validationSize: 60,
    dataFingerprint: 'abc123',
    trainSeconds: 12.5,
    history: [],
  },
  metrics: {
    validation: {
      n: 60,
      labels: ['ham', 'spam'],
      accuracy: 0.95,
      macroPrecision: 0.95,
      macroRecall: 0.94,
      macroF1: 0.945,
      weightedF1: 0.95,
      logLoss: 0.2,
      perClass: [],
      confusionMatrix: [],
    },
  },
  createdBy: { name: '@glossa/model-core', version: '0.1.0' },
  createdAt: '2025-01-01T00:00:00.000Z',
};

describe('manifestRows', () => {
  it('lists the bundle, labels, architecture, options, training, metrics and creator', () => {
    const rows = new Map(manifestRows(manifest, { path: '/m', bytes: 2048, form: 'directory' }));
    expect(rows.get('bundle')).toBe('/m (directory, 2.0 KiB)');
    expect(rows.get('labels')).toBe('2: ham, spam');
    expect(rows.get('architecture')).toBe('bow');
    expect(rows.get('options')).toBe(
      'dropout=0, embeddingDim=64, kernelSize=5, learningRate=0.001, maxLength=200, minFrequency=1, tokenizer=word, truncating=post, units=64, vocabSize=20000',
    );
    expect(rows.get('training')).toBe('600 examples, 3 epochs (best 3), 12.5s, seed 42');
    expect(rows.get('validation')).toBe('accuracy 0.9500, macro-F1 0.9450 (n=60)');
    expect(rows.get('created by')).toBe('@glossa/model-core 0.1.0');
  });

  it('describes an ngram model and an auto portfolio in their own words', () => {
    const ngram: BundleManifest = {
      ...manifest,
      architecture: 'ngram',
      options: { ...manifest.options, architecture: 'ngram' },
      ngram: { features: { wordMaxN: 2, charMinN: 2, charMaxN: 5 }, featureCount: 12345, regularization: 0.0625, refit: true },
    };
    const rows = new Map(manifestRows(ngram, { path: '/m', bytes: 1, form: 'directory' }));
    expect(rows.get('training')).toBe('600 examples, 3 regularisation strengths tried (kept 3), 12.5s, seed 42');
    expect(rows.get('n-grams')).toBe('words 1–2 + characters 2–5; 12,345 features; λ = 0.0625; refitted on all examples');
    expect(rows.get('options')).toBe('charNgrams=auto, maxFeatures=500000, regularization=0, tokenizer=word, wordNgrams=2');
    const auto: BundleManifest = {
      ...manifest,
      architecture: 'auto',
      options: { ...manifest.options, architecture: 'auto' },
      members: [{ name: 'ngram', architecture: 'ngram', weight: 1, manifest: 'ngram.manifest.json', files: [] }],
      portfolio: {
        candidates: [
          { name: 'ngram', architecture: 'ngram', valAccuracy: 0.9, valLoss: 0.3, trainSeconds: 2, weight: 1 },
          { name: 'lstm', architecture: 'lstm', trainSeconds: 0, weight: 0, note: 'skipped: budget' },
        ],
        chosen: 'ngram',
        reason: 'because',
        budgetSeconds: 170,
      },
    };
    const autoRows = new Map(manifestRows(auto, { path: '/m', bytes: 1, form: 'directory' }));
    expect(autoRows.get('training')).toBe('600 examples, 3 candidates compared, 12.5s, seed 42');
    expect(autoRows.get('auto')).toBe('kept ngram: because');
    expect(autoRows.get('  lstm')).toBe('not trained; skipped: budget');
    expect(autoRows.get('members')).toBe('ngram (ngram, weight 1)');
  });

  it('omits training and metrics rows when the manifest has none', () => {
    const { training: _t, metrics: _m, ...bare } = manifest;
    const keys = manifestRows(bare, { path: '/m.glossa', bytes: 10, form: 'file' }).map(([key]) => key);
    expect(keys).not.toContain('training');
    expect(keys).not.toContain('validation');
  });
});
