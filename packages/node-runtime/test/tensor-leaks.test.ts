import { join } from 'node:path';
import { memory } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createTextClassifier, initBackend, loadBundle, saveBundle } from '../src/index.js';
import { useTempDir } from './temp-dir.js';

// The backend the CLI and servers use by default here (wasm): a loaded bundle's tensor count stays flat
// across 100,000 predictions, and loading, predicting and disposing repeatedly frees everything.

const tempDir = useTempDir();
const data = Array.from({ length: 120 }, (_, i) => ({ text: `${i % 2 ? 'great fun' : 'dull poor'} film ${i % 9}`, label: i % 2 ? 'pos' : 'neg' }));
const words = ['great', 'dull', 'the', 'film', 'fun', 'poor', 'plot', '🎬'];
const texts = (n: number, offset: number): string[] =>
  Array.from({ length: n }, (_, i) => `${words[(offset + i) % 8]} ${words[((offset + i) >> 3) % 8]}`.slice(0, 3 + ((offset + i) % 12)));

describe('tensor memory on wasm', () => {
  it('stays flat across 100,000 predictions of a loaded bundle and across load/dispose cycles', async () => {
    await initBackend({ backend: 'wasm', job: 'train' });
    const trained = createTextClassifier({ architecture: 'lstm', embeddingDim: 8, units: 8, maxLength: 16 });
    await trained.fit(data, { epochs: 1, seed: 2 });
    const path = await saveBundle(trained, join(tempDir(), 'model'));
    trained.dispose();

    const baseline = memory().numTensors;
    const clf = await loadBundle(path);
    await clf.predict(texts(5, 0));
    const loaded = memory().numTensors;
    let predicted = 0;
    for (let call = 0; predicted < 100_000; call++) {
      const batch = texts(call % 4 === 0 ? 1 : 500, predicted);
      await clf.predictProbabilities(batch);
      predicted += batch.length;
      if (call % 40 === 0) expect(memory().numTensors).toBe(loaded);
    }
    expect(memory().numTensors).toBe(loaded);
    clf.dispose();
    expect(memory().numTensors).toBe(baseline);

    for (let i = 0; i < 5; i++) {
      const again = await loadBundle(path);
      await again.predict(texts(100, i));
      again.dispose();
      expect(memory().numTensors).toBe(baseline);
    }
    await initBackend({ backend: 'cpu' });
  });
});
