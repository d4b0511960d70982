// Writes the committed v1 bundle fixtures: one small packed bundle per architecture of model-core 0.1
// (lstm, bow, cnn) and the scores each gives for FIXTURE_TEXTS. Run once, with the version whose bundles
// must keep loading: `pnpm --filter @glossa/model-core exec vitest run --config scripts/fixtures.vitest.config.ts`.
// The test `test/bundle-compat.test.ts` loads them with today's code and expects the same scores.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { type Architecture, createTextClassifier, packBundle, serializeBundle } from '../src/index.js';
import { syntheticSentiment } from '@glossa/test-data';
import { FIXTURE_TEXTS } from '../test/fixtures/bundle-fixture-texts.js';

const OUT = join(import.meta.dirname, '..', 'test', 'fixtures', 'bundles-v1');

it('writes the v1 bundle fixtures', async () => {
  const expected: Record<string, number[]> = {};
  for (const architecture of ['lstm', 'bow', 'cnn'] as Architecture[]) {
    const clf = createTextClassifier({ architecture, embeddingDim: 8, units: 8, vocabSize: 200, kernelSize: 3, learningRate: 0.01 });
    await clf.fit(syntheticSentiment(300, 7), { epochs: 4, seed: 5 });
    writeFileSync(join(OUT, `${architecture}.glossa`), packBundle(await serializeBundle(clf)));
    expected[architecture] = Array.from(await clf.predictProbabilities(FIXTURE_TEXTS));
    clf.dispose();
  }
  writeFileSync(join(OUT, 'expected-scores.json'), `${JSON.stringify(expected, null, 1)}\n`);
});
