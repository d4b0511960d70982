import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTextClassifier, initBackend, loadBundle, saveBundle } from '../src/index.js';
import { useTempDir } from './temp-dir.js';

const tempDir = useTempDir();

function dataset(n: number): Array<{ text: string; label: string }> {
  const good = ['great', 'lovely', 'superb', 'fun'];
  const bad = ['awful', 'dull', 'poor', 'boring'];
  return Array.from({ length: n }, (_, i) => {
    const positive = i % 2 === 0;
    const word = (positive ? good : bad)[i % 4]!;
    return { text: `the film was ${word} and the cast ${i % 3 ? 'too' : 'as well'} 🎬`, label: positive ? 'pos' : 'neg' };
  });
}

const texts = ['the film was great', 'dull and poor', '', '电影很好看 🙂', 'fun fun fun'];

describe('saveBundle / loadBundle', () => {
  it('saves a directory and a .glossa file that load to the same scores, on wasm and on cpu', async () => {
    const dir = tempDir();
    await initBackend({ backend: 'wasm', job: 'train' });
    const clf = createTextClassifier({ architecture: 'lstm', embeddingDim: 8, units: 8 });
    await clf.fit(dataset(120), { epochs: 2, seed: 5 });
    const expected = await clf.predictProbabilities(texts);

    const asDir = await saveBundle(clf, join(dir, 'model'));
    const asFile = await saveBundle(clf, join(dir, 'model.glossa'));
    expect((await readdir(asDir)).sort()).toEqual(['manifest.json', 'model.json', 'preprocessing.json', 'weights.bin']);
    clf.dispose();

    for (const path of [asDir, asFile]) {
      const loaded = await loadBundle(path);
      expect(Array.from(await loaded.predictProbabilities(texts))).toEqual(Array.from(expected));
      loaded.dispose();
    }

    await initBackend({ backend: 'cpu' });
    const onCpu = await loadBundle(asFile);
    const cpuScores = await onCpu.predictProbabilities(texts);
    cpuScores.forEach((v, i) => {
      expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5);
    });
    onCpu.dispose();
    await initBackend({ backend: 'wasm' });
  });

  it('says what is wrong with a missing path or a file that is not a bundle', async () => {
    const dir = tempDir();
    await expect(loadBundle(join(dir, 'nope'))).rejects.toThrow(/does not exist/);
    await writeFile(join(dir, 'junk.glossa'), 'hello');
    await expect(loadBundle(join(dir, 'junk.glossa'))).rejects.toMatchObject({ name: 'BundleError', code: 'BUNDLE_CORRUPT' });
  });
});
