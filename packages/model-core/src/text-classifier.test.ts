import { ARCHITECTURES, NEURAL_ARCHITECTURES } from './architectures/registry.js';
import { memory } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { ModelCoreError } from './errors.js';
import type { Architecture } from './options.js';
import { createTextClassifier } from './text-classifier.js';
import type { TrainingEvent } from './types.js';

const data = syntheticSentiment(600, 1);
const test = syntheticSentiment(200, 99);
const small = { embeddingDim: 16, units: 16, vocabSize: 500 } as const;

describe('createTextClassifier', () => {
  it('rejects unknown options and out-of-range values with the allowed range', () => {
    expect(() => createTextClassifier({ architecture: 'rnn' as Architecture })).toThrow(`architecture must be one of ${ARCHITECTURES.join(', ')} (got rnn)`);
    expect(() => createTextClassifier({ maxLength: 0 })).toThrow(/maxLength must be an integer from 1 to 10000 \(got 0\)/);
    expect(() => createTextClassifier({ dropout: 1 })).toThrow(ModelCoreError);
    expect(() => createTextClassifier({ colour: 'red' } as never)).toThrow(/unknown option "colour"/);
  });
});

describe('TextClassifier.fit', () => {
  for (const architecture of NEURAL_ARCHITECTURES) {
    it(`learns a separable task with the ${architecture} architecture and leaks no tensors`, async () => {
      const before = memory().numTensors;
      const clf = createTextClassifier({ architecture, ...small, kernelSize: 3 });
      const result = await clf.fit(data, { epochs: 6, batchSize: 32, seed: 7 });
      expect(result.epochsRun).toBeGreaterThan(0);
      expect(result.validation?.accuracy).toBeGreaterThan(0.9);
      const report = await clf.evaluate(test);
      expect(report.accuracy).toBeGreaterThan(0.9);
      expect(report.n).toBe(200);
      const [p] = await clf.predict(['a wonderful and brilliant film']);
      expect(p!.label).toBe('positive');
      expect(p!.scores.positive! + p!.scores.negative!).toBeCloseTo(1, 5);
      clf.dispose();
      expect(memory().numTensors).toBe(before);
    });
  }

  it('is repeatable: the same seed gives the same history and scores', async () => {
    const run = async () => {
      const clf = createTextClassifier({ architecture: 'lstm', ...small, dropout: 0.2 });
      const r = await clf.fit(data.slice(0, 200), { epochs: 2, seed: 3 });
      const probs = await clf.predictProbabilities(test.slice(0, 20).map((e) => e.text));
      clf.dispose();
      return { losses: r.history.map((h) => h.loss), probs: Array.from(probs) };
    };
    const a = await run();
    const b = await run();
    expect(b).toEqual(a);
  });

  it('gives each text the same scores alone as in a batch of longer texts', async () => {
    for (const architecture of NEURAL_ARCHITECTURES) {
      const clf = createTextClassifier({ architecture, ...small });
      await clf.fit(data.slice(0, 200), { epochs: 1, seed: 1, validationSplit: 0 });
      const texts = test.slice(0, 30).map((e) => e.text);
      texts.push('', 'great');
      const batched = await clf.predictProbabilities(texts, { batchSize: 256 });
      for (let i = 0; i < texts.length; i += 7) {
        const alone = await clf.predictProbabilities([texts[i]!]);
        expect(Math.abs(alone[0]! - batched[i * 2]!)).toBeLessThan(1e-5);
      }
      clf.dispose();
    }
  });

  it('reports progress per batch and epoch, with early stopping and restored best weights', async () => {
    const events: TrainingEvent[] = [];
    const clf = createTextClassifier({ architecture: 'bow', ...small, learningRate: 0.05 });
    // A quarter of the labels flipped: the model overfits the noise and validation loss turns up.
    const noisy = data.map((e, i) => (i % 4 === 1 ? { ...e, label: e.label === 'positive' ? 'negative' : 'positive' } : e));
    const result = await clf.fit(noisy, { epochs: 30, batchSize: 64, earlyStopping: { patience: 1 }, onProgress: (e) => events.push(e) });
    expect(events[0]!.type).toBe('start');
    expect(events.at(-1)!.type).toBe('end');
    const batches = events.filter((e) => e.type === 'batch');
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs).toHaveLength(result.epochsRun);
    expect(batches).toHaveLength(result.epochsRun * Math.ceil(540 / 64));
    expect(result.stoppedEarly).toBe(true);
    // Keras semantics: training stops right after `patience` epochs without improvement.
    expect(result.epochsRun).toBe(result.bestEpoch + 1);
    const bestLoss = Math.min(...result.history.map((h) => h.valLoss!));
    expect(result.history[result.bestEpoch - 1]!.valLoss).toBe(bestLoss);
    expect(result.validation!.logLoss).toBeCloseTo(bestLoss, 4);
    clf.dispose();
  });

  it('trains at realistic sizes on the cpu backend: a 20,000-word vocabulary and 120-token texts', async () => {
    // Stock tfjs's Embedding gradient (UnsortedSegmentSum) takes minutes a step here at this size.
    const words = Array.from({ length: 30_000 }, (_, i) => `w${i.toString(36)}`);
    const examples = Array.from({ length: 64 }, (_, i) => ({
      text: Array.from({ length: 120 }, (_, j) => words[(i * 7919 + j * 104_729) % words.length]).join(' ') + (i % 2 ? ' great' : ' awful'),
      label: i % 2 ? 'positive' : 'negative',
    }));
    // Two long texts fill the vocabulary past 20,000 distinct words (the vocabulary is built from whole
    // texts; encoding then truncates them to maxLength).
    const filler = [0, 1].map((i) => ({ text: words.slice(i * 15_000, (i + 1) * 15_000).join(' '), label: i % 2 ? 'positive' : 'negative' }));
    for (const architecture of NEURAL_ARCHITECTURES) {
      const before = memory().numTensors;
      const clf = createTextClassifier({ architecture, maxLength: 121 });
      const result = await clf.fit([...examples, ...filler], { epochs: 1, batchSize: 64, validationSplit: 0 });
      expect(clf.pipeline!.vocabulary.size).toBe(20_000);
      expect(result.history[0]!.loss).toBeGreaterThan(0);
      expect(clf.model!.getLayer('embedding').getWeights()[0]!.shape).toEqual([20_000, 64]);
      clf.dispose();
      expect(memory().numTensors).toBe(before);
    }
  });

  it('trains on one-word and empty texts', async () => {
    for (const architecture of NEURAL_ARCHITECTURES) {
      const clf = createTextClassifier({ architecture, ...small });
      const words = Array.from({ length: 64 }, (_, i) => (i % 2 ? { text: 'great', label: 'pos' } : { text: i % 4 ? 'awful' : '', label: 'neg' }));
      const result = await clf.fit(words, { epochs: 1, batchSize: 16, validationSplit: 0 });
      expect(result.history[0]!.loss).toBeGreaterThan(0);
      clf.dispose();
    }
  });

  it('stops when aborted and frees its tensors', async () => {
    const before = memory().numTensors;
    const controller = new AbortController();
    const clf = createTextClassifier({ architecture: 'bow', ...small });
    const promise = clf.fit(data, { epochs: 3, onProgress: (e) => e.type === 'batch' && e.batch === 2 && controller.abort(), signal: controller.signal });
    await expect(promise).rejects.toMatchObject({ code: 'ABORTED' });
    clf.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('rejects data with one class, and weights classes on request', async () => {
    const clf = createTextClassifier({ architecture: 'bow', ...small });
    await expect(clf.fit(data.map((e) => ({ ...e, label: 'x' })))).rejects.toThrow(/only one class/);
    await expect(clf.fit(data, { classWeight: { nope: 2 } })).rejects.toThrow(/classWeight names "nope"/);
    await expect(
      clf.fit([
        { text: 'a', label: 'x' },
        { text: 'b', label: 'y' },
      ]),
    ).rejects.toThrow(/cannot hold out a validation split from 2 examples/);
    const r = await clf.fit(data, { epochs: 1, classWeight: 'balanced' });
    expect(r.epochsRun).toBe(1);
    clf.dispose();
  });

  it('evaluates with unseen labels reported and excluded', async () => {
    const clf = createTextClassifier({ architecture: 'bow', ...small });
    await clf.fit(data, { epochs: 3 });
    const report = await clf.evaluate([...test.slice(0, 10), { text: 'meh', label: 'neutral' }]);
    expect(report.n).toBe(10);
    expect(report.unknownLabels).toEqual([{ label: 'neutral', count: 1 }]);
    await expect(createTextClassifier().predict(['x'])).rejects.toMatchObject({ code: 'NOT_TRAINED' });
    clf.dispose();
  });
});

describe('TextClassifier.explain', () => {
  it('attributes the prediction to the sentiment words, consistently with removing them', async () => {
    const clf = createTextClassifier({ architecture: 'bow', ...small });
    await clf.fit(data, { epochs: 6, seed: 2 });
    const text = 'the plot was wonderful and the actors were brilliant';
    const explanation = await clf.explain(text);
    expect(explanation.label).toBe('positive');
    expect(explanation.method).toBe('occlusion');
    const tokens = explanation.tokens.map((t) => t.token);
    expect(tokens).toEqual(clf.pipeline!.tokenize(text));
    const top = [...explanation.tokens]
      .sort((a, b) => b.score - a.score)
      .slice(0, 2)
      .map((t) => t.token);
    expect(top.sort()).toEqual(['brilliant', 'wonderful']);
    // The score of a token is exactly the probability drop when the text is scored without it.
    const [without] = await clf.predict(['the plot was and the actors were brilliant']);
    const wonderful = explanation.tokens.find((t) => t.token === 'wonderful')!;
    expect(wonderful.score).toBeCloseTo(explanation.scores.positive! - without!.scores.positive!, 5);
    const negative = await clf.explain(text, { label: 'negative' });
    expect(negative.tokens.find((t) => t.token === 'wonderful')!.score).toBeLessThan(0);
    await expect(clf.explain(text, { label: 'meh' })).rejects.toThrow(/label "meh" is not one of/);
    expect((await clf.explain('')).tokens).toEqual([]);
    clf.dispose();
  });
});

describe('truncating', () => {
  const long = 'the film was really very long and the plot was dreadful';
  for (const truncating of ['pre', 'post'] as const) {
    it(`${truncating}: keeps the ${truncating === 'pre' ? 'end' : 'beginning'} of a long text, and explains those tokens`, async () => {
      const clf = createTextClassifier({ architecture: 'bow', embeddingDim: 4, maxLength: 3, truncating });
      await clf.fit(syntheticSentiment(100, 2), { epochs: 1, validationSplit: 0 });
      const tokens = long.split(' ');
      const kept = truncating === 'pre' ? tokens.slice(-3) : tokens.slice(0, 3);
      expect(Array.from(clf.pipeline!.encode(long))).toEqual(Array.from(clf.pipeline!.encode(kept.join(' '))));
      expect((await clf.explain(long)).tokens.map((t) => t.token)).toEqual(kept);
      clf.dispose();
    });
  }

  it('defaults to pre (keep the end, as Keras), and refuses other values', () => {
    expect(createTextClassifier().options.truncating).toBe('pre');
    expect(() => createTextClassifier({ truncating: 'middle' as never })).toThrow(/truncating must be "pre".*or "post"/);
  });
});
