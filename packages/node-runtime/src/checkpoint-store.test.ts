import { readdir, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import { createCheckpointStore } from './checkpoint-store.js';
import { initBackend } from './init-backend.js';
import { BundleError, createTextClassifier, type TrainingCheckpoint } from './index.js';

const data = Array.from({ length: 80 }, (_, i) => ({ text: `${i % 2 ? 'great fun' : 'dull poor'} film ${i % 7}`, label: i % 2 ? 'pos' : 'neg' }));

describe('createCheckpointStore', () => {
  const tmp = useTempDir();

  it('stores the checkpoint of every epoch atomically and resumes from it to the same weights', async () => {
    await initBackend({ backend: 'cpu' });
    const store = createCheckpointStore(join(tmp(), 'model.checkpoint'));
    expect(await store.load()).toBeUndefined();
    expect(await store.exists()).toBe(false);
    const options = { architecture: 'bow', embeddingDim: 8 } as const;
    const fit = { epochs: 3, batchSize: 8, seed: 4 };

    const reference = createTextClassifier(options);
    await reference.fit(data, fit);
    const expected = reference.model!.weights.map((w) => Array.from(w.read().dataSync()));
    reference.dispose();

    const controller = new AbortController();
    const first = createTextClassifier(options);
    const saved: number[] = [];
    const run = first.fit(data, {
      ...fit,
      signal: controller.signal,
      onCheckpoint: async (checkpoint: TrainingCheckpoint) => {
        await store.save(checkpoint);
        saved.push(checkpoint.epoch);
      },
      onProgress: (e) => {
        if (e.type === 'batch' && e.epoch === 2 && e.batch === 3) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    first.dispose();
    expect(saved).toEqual([1, 1]); // end of epoch 1, then the interruption inside epoch 2
    expect(await readdir(tmp())).toEqual(['model.checkpoint']);
    expect((await readdir(store.path)).sort()).toEqual(['checkpoint.json', 'preprocessing.json', 'tensors.bin']);

    const resumeFrom = await store.load();
    expect(resumeFrom).toMatchObject({ reason: 'interrupted', epoch: 1, batch: 3 });
    const second = createTextClassifier(options);
    await second.fit(data, { ...fit, resumeFrom: resumeFrom!, onCheckpoint: store.save });
    expect(second.model!.weights.map((w) => Array.from(w.read().dataSync()))).toEqual(expected);
    second.dispose();
    expect((await store.load())?.epoch).toBe(3);

    await store.remove();
    expect(await store.exists()).toBe(false);
    expect(await readdir(tmp())).toEqual([]);
  });

  it('refuses a damaged checkpoint with a BundleError', async () => {
    await initBackend({ backend: 'cpu' });
    const store = createCheckpointStore(join(tmp(), 'ckpt'));
    const clf = createTextClassifier({ architecture: 'bow', embeddingDim: 4 });
    await clf.fit(data, { epochs: 1, onCheckpoint: store.save });
    clf.dispose();
    await truncate(join(store.path, 'tensors.bin'), 10);
    const error = await store.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).code).toBe('BUNDLE_CORRUPT');
  });
});
