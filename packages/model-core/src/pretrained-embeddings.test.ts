import { NEURAL_ARCHITECTURES } from './architectures/registry.js';
import { memory } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { deserializeBundle, readManifest, serializeBundle } from './bundle.js';
import type { TrainingCheckpoint } from './checkpoint.js';
import { ModelCoreError } from './errors.js';
import { type TextClassifier, createTextClassifier } from './text-classifier.js';
import type { FitOptions, PretrainedEmbeddings } from './types.js';

const data = syntheticSentiment(120, 3);
const DIM = 8;
// A tiny learning rate: one epoch moves no weight by more than ~1e-6, so rows keep their initial values.
const FIT: FitOptions = { epochs: 1, batchSize: 32, seed: 5, validationSplit: 0, earlyStopping: false };

/** A distinctive vector per token (values far from the ±0.05 random initialisation). */
function vectorFor(token: string): Float32Array {
  return Float32Array.from({ length: DIM }, (_, i) => 0.5 + ((token.charCodeAt(0) * (i + 1)) % 17) / 10);
}

function embeddingRows(clf: TextClassifier): Float32Array {
  const weight = clf.model!.layers.find((layer) => layer.getClassName() === 'GlossaEmbedding')!.weights[0]!;
  return (weight.read().dataSync() as Float32Array).slice();
}

const row = (values: Float32Array, id: number): Float32Array => values.subarray(id * DIM, (id + 1) * DIM);

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('FitOptions.pretrainedEmbeddings', () => {
  for (const architecture of NEURAL_ARCHITECTURES) {
    it(`sets the embedding rows of covered tokens (${architecture})`, async () => {
      const before = memory().numTensors;
      const options = { architecture, embeddingDim: DIM, units: 4, kernelSize: 2, vocabSize: 200, learningRate: 1e-7 };
      const baseline = createTextClassifier(options);
      await baseline.fit(data, FIT);
      const initial = embeddingRows(baseline);

      const clf = createTextClassifier(options);
      const calls: Array<{ vocabulary: readonly string[]; dim: number }> = [];
      let covered: string[] = [];
      const result = await clf.fit(data, {
        ...FIT,
        pretrainedEmbeddings: async (vocabulary, dim) => {
          calls.push({ vocabulary: [...vocabulary], dim });
          // Every other real token, plus <unk>, which must be left alone, and a token not in the vocabulary.
          covered = vocabulary.filter((_, id) => id >= 2 && id % 2 === 0);
          const vectors = new Map(covered.map((token) => [token, vectorFor(token)]));
          vectors.set('<unk>', vectorFor('<unk>'));
          vectors.set('not-in-the-vocabulary', vectorFor('x'));
          return { vectors, source: 'test.vec' };
        },
      });

      const vocabulary = clf.pipeline!.vocabulary.tokens();
      expect(calls).toEqual([{ vocabulary: [...vocabulary], dim: DIM }]);
      expect(vocabulary.slice(0, 2)).toEqual(['<pad>', '<unk>']);
      expect(covered.length).toBeGreaterThan(5);
      expect(result.pretrained).toEqual({ covered: covered.length, vocabularySize: vocabulary.length - 2, source: 'test.vec' });
      expect(clf.training?.pretrained).toEqual(result.pretrained);

      const trained = embeddingRows(clf);
      for (let id = 0; id < vocabulary.length; id++) {
        const token = vocabulary[id]!;
        if (id >= 2 && id % 2 === 0) {
          expect(maxDifference(row(trained, id), vectorFor(token)), token).toBeLessThan(1e-5);
          expect(maxDifference(row(trained, id), row(initial, id)), token).toBeGreaterThan(0.1);
        } else {
          // <pad>, <unk> and uncovered tokens keep their random initialisation (same seed as the baseline).
          expect(maxDifference(row(trained, id), row(initial, id)), token).toBeLessThan(1e-5);
          expect(maxDifference(row(trained, id), vectorFor(token)), token).toBeGreaterThan(0.1);
        }
      }
      baseline.dispose();
      clf.dispose();
      expect(memory().numTensors).toBe(before);
    });
  }

  it('accepts a synchronous callback without a source', async () => {
    const clf = createTextClassifier({ architecture: 'bow', embeddingDim: DIM, vocabSize: 100 });
    const result = await clf.fit(data, { ...FIT, pretrainedEmbeddings: () => ({ vectors: new Map([['film', vectorFor('film')]]) }) });
    expect(result.pretrained).toEqual({ covered: 1, vocabularySize: clf.pipeline!.vocabulary.size - 2 });
    clf.dispose();
  });

  it('rejects a vector of the wrong length with INVALID_OPTIONS naming the token and both sizes', async () => {
    const clf = createTextClassifier({ architecture: 'bow', embeddingDim: DIM, vocabSize: 100 });
    const promise = clf.fit(data, { ...FIT, pretrainedEmbeddings: () => ({ vectors: new Map([['film', new Float32Array(5)]]) }) });
    await expect(promise).rejects.toThrow(ModelCoreError);
    await expect(promise).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(promise).rejects.toThrow(
      /pretrainedEmbeddings gave a vector of 5 values for "film", but the embedding dimension \(embeddingDim\) is 8\. Set embeddingDim to 5/,
    );
    expect(clf.isTrained).toBe(false);
  });

  it('rejects non-finite values and a result without a map', async () => {
    const clf = createTextClassifier({ architecture: 'bow', embeddingDim: 2, vocabSize: 100 });
    await expect(clf.fit(data, { ...FIT, pretrainedEmbeddings: () => ({ vectors: new Map([['film', Float32Array.of(1, Number.NaN)]]) }) })).rejects.toThrow(
      /"film" a vector whose value 2 is NaN/,
    );
    await expect(clf.fit(data, { ...FIT, pretrainedEmbeddings: () => ({}) as unknown as PretrainedEmbeddings })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
    expect(clf.isTrained).toBe(false);
  });

  it('keeps the coverage in the bundle manifest', async () => {
    const clf = createTextClassifier({ architecture: 'bow', embeddingDim: DIM, vocabSize: 100 });
    await clf.fit(data, { ...FIT, pretrainedEmbeddings: (vocabulary) => ({ vectors: new Map([[vocabulary[2]!, vectorFor('a')]]), source: 'wiki.en.vec' }) });
    const files = await serializeBundle(clf);
    expect(readManifest(files).training?.pretrained).toEqual({ covered: 1, vocabularySize: clf.pipeline!.vocabulary.size - 2, source: 'wiki.en.vec' });
    const loaded = await deserializeBundle(files);
    expect(loaded.training?.pretrained).toEqual(clf.training?.pretrained);
    loaded.dispose();
    clf.dispose();
  });

  it('is ignored when resuming (the weights come from the checkpoint)', async () => {
    const options = { architecture: 'bow', embeddingDim: DIM, vocabSize: 100 } as const;
    const first = createTextClassifier(options);
    let checkpoint: TrainingCheckpoint | undefined;
    const provide = () => ({ vectors: new Map([['film', vectorFor('film')]]) });
    await first.fit(data, {
      ...FIT,
      pretrainedEmbeddings: provide,
      onCheckpoint: (c) => {
        checkpoint = c;
      },
    });
    const resumed = createTextClassifier(options);
    let called = false;
    const result = await resumed.fit(data, {
      ...FIT,
      epochs: 2,
      resumeFrom: checkpoint!,
      pretrainedEmbeddings: () => {
        called = true;
        return provide();
      },
    });
    expect(called).toBe(false);
    expect(result.pretrained).toBeUndefined();
    first.dispose();
    resumed.dispose();
  });
});
