import { memory } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { deserializeBundle, readManifest, serializeBundle } from '../../bundle.js';
import { packBundle, unpackBundle } from '../../pack.js';
import { createTextClassifier } from '../../text-classifier.js';
import { restoreAutoClassifier } from './auto-classifier.js';

const small = { embeddingDim: 8, units: 8, vocabSize: 300 };
const texts = ['a wonderful film', 'awful, boring plot', '', '好看 🙂', 'the story was poor but the actors were brilliant'];

describe('createTextClassifier() — the auto portfolio', () => {
  it('is the default architecture', () => {
    expect(createTextClassifier().options.architecture).toBe('auto');
  });

  it('trains ngram and lstm, reports both, keeps the lower validation loss or their average, and round-trips through a bundle', async () => {
    const tensorsBefore = memory().numTensors;
    const clf = createTextClassifier(small);
    const events: string[] = [];
    const result = await clf.fit(syntheticSentiment(400, 4), {
      epochs: 3,
      seed: 3,
      onProgress: (e) => {
        if (e.type === 'start') events.push(e.candidate ?? '?');
      },
    });
    expect(events).toEqual(['ngram', 'lstm']);
    const portfolio = result.portfolio!;
    expect(portfolio.candidates.map((c) => c.name)).toEqual(['ngram', 'lstm']);
    for (const c of portfolio.candidates) {
      expect(c.valAccuracy).toBeGreaterThan(0.5);
      expect(c.valLoss).toBeGreaterThan(0);
    }
    const weights = portfolio.candidates.map((c) => c.weight);
    expect(weights[0]! + weights[1]!).toBeCloseTo(1, 9);
    const best = Math.min(...portfolio.candidates.map((c) => c.valLoss!));
    expect(portfolio.valLoss!).toBeLessThanOrEqual(best + 1e-12);
    expect(portfolio.reason).toMatch(/validation loss/);
    expect(clf.portfolio).toEqual(portfolio);
    expect(result.validation!.accuracy).toBeCloseTo(portfolio.valAccuracy!, 9);

    const probs = await clf.predictProbabilities(texts);
    for (let i = 0; i < texts.length; i++) expect(probs[2 * i]! + probs[2 * i + 1]!).toBeCloseTo(1, 5);
    const explanation = await clf.explain('the plot was dreadful');
    expect(explanation.tokens.map((t) => t.token)).toEqual(['the', 'plot', 'was', 'dreadful']);

    const files = unpackBundle(packBundle(await serializeBundle(clf)));
    const manifest = readManifest(files);
    expect(manifest.architecture).toBe('auto');
    expect(manifest.formatVersion).toBe(2);
    expect(manifest.portfolio?.chosen).toBe(portfolio.chosen);
    expect(manifest.members?.map((m) => m.name)).toEqual(portfolio.candidates.filter((c) => c.weight > 0).map((c) => c.name));
    const loaded = await deserializeBundle(files);
    expect(Array.from(await loaded.predictProbabilities(texts))).toEqual(Array.from(probs));
    expect(loaded.portfolio?.reason).toBe(portfolio.reason);
    loaded.dispose();
    clf.dispose();
    expect(memory().numTensors).toBe(tensorsBefore);
  });

  it('is reproducible from its seed', async () => {
    const run = async () => {
      const clf = createTextClassifier(small);
      await clf.fit(syntheticSentiment(300, 8), { epochs: 2, seed: 5 });
      const p = Array.from(await clf.predictProbabilities(texts));
      clf.dispose();
      return p;
    };
    expect(await run()).toEqual(await run());
  });

  it('skips the lstm when the time budget leaves no room, and says so', async () => {
    const clf = createTextClassifier(small);
    const result = await clf.fit(syntheticSentiment(300, 2), { timeLimitSeconds: 0 });
    expect(result.portfolio!.chosen).toBe('ngram');
    expect(result.portfolio!.candidates[1]!.note).toMatch(/skipped: an epoch over [\d,]+ tokens is estimated at \d+ s, and two do not fit/);
    expect(clf.model).toBeUndefined();
    clf.dispose();
  });

  it('saves and loads an average of an ngram and an lstm member with identical scores', async () => {
    const data = syntheticSentiment(300, 6);
    const ngram = createTextClassifier({ ...small, architecture: 'ngram' });
    await ngram.fit(data);
    const lstm = createTextClassifier({ ...small, architecture: 'lstm' });
    await lstm.fit(data, { epochs: 2 });
    const options = { ...createTextClassifier(small).options };
    const portfolio = { candidates: [], chosen: 'ensemble', reason: 'test', budgetSeconds: 1 };
    const both = restoreAutoClassifier({
      options,
      labels: [...ngram.labels],
      members: [
        { name: 'ngram', weight: 0.6, classifier: ngram },
        { name: 'lstm', weight: 0.4, classifier: lstm },
      ],
      portfolio,
    });
    const files = await serializeBundle(both);
    expect(Object.keys(files).sort()).toEqual([
      'lstm.manifest.json',
      'lstm.model.json',
      'lstm.preprocessing.json',
      'lstm.weights.bin',
      'manifest.json',
      'ngram.features.bin',
      'ngram.manifest.json',
      'ngram.preprocessing.json',
      'ngram.weights.bin',
    ]);
    const loaded = await deserializeBundle(unpackBundle(packBundle(files)));
    const expected = await both.predictProbabilities(texts);
    const a = await ngram.predictProbabilities(texts);
    const b = await lstm.predictProbabilities(texts);
    expected.forEach((p, i) => {
      expect(p).toBeCloseTo(0.6 * a[i]! + 0.4 * b[i]!, 6);
    });
    expect(Array.from(await loaded.predictProbabilities(texts))).toEqual(Array.from(expected));
    expect(loaded.model).toBeDefined();
    loaded.dispose();
    both.dispose();
  });

  it('refuses a damaged member', async () => {
    const clf = createTextClassifier(small);
    await clf.fit(syntheticSentiment(300, 2), { timeLimitSeconds: 0 });
    const files = await serializeBundle(clf);
    const { 'ngram.features.bin': _, ...missing } = files;
    await expect(deserializeBundle(missing)).rejects.toMatchObject({ code: 'BUNDLE_MISSING_FILE' });
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    manifest.members[0].architecture = 'lstm';
    await expect(deserializeBundle({ ...files, 'manifest.json': new TextEncoder().encode(JSON.stringify(manifest)) })).rejects.toMatchObject({
      code: 'BUNDLE_INVALID',
      message: expect.stringMatching(/member "ngram" is invalid/),
    });
    clf.dispose();
  });
});
