// Bundles written by model-core 0.1 (format 1: lstm, bow, cnn) keep loading and scoring identically.
// The fixtures were made by scripts/make-bundle-fixtures.ts before the architecture registry existed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deserializeBundle, quantizeBundle, readManifest, unpackBundle } from '../src/index.js';
import { FIXTURE_TEXTS } from './fixtures/bundle-fixture-texts.js';

const DIR = join(import.meta.dirname, 'fixtures', 'bundles-v1');
const expected = JSON.parse(readFileSync(join(DIR, 'expected-scores.json'), 'utf8')) as Record<string, number[]>;

describe('format-1 bundles from model-core 0.1', () => {
  for (const architecture of ['lstm', 'bow', 'cnn']) {
    it(`${architecture}: loads and predicts the scores it was saved with`, async () => {
      const files = unpackBundle(readFileSync(join(DIR, `${architecture}.glossa`)));
      expect(readManifest(files).formatVersion).toBe(1);
      const classifier = await deserializeBundle(files);
      expect(classifier.options.architecture).toBe(architecture);
      const scores = Array.from(await classifier.predictProbabilities(FIXTURE_TEXTS));
      expect(scores).toHaveLength(expected[architecture]!.length);
      const worst = Math.max(...scores.map((s, i) => Math.abs(s - expected[architecture]![i]!)));
      expect(worst).toBeLessThan(1e-6);
      classifier.dispose();
    });
  }
});

describe('format-1 bundles from model-core 0.1, quantized', () => {
  for (const architecture of ['lstm', 'bow', 'cnn']) {
    it(`${architecture}: quantizes (int8, float16) to format 3 and scores close to what it was saved with`, async () => {
      const files = unpackBundle(readFileSync(join(DIR, `${architecture}.glossa`)));
      for (const [dtype, tolerance] of [
        ['int8', 0.02],
        ['float16', 1e-3],
      ] as const) {
        const quantized = quantizeBundle(files, { dtype });
        expect(readManifest(quantized).formatVersion).toBe(3);
        const classifier = await deserializeBundle(quantized);
        const scores = Array.from(await classifier.predictProbabilities(FIXTURE_TEXTS));
        const worst = Math.max(...scores.map((s, i) => Math.abs(s - expected[architecture]![i]!)));
        expect(worst, dtype).toBeLessThan(tolerance);
        classifier.dispose();
      }
      // The float32 fixture is untouched and still loads as format 1.
      expect(readManifest(files).formatVersion).toBe(1);
    });
  }
});
