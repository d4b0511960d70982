import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng, stratifiedSplitBy } from '@glossa/math';
import { loadLabeledTexts } from '@glossa/node-runtime';
import { BenchError } from './bench-error.js';
import { type BenchExample, createSyntheticDataset } from './create-synthetic-dataset.js';

/** The data sets of `../shared/data` the harness knows, or `synthetic`. */
export type BenchDatasetName = 'synthetic' | 'sst2' | 'imdb' | 'ag-news' | 'chnsenticorp' | 'sms-spam';

/**
 * Every real data set name accepted by `--dataset`.
 *
 * @example
 * ```ts
 * REAL_DATASETS.includes('imdb'); // true
 * ```
 */
export const REAL_DATASETS: readonly Exclude<BenchDatasetName, 'synthetic'>[] = ['sst2', 'imdb', 'ag-news', 'chnsenticorp', 'sms-spam'];

/** Options of {@link prepareDataset}. */
export interface PrepareDatasetOptions {
  /** Directory holding `<dataset>/train.csv` and `<dataset>/test.csv` (or `all.csv`); synthetic data when absent. */
  dataDir?: string;
  /** Which data set of `dataDir`. Default `sst2`. */
  dataset?: Exclude<BenchDatasetName, 'synthetic'>;
  /** Keep at most this many training examples (seeded random subset). */
  trainSize?: number;
  /** Keep at most this many test examples (seeded random subset). */
  testSize?: number;
  /** Seed of the synthetic data and of the subsets. Default 42. */
  seed?: number;
  /** Where to write the `train.csv` / `test.csv` that every measured system reads. */
  workDir: string;
}

/** What {@link prepareDataset} wrote. */
export interface PreparedDataset {
  /** `synthetic` or the real data set's name. */
  name: BenchDatasetName;
  /** `synthetic (seed 42)` or the source directory. */
  source: string;
  /** Path of the CSV the systems train on. */
  trainPath: string;
  /** Path of the CSV they are tested on. */
  testPath: string;
  /** Training examples written. */
  trainSize: number;
  /** Test examples written. */
  testSize: number;
  /** Examples in the source before subsetting. */
  sourceTrainSize: number;
  /** Test examples in the source before subsetting. */
  sourceTestSize: number;
  /** Class names, sorted. */
  labels: string[];
  /** Whether texts are Chinese (peers then split characters). */
  cjk: boolean;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Serialises examples as RFC 4180 CSV with a `text,label` header (the format of `../shared/data`).
 *
 * @param examples - the rows
 * @returns the CSV text, one LF-terminated line per row
 * @throws never
 * @example
 * ```ts
 * toCsv([{ text: 'a, "b"', label: 'x' }]); // 'text,label\n"a, ""b""",x\n'
 * ```
 */
export function toCsv(examples: readonly BenchExample[]): string {
  const lines = ['text,label'];
  for (const e of examples) lines.push(`${csvField(e.text)},${csvField(e.label)}`);
  return `${lines.join('\n')}\n`;
}

async function readCsv(path: string): Promise<BenchExample[]> {
  if (!existsSync(path)) {
    throw new BenchError(
      'DATA_NOT_FOUND',
      `prepareDataset: ${path} does not exist. Pass --data the directory that holds the data set folders (e.g. ../shared/data).`,
    );
  }
  const { records } = await loadLabeledTexts(path, { onBadRow: 'skip' });
  return records;
}

function subset(examples: BenchExample[], size: number | undefined, seed: number): BenchExample[] {
  if (size === undefined || size >= examples.length) return examples;
  return createRng(seed).sample(examples, size);
}

/**
 * Loads (or generates) the benchmark data, takes the requested subsets and writes `train.csv` and
 * `test.csv` into `workDir`, so that Glossa, stock tfjs and the Python peers all read the same rows.
 * Without `dataDir` the data is {@link createSyntheticDataset}'s (20,000 / 2,000 sentences unless sizes are
 * given). `sms-spam` has one file; it is split 80/20, stratified, with the seed.
 *
 * @param options - see {@link PrepareDatasetOptions}
 * @returns where the CSVs are and what they hold
 * @throws {@link BenchError} `DATA_NOT_FOUND` when a data file is missing
 * @example
 * ```ts
 * const data = await prepareDataset({ workDir: '/tmp/bench', trainSize: 500, testSize: 100 });
 * console.log(data.trainPath, data.labels);
 * ```
 */
export async function prepareDataset(options: PrepareDatasetOptions): Promise<PreparedDataset> {
  const seed = options.seed ?? 42;
  let name: BenchDatasetName;
  let source: string;
  let train: BenchExample[];
  let test: BenchExample[];
  if (options.dataDir === undefined) {
    const synthetic = createSyntheticDataset({
      seed,
      ...(options.trainSize !== undefined ? { trainSize: options.trainSize } : {}),
      ...(options.testSize !== undefined ? { testSize: options.testSize } : {}),
    });
    name = 'synthetic';
    source = `synthetic (seed ${seed}, vocabulary ${synthetic.options.vocabularySize}, signal ${synthetic.options.signal})`;
    train = synthetic.train;
    test = synthetic.test;
  } else {
    name = options.dataset ?? 'sst2';
    const dir = join(options.dataDir, name);
    source = dir;
    if (name === 'sms-spam') {
      const all = await readCsv(join(dir, 'all.csv'));
      ({ train, test } = stratifiedSplitBy(all, (e) => e.label, 0.2, createRng(seed)));
    } else {
      train = await readCsv(join(dir, 'train.csv'));
      test = await readCsv(join(dir, 'test.csv'));
    }
  }
  const sourceTrainSize = train.length;
  const sourceTestSize = test.length;
  train = subset(train, options.trainSize, seed);
  test = subset(test, options.testSize, seed + 1);
  await mkdir(options.workDir, { recursive: true });
  const trainPath = join(options.workDir, 'train.csv');
  const testPath = join(options.workDir, 'test.csv');
  await writeFile(trainPath, toCsv(train));
  await writeFile(testPath, toCsv(test));
  return {
    name,
    source,
    trainPath,
    testPath,
    trainSize: train.length,
    testSize: test.length,
    sourceTrainSize,
    sourceTestSize,
    labels: [...new Set(train.map((e) => e.label))].sort(),
    cjk: name === 'chnsenticorp',
  };
}
