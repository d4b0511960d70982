import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { deserializeBundle, readManifest, serializeBundle } from '../../bundle.js';
import { createTextClassifier } from '../../text-classifier.js';
import { KeyTable, extractKeys, fitFeatureTable, vectorize } from './features.js';
import { fitLogistic, stackRows } from './logistic.js';
import { NGRAM_LAMBDA_FLOOR, NGRAM_LAMBDA_GRID, resolveCharNgrams } from './ngram-classifier.js';

const config = { wordMaxN: 2, charMinN: 2, charMaxN: 4 };

function keysOf(text: string, tokens: string[]): string[] {
  const out: string[] = [];
  extractKeys(text, tokens, config, (lo, hi, block) => out.push(`${block}:${lo}:${hi}`));
  return out;
}

describe('n-gram features', () => {
  it('extracts word 1–2-grams and space-padded character n-grams, deterministically', () => {
    const words = keysOf('', ['good', 'film']);
    expect(words).toHaveLength(3); // good, film, good film
    expect(keysOf('', ['film', 'good'])).not.toContain(words[1]); // "good film" ≠ "film good"
    // "ab" padded is " ab ": 2-grams " a", "ab", "b "; 3-grams " ab", "ab "; 4-gram " ab ".
    expect(keysOf('ab', [])).toHaveLength(6);
    expect(keysOf('ab  ab', [])).toEqual([...keysOf('ab', []), ...keysOf('ab', [])]);
    expect(keysOf('好看的 电影', ['好看', '的', '电影'])).toEqual(keysOf('好看的 电影', ['好看', '的', '电影']));
  });

  it('keeps a KeyTable consistent while it grows', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 2 ** 32 - 1 }), fc.nat()), { maxLength: 3000, selector: ([lo, hi]) => `${lo}:${hi}` }),
        (keys) => {
          const table = new KeyTable(4);
          keys.forEach(([lo, hi], i) => {
            table.insert(lo, hi, i);
          });
          expect(table.size).toBe(keys.length);
          keys.forEach(([lo, hi], i) => {
            expect(table.get(lo, hi)).toBe(i);
          });
          expect(table.get(7, 0x7fffffff)).toBe(keys.findIndex(([lo, hi]) => lo === 7 && hi === 0x7fffffff));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('gives each document a unit TF-IDF vector, frequent features first, ties broken by key', () => {
    const docs = ['the good film', 'the bad film', 'the good plot', 'a film'].map((t) => [t, t.split(' ')] as const);
    const table = fitFeatureTable(docs, config, 1, 1000);
    const again = fitFeatureTable([...docs].reverse(), config, 1, 1000);
    expect(Array.from(again.keys)).toEqual(Array.from(table.keys));
    const row = vectorize(table, 'the good film the', ['the', 'good', 'film', 'the']);
    const norm = row.values.reduce((s, v) => s + v * v, 0);
    expect(norm).toBeCloseTo(1, 5);
    expect(new Set(row.ids).size).toBe(row.ids.length);
    // Capped by maxFeatures: the most frequent n-grams stay.
    const capped = fitFeatureTable(docs, config, 2, 3);
    expect(capped.blocks.length).toBe(3);
    expect(vectorize(capped, 'zzz', ['zzz']).ids.length).toBe(0);
  });

  it('chooses character n-grams from the data: 1–3 for CJK, 2–5 otherwise, none past the budget', () => {
    expect(resolveCharNgrams('auto', ['这个宾馆比较陈旧了', '特价的房间也很一般'])).toEqual([1, 3]);
    expect(resolveCharNgrams('auto', ['a charming and often affecting journey'])).toEqual([2, 5]);
    expect(
      resolveCharNgrams(
        'auto',
        Array.from({ length: 20_000 }, () => 'x'.repeat(600)),
      ),
    ).toEqual([0, 0]);
    expect(resolveCharNgrams('none', ['abc'])).toEqual([0, 0]);
    expect(resolveCharNgrams('3-6', ['abc'])).toEqual([3, 6]);
  });
});

describe('logistic regression', () => {
  // Σ crossentropy + λ/2 ‖W‖² by direct summation, for finite differences.
  function objective(params: Float64Array, rows: Array<[number[], number[]]>, y: number[], features: number, classes: number, lambda: number): number {
    // In float64, from the parameter layout: binary w (logits −w/2, +w/2), else W (features × classes); then the bias.
    const binary = classes === 2;
    const k = binary ? 1 : classes;
    const weight = (id: number, c: number): number => (binary ? (c === 1 ? 0.5 : -0.5) * params[id]! : params[id * k + c]!);
    const biasOf = (c: number): number => (binary ? (c === 1 ? 0.5 : -0.5) * params[features]! : params[features * k + c]!);
    let loss = 0;
    rows.forEach(([ids, values], i) => {
      const z = Array.from({ length: classes }, (_, c) => biasOf(c));
      ids.forEach((id, e) => {
        for (let c = 0; c < classes; c++) z[c]! += values[e]! * weight(id, c);
      });
      const max = Math.max(...z);
      const lse = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
      loss += lse - z[y[i]!]!;
    });
    const nw = classes === 2 ? features : features * classes;
    let reg = 0;
    for (let j = 0; j < nw; j++) reg += params[j]! ** 2;
    return loss + 0.5 * lambda * reg;
  }

  for (const classes of [2, 3]) {
    it(`reaches a stationary point of the penalised loss (${classes} classes, finite differences)`, () => {
      const features = 6;
      const rows: Array<[number[], number[]]> = [];
      const y: number[] = [];
      for (let i = 0; i < 40; i++) {
        const ids = [i % features, (i * 7 + 1) % features, (i * 3 + 2) % features].filter((v, j, a) => a.indexOf(v) === j);
        rows.push([ids, ids.map((_, j) => 0.3 + 0.1 * ((i + j) % 5))]);
        y.push((i + (i % 4 === 0 ? 1 : 0)) % classes);
      }
      const x = stackRows(rows.map(([ids, values]) => ({ ids: Int32Array.from(ids), values: Float32Array.from(values) })));
      const lambda = 0.5;
      const { params } = fitLogistic(x, Int32Array.from(y), undefined, features, classes, lambda, undefined, 500, 1e-12);
      const h = 1e-5;
      for (let j = 0; j < params.length; j++) {
        const plus = Float64Array.from(params);
        const minus = Float64Array.from(params);
        plus[j]! += h;
        minus[j]! -= h;
        const g = (objective(plus, rows, y, features, classes, lambda) - objective(minus, rows, y, features, classes, lambda)) / (2 * h);
        expect(Math.abs(g)).toBeLessThan(1e-4);
      }
    });
  }
});

