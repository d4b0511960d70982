import { NEURAL_ARCHITECTURES } from './architectures/registry.js';
import { getKernel, profile } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { requiredKernels } from './required-kernels.js';
import { createTextClassifier } from './text-classifier.js';

async function kernelsUsed(job: 'train' | 'predict'): Promise<string[]> {
  const names = new Set<string>();
  for (const architecture of NEURAL_ARCHITECTURES) {
    const clf = createTextClassifier({ architecture, embeddingDim: 4, units: 4, vocabSize: 50, dropout: 0.1 });
    const data = syntheticSentiment(40, 2);
    if (job === 'train') {
      const info = await profile(() => clf.fit(data, { epochs: 1, batchSize: 20, validationSplit: 0 }).then(() => undefined) as never);
      for (const k of info.kernelNames) names.add(k);
    } else {
      await clf.fit(data, { epochs: 1, batchSize: 20, validationSplit: 0 });
      const info = await profile(() => clf.predictProbabilities(data.map((e) => e.text)) as never);
      for (const k of info.kernelNames) names.add(k);
    }
    clf.dispose();
  }
  // tf.profile also lists op scopes; keep the registered kernels.
  return [...names].filter((k) => getKernel(k, 'cpu') !== undefined).sort();
}

describe('requiredKernels', () => {
  it('lists every kernel prediction dispatches', async () => {
    const used = await kernelsUsed('predict');
    expect(used.filter((k) => !requiredKernels('predict').includes(k))).toEqual([]);
  });

  it('lists every kernel training dispatches', async () => {
    const used = await kernelsUsed('train');
    expect(used.filter((k) => !requiredKernels('train').includes(k))).toEqual([]);
  });
});
