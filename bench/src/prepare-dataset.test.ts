import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabeledTexts } from '@glossa/node-runtime';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchError } from './bench-error.js';
import { prepareDataset, toCsv } from './prepare-dataset.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glossa-bench-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('toCsv', () => {
  it('round-trips any single-line texts through node-runtime’s CSV reader', async () => {
    const text = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/[\r\n]/.test(s) && s.trim() === s && s !== '');
    const label = fc.constantFrom('negative', 'positive', 'a,b', 'say "hi"');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ text, label }), { minLength: 1, maxLength: 8 }), async (rows) => {
        const path = join(dir, `roundtrip-${run++}.csv`);
        await writeFile(path, toCsv(rows));
        const { records } = await loadLabeledTexts(path);
        expect(records.map(({ text, label }) => ({ text, label }))).toEqual(rows);
      }),
      { numRuns: 40 },
    );
  });
});

describe('prepareDataset', () => {
  it('writes synthetic train and test CSVs of the requested sizes', async () => {
    const work = join(dir, 'synthetic');
    const data = await prepareDataset({ workDir: work, trainSize: 120, testSize: 30, seed: 1 });
    expect(data.name).toBe('synthetic');
    expect(data.labels).toEqual(['negative', 'positive']);
    expect((await loadLabeledTexts(data.trainPath)).records).toHaveLength(120);
    expect((await loadLabeledTexts(data.testPath)).records).toHaveLength(30);
    expect(data.cjk).toBe(false);
  });

  it('reads <data>/<dataset>/train.csv and test.csv and takes seeded subsets', async () => {
    const src = join(dir, 'real');
    await mkdir(join(src, 'imdb'), { recursive: true });
    const rows = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ text: `${p} text ${i}, with a comma`, label: i % 2 ? 'pos' : 'neg' }));
    await writeFile(join(src, 'imdb', 'train.csv'), toCsv(rows(50, 'train')));
    await writeFile(join(src, 'imdb', 'test.csv'), toCsv(rows(20, 'test')));
    const a = await prepareDataset({ workDir: join(dir, 'a'), dataDir: src, dataset: 'imdb', trainSize: 10 });
    const b = await prepareDataset({ workDir: join(dir, 'b'), dataDir: src, dataset: 'imdb', trainSize: 10 });
    expect(a).toMatchObject({ name: 'imdb', trainSize: 10, testSize: 20, sourceTrainSize: 50, sourceTestSize: 20, labels: ['neg', 'pos'] });
    expect(await readFile(a.trainPath, 'utf8')).toBe(await readFile(b.trainPath, 'utf8'));
  });

  it('splits sms-spam’s single file 80/20 with every class in both parts', async () => {
    const src = join(dir, 'real2');
    await mkdir(join(src, 'sms-spam'), { recursive: true });
    const all = Array.from({ length: 100 }, (_, i) => ({ text: `message ${i}`, label: i < 20 ? 'spam' : 'ham' }));
    await writeFile(join(src, 'sms-spam', 'all.csv'), toCsv(all));
    const data = await prepareDataset({ workDir: join(dir, 'sms'), dataDir: src, dataset: 'sms-spam' });
    expect(data.trainSize + data.testSize).toBe(100);
    expect(data.testSize).toBe(20);
    const test = (await loadLabeledTexts(data.testPath)).records;
    expect(test.filter((e) => e.label === 'spam')).toHaveLength(4);
  });

  it('fails with DATA_NOT_FOUND and a fix when the data set is missing', async () => {
    await expect(prepareDataset({ workDir: join(dir, 'x'), dataDir: join(dir, 'nowhere'), dataset: 'sst2' })).rejects.toSatisfy(
      (e: unknown) => e instanceof BenchError && e.code === 'DATA_NOT_FOUND' && /Pass --data/.test(e.message),
    );
  });
});