describe('createTextClassifier({ architecture: "ngram" })', () => {
  const data = syntheticSentiment(400, 3);
  const texts = ['a wonderful film', 'awful, boring plot', '', '好看 🙂', 'great great great'];

  it('learns a separable task, refits on every example, and is reproducible from its seed', async () => {
    const clf = createTextClassifier({ architecture: 'ngram' });
    const result = await clf.fit(data, { seed: 9 });
    expect(result.validation!.accuracy).toBeGreaterThan(0.95);
    // λ from strongest to weakest, stopping after the first that does worse on validation; while the
    // weakest is still the best, on past the grid (λ ÷ 4) down to the floor.
    const losses = result.history.map((h) => h.valLoss!);
    const best = losses.indexOf(Math.min(...losses));
    expect(result.bestEpoch).toBe(best + 1);
    // The grid and its extensions down to the floor: 1 … 1/1024, then 1/4096, 1/16384, 1/65536.
    const floorReached = NGRAM_LAMBDA_GRID.length + Math.round(Math.log(NGRAM_LAMBDA_GRID.at(-1)! / NGRAM_LAMBDA_FLOOR) / Math.log(4));
    expect(floorReached).toBe(9);
    expect(losses.length).toBe(best === losses.length - 1 ? floorReached : best + 2);
    // Separable data: the loss keeps falling past the grid's weak end.
    expect(losses.length).toBeGreaterThan(NGRAM_LAMBDA_GRID.length);
    expect((await clf.evaluate(syntheticSentiment(200, 77))).accuracy).toBeGreaterThan(0.95);
    const probs = await clf.predictProbabilities(texts);
    for (let i = 0; i < texts.length; i++) expect(probs[2 * i]! + probs[2 * i + 1]!).toBeCloseTo(1, 5);
    const again = createTextClassifier({ architecture: 'ngram' });
    await again.fit(data, { seed: 9 });
    expect(Array.from(await again.predictProbabilities(texts))).toEqual(Array.from(probs));
    const [p] = await clf.predict(['superb and delightful']);
    expect(p!.label).toBe('positive');
  });

  it('explains by occlusion: the sentiment word drives the prediction', async () => {
    const clf = createTextClassifier({ architecture: 'ngram' });
    await clf.fit(data);
    const e = await clf.explain('the plot was really dreadful');
    expect(e.label).toBe('negative');
    const top = [...e.tokens].sort((a, b) => b.score - a.score)[0]!;
    expect(top.token).toBe('dreadful');
    await expect(clf.explain('x', { label: 'neutral' })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('saves as a format-2 bundle that loads and scores identically; damaged files are refused', async () => {
    const clf = createTextClassifier({ architecture: 'ngram', charNgrams: '2-4' });
    await clf.fit(data, { validationSplit: 0 });
    const files = await serializeBundle(clf);
    const manifest = readManifest(files);
    expect(manifest.formatVersion).toBe(2);
    expect(Object.keys(files).sort()).toEqual(['features.bin', 'manifest.json', 'preprocessing.json', 'weights.bin']);
    expect(manifest.ngram?.features).toEqual({ wordMaxN: 2, charMinN: 2, charMaxN: 4 });
    const loaded = await deserializeBundle(files);
    expect(Array.from(await loaded.predictProbabilities(texts))).toEqual(Array.from(await clf.predictProbabilities(texts)));
    expect(loaded.training?.seed).toBe(42);
    const truncated = { ...files, 'weights.bin': files['weights.bin']!.subarray(0, 16) };
    await expect(deserializeBundle(truncated)).rejects.toMatchObject({ code: 'BUNDLE_CORRUPT', message: expect.stringMatching(/weights\.bin: 16 bytes/) });
    const nan = files['weights.bin']!.slice();
    new DataView(nan.buffer).setFloat32(0, Number.NaN, true);
    await expect(deserializeBundle({ ...files, 'weights.bin': nan })).rejects.toMatchObject({ message: expect.stringMatching(/finite/) });
    const { 'features.bin': _, ...missing } = files;
    await expect(deserializeBundle(missing)).rejects.toMatchObject({ code: 'BUNDLE_MISSING_FILE' });
  });

  it('refuses what it cannot do: resume, pretrained embeddings, no features', async () => {
    const clf = createTextClassifier({ architecture: 'ngram' });
    await expect(clf.fit(data, { resumeFrom: {} as never })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(clf.fit(data, { pretrainedEmbeddings: () => ({ vectors: new Map() }) })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(createTextClassifier({ architecture: 'ngram', wordNgrams: 0, charNgrams: 'none' }).fit(data)).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
    await expect(createTextClassifier({ architecture: 'ngram' }).predict(['x'])).rejects.toMatchObject({ code: 'NOT_TRAINED' });
  });
});
