import { NEURAL_ARCHITECTURES } from '../src/architectures/registry.js';
import { memory, mul, tidy } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type TrainingCheckpoint, createTextClassifier } from '../src/index.js';
import { syntheticSentiment } from '@glossa/test-data';

// Tensor counts on the backend the unit tests use (tfjs's cpu backend, test/setup-backend.ts): flat across
// 100,000 predictions and across repeated fits, including aborted, diverged and resumed ones.

const data = syntheticSentiment(200, 3);
const small = { embeddingDim: 8, units: 8, vocabSize: 100, maxLength: 16, kernelSize: 3 } as const;

/** `n` short texts, different every call. */
function texts(n: number, offset: number): string[] {
  const words = ['great', 'awful', 'the', 'film', 'plot', 'was', 'boring', 'superb'];
  return Array.from({ length: n }, (_, i) => {
    const k = offset + i;
    return `${words[k % 8]} ${words[(k >> 3) % 8]} ${words[(k >> 6) % 8]}`.slice(0, 4 + (k % 20));
  });
}

describe('tensor memory', () => {
  // The default architecture (lstm) and bow over 100,000 texts; cnn (slowest on cpu) over 25,000.
  for (const [architecture, total] of [
    ['lstm', 100_000],
    ['bow', 100_000],
    ['cnn', 25_000],
  ] as const) {
    it(`stays flat across ${total.toLocaleString('en')} ${architecture} predictions`, async () => {
      const clf = createTextClassifier({ architecture, ...small });
      await clf.fit(data, { epochs: 1, seed: 1 });
      await clf.predict(texts(10, 0)); // first call: lazily made inference state, if any
      const tensors = memory().numTensors;
      const bytes = memory().numBytes;
      const seen = new Set<number>();
      let predicted = 0;
      for (let call = 0; predicted < total; call++) {
        const batch = texts(call % 3 === 0 ? 1 : 250, predicted);
        const out = call % 2 === 0 ? await clf.predict(batch) : await clf.predictProbabilities(batch, { batchSize: 64 });
        expect(out.length).toBeGreaterThan(0);
        predicted += batch.length;
        if (call % 50 === 0) seen.add(memory().numTensors);
      }
      await clf.explain('a great film');
      await clf.evaluate(data.slice(0, 50));
      expect(predicted).toBeGreaterThanOrEqual(total);
      expect([...seen]).toEqual([tensors]);
      expect(memory().numTensors).toBe(tensors);
      expect(memory().numBytes).toBe(bytes);
      clf.dispose();
    });
  }

  it('stays flat across repeated fits and disposes, also when a fit is aborted, diverges or resumes', async () => {
    const baseline = memory().numTensors;
    const counts: number[] = [];
    const reused = createTextClassifier({ architecture: 'lstm', dropout: 0.2, ...small });
    let checkpoint: TrainingCheckpoint | undefined;
    for (let round = 0; round < 6; round++) {
      // A fresh classifier each time: fit, predict, dispose.
      for (const architecture of NEURAL_ARCHITECTURES) {
        const clf = createTextClassifier({ architecture, ...small });
        await clf.fit(data, {
          epochs: 1,
          seed: round,
          onCheckpoint: (c) => {
            checkpoint = c;
          },
        });
        await clf.predict(texts(20, round));
        clf.dispose();
      }
      // Refitting the same classifier replaces its model.
      await reused.fit(data, { epochs: 1, seed: round });
      // Aborted mid-epoch.
      const controller = new AbortController();
      await expect(
        reused.fit(data, {
          epochs: 2,
          signal: controller.signal,
          onCheckpoint: (c) => {
            checkpoint = c;
          },
          onProgress: (e) => {
            if (e.type === 'batch' && e.batch === 2) controller.abort();
          },
        }),
      ).rejects.toMatchObject({ code: 'ABORTED' });
      // Resumed from that checkpoint.
      await reused.fit(data, { epochs: 2, resumeFrom: checkpoint! });
      // Diverged: a poisoned weight makes the next loss NaN.
      await expect(
        reused.fit(data, {
          epochs: 1,
          onProgress: (e) => {
            if (e.type === 'batch' && e.batch === 1) {
              const w = reused.model!.getLayer('output').weights[1]!;
              tidy(() => {
                w.write(mul(w.read(), Number.NaN));
              });
            }
          },
        }),
      ).rejects.toMatchObject({ code: 'TRAINING_DIVERGED' });
      counts.push(memory().numTensors - baseline);
    }
    reused.dispose();
    // Each round ends with the diverged fit, which leaves no model behind: nothing is held between rounds.
    expect(counts).toEqual([0, 0, 0, 0, 0, 0]);
    expect(memory().numTensors).toBe(baseline);
  });
});
