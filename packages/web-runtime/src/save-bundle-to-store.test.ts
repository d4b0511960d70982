import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARITY_TEXTS, tinyData } from '../test/tiny-data.js';
import { bundleToBlob } from './bundle-to-blob.js';
import { createIndexedDbStore } from './create-indexed-db-store.js';
import { downloadBundle } from './download-bundle.js';
import { loadBundleFromBlob } from './fetch-bundle.js';
import { type TextClassifier, createTextClassifier, isPackedBundle } from './index.js';
import { loadBundleFromStore } from './load-bundle-from-store.js';
import { saveBundleToStore } from './save-bundle-to-store.js';

let classifier: TextClassifier;

beforeAll(async () => {
  classifier = createTextClassifier({ architecture: 'bow', embeddingDim: 8 });
  await classifier.fit(tinyData(), { epochs: 2, validationSplit: 0 });
});

afterAll(() => classifier.dispose());

describe('saveBundleToStore', () => {
  it('stores the packed bundle that loadBundleFromStore loads with identical scores', async () => {
    const store = createIndexedDbStore({ indexedDB: new IDBFactory() });
    await saveBundleToStore(classifier, store, 'sentiment.glossa');
    expect(await store.list()).toEqual(['sentiment.glossa']);
    expect(isPackedBundle((await store.read('sentiment.glossa'))!)).toBe(true);
    const loaded = await loadBundleFromStore(store, 'sentiment.glossa');
    expect(Array.from(await loaded.predictProbabilities(PARITY_TEXTS))).toEqual(Array.from(await classifier.predictProbabilities(PARITY_TEXTS)));
    expect(loaded.labels).toEqual(classifier.labels);
    loaded.dispose();
  });

  it('rejects an untrained classifier with a BundleError', async () => {
    const store = createIndexedDbStore({ indexedDB: new IDBFactory() });
    await expect(saveBundleToStore(createTextClassifier(), store, 'x.glossa')).rejects.toMatchObject({
      name: expect.stringMatching(/BundleError|ModelCoreError/),
    });
    expect(await store.list()).toEqual([]);
  });
});

describe('loadBundleFromStore', () => {
  it('fails with NOT_FOUND naming what is stored', async () => {
    const store = createIndexedDbStore({ indexedDB: new IDBFactory() });
    await saveBundleToStore(classifier, store, 'a.glossa');
    await expect(loadBundleFromStore(store, 'b.glossa')).rejects.toMatchObject({
      name: 'WebRuntimeError',
      code: 'NOT_FOUND',
      message: expect.stringMatching(/"b\.glossa" \(stored: "a\.glossa"\)/),
    });
  });

  it('fails with BUNDLE_CORRUPT when the stored bytes are not a bundle', async () => {
    const store = createIndexedDbStore({ indexedDB: new IDBFactory() });
    await store.write('junk', new TextEncoder().encode('<html>not found</html>'));
    await expect(loadBundleFromStore(store, 'junk')).rejects.toMatchObject({ name: 'BundleError', code: 'BUNDLE_CORRUPT' });
  });
});

describe('bundleToBlob', () => {
  it('gives an application/zip Blob that loads back with identical scores', async () => {
    const blob = await bundleToBlob(classifier);
    expect(blob.type).toBe('application/zip');
    expect(isPackedBundle(new Uint8Array(await blob.arrayBuffer()))).toBe(true);
    const loaded = await loadBundleFromBlob(blob);
    expect(Array.from(await loaded.predictProbabilities(PARITY_TEXTS))).toEqual(Array.from(await classifier.predictProbabilities(PARITY_TEXTS)));
    loaded.dispose();
  });
});

describe('downloadBundle', () => {
  it('explains that it needs a page when there is no document (the download itself is tested in Chromium)', async () => {
    await expect(downloadBundle(classifier)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/no document/) });
  });
});
