import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSentiment } from '@glossa/test-data';
import { ARCHITECTURES } from './architectures/registry.js';
import { ModelCoreError } from './errors.js';
import {
  DEFAULT_CLASSIFIER_OPTIONS,
  DEFAULT_FIT_OPTIONS,
  FIT_OPTION_RANGES,
  OPTION_RANGES,
  checkNumber,
  isCharNgrams,
  resolveClassifierOptions,
} from './options.js';
import { type TextClassifier, createTextClassifier } from './text-classifier.js';
import type { FitOptions } from './types.js';

// Every numeric option of createTextClassifier, fit, predict and evaluate, table-driven: NaN, ±Infinity,
// negative, below/above the range, fractional where an integer is needed and non-numbers are refused with
// a ModelCoreError giving the allowed range and the value seen. (`undefined` and `null` mean "the default".)

type Range = readonly [number, number, boolean];

/** Values outside `range`, each with how it is shown in the message. */
function badValues([min, max, integer]: Range): Array<[unknown, string]> {
  const values: Array<[unknown, string]> = [
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    [-1, '-1'],
    [max * 2 + 1, String(max * 2 + 1)],
    ['5', '5'],
    [true, 'true'],
    [{}, '[object Object]'],
  ];
  if (min > 0) values.push([min / 2, String(min / 2)]);
  if (integer) values.push([min + 0.5, String(min + 0.5)]);
  return values;
}

function rangeMessage(where: string, name: string, [min, max, integer]: Range, shown: string): string {
  return `${where}: ${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got ${shown}). Pass a value in that range.`;
}

function expectRefused(run: () => unknown, message: string | RegExp): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ModelCoreError);
  expect((error as ModelCoreError).code).toBe('INVALID_OPTIONS');
  if (typeof message === 'string') expect((error as Error).message).toBe(message);
  else expect((error as Error).message).toMatch(message);
}

async function expectRejected(run: () => Promise<unknown>, message: string): Promise<void> {
  await expect(run()).rejects.toSatisfy((e: unknown) => e instanceof ModelCoreError && e.code === 'INVALID_OPTIONS' && e.message === message);
}

describe('createTextClassifier options', () => {
  const cases = Object.entries(OPTION_RANGES).flatMap(([name, range]) => badValues(range).map(([value, shown]) => [name, range, value, shown] as const));

  it.each(cases)('refuses %s = %s with the allowed range', (name, range, value, shown) => {
    expectRefused(() => createTextClassifier({ [name]: value }), rangeMessage('createTextClassifier', name, range, shown));
  });

  it.each(Object.entries(OPTION_RANGES))('accepts %s at both ends of its range', (name, [min, max]) => {
    expect(resolveClassifierOptions({ [name]: min })[name as keyof typeof OPTION_RANGES]).toBe(min);
    expect(resolveClassifierOptions({ [name]: max })[name as keyof typeof OPTION_RANGES]).toBe(max);
  });

  it('covers every numeric default option', () => {
    const numeric = Object.entries(DEFAULT_CLASSIFIER_OPTIONS)
      .filter(([, v]) => typeof v === 'number')
      .map(([k]) => k);
    expect(Object.keys(OPTION_RANGES).sort()).toEqual(numeric.sort());
  });

  it('refuses unknown options and unknown choices by name', () => {
    expectRefused(() => createTextClassifier({ units: 8, epochs: 3 } as never), /unknown option "epochs"/);
    expectRefused(
      () => createTextClassifier({ architecture: 'rnn' as never }),
      `createTextClassifier: architecture must be one of ${ARCHITECTURES.join(', ')} (got rnn).`,
    );
    expectRefused(
      () => createTextClassifier({ architecture: 'transformer', embeddingDim: 30, heads: 4 }),
      /heads \(4\) must divide embeddingDim \(30\).*heads 2/,
    );
    expectRefused(() => createTextClassifier({ tokenizer: 'bpe' as never }), /tokenizer must be one of word, whitespace, char, char-ngram \(got bpe\)/);
    for (const bad of ['3', '0-2', '5-2', '2-11', 'all', 3]) {
      expectRefused(() => createTextClassifier({ charNgrams: bad as never }), /charNgrams must be "auto", "none" or a range "N-M" with 1 ≤ N ≤ M ≤ 10/);
    }
    for (const good of ['auto', 'none', '1-3', '2-5', '10-10']) expect(createTextClassifier({ charNgrams: good }).options.charNgrams).toBe(good);
  });
});

describe('the @glossa/model-core/options entry', () => {
  const src = dirname(fileURLToPath(import.meta.url));

  it('points at options.ts in package.json and in the build', () => {
    const pkg = JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
    expect(pkg.exports['./options']).toEqual({ '@glossa/source': './src/options.ts', types: './dist/options.d.ts', default: './dist/options.js' });
  });

  it('imports nothing from tfjs, directly or through the modules it imports', () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
        if (specifier!.startsWith('.')) visit(resolve(dirname(file), specifier!.replace(/\.js$/, '.ts')));
        else packages.add(specifier!);
      }
    };
    visit(join(src, 'options.ts'));
    expect([...seen].map((f) => f.slice(src.length + 1)).sort()).toEqual(['architectures/registry.ts', 'errors.ts', 'options.ts']);
    expect([...packages]).toEqual([]);
  });

  it('holds the ranges and defaults fit, predict and evaluate check', () => {
    // The same numbers as the independent table of 'fit, predict and evaluate options' below.
    expect(FIT_OPTION_RANGES).toEqual({
      epochs: [1, 10_000, true],
      batchSize: [1, 65_536, true],
      validationSplit: [0, 0.9, false],
      seed: [0, 2 ** 32 - 1, true],
      timeLimitSeconds: [0, 1e9, false],
      patience: [0, 10_000, true],
      minDelta: [0, 1e9, false],
      classWeight: [0, 1e6, false],
      predictBatchSize: [1, 65_536, true],
    });
    expect(DEFAULT_FIT_OPTIONS).toEqual({ epochs: 5, batchSize: 64, validationSplit: 0.1, seed: 42, patience: 2, minDelta: 0, predictBatchSize: 256 });
  });

  it('tells the charNgrams values createTextClassifier accepts', () => {
    for (const good of ['auto', 'none', '1-3', '2-5', '10-10', '01-3']) expect(isCharNgrams(good), good).toBe(true);
    for (const bad of ['3', '0-2', '5-2', '2-11', '100-200', 'all', 'AUTO', 3, undefined]) expect(isCharNgrams(bad), String(bad)).toBe(false);
  });
});

describe('checkNumber', () => {
  it('accepts values in range and says the range otherwise', () => {
    expect(checkNumber('w', 'n', 3, [1, 5, true])).toBe(3);
    expect(checkNumber('w', 'n', 0.25, [0, 1, false])).toBe(0.25);
    expectRefused(() => checkNumber('w', 'n', 6, [1, 5, true]), rangeMessage('w', 'n', [1, 5, true], '6'));
  });
});

describe('fit, predict and evaluate options', () => {
  let trained: TextClassifier;
  const data = syntheticSentiment(40, 3);

  beforeAll(async () => {
    trained = createTextClassifier({ architecture: 'bow', embeddingDim: 4, vocabSize: 100, maxLength: 10 });
    await trained.fit(data, { epochs: 1, seed: 1, validationSplit: 0 });
  });
  afterAll(() => trained.dispose());

  const fitRanges: Array<[string, Range, (value: unknown) => FitOptions]> = [
    ['epochs', [1, 10_000, true], (v) => ({ epochs: v as number })],
    ['batchSize', [1, 65_536, true], (v) => ({ batchSize: v as number })],
    ['seed', [0, 2 ** 32 - 1, true], (v) => ({ seed: v as number })],
    ['validationSplit', [0, 0.9, false], (v) => ({ validationSplit: v as number })],
    ['earlyStopping.patience', [0, 10_000, true], (v) => ({ earlyStopping: { patience: v as number } })],
    ['earlyStopping.minDelta', [0, 1e9, false], (v) => ({ earlyStopping: { minDelta: v as number } })],
    ['classWeight.positive', [0, 1e6, false], (v) => ({ classWeight: { positive: v as number } })],
  ];
  const fitCases = fitRanges.flatMap(([name, range, make]) => badValues(range).map(([value, shown]) => [name, range, make, value, shown] as const));

  it.each(fitCases)('fit refuses %s = %s with the allowed range', async (name, range, make, value, shown) => {
    const clf = createTextClassifier({ architecture: 'bow', embeddingDim: 4 });
    await expectRejected(() => clf.fit(data, make(value)), rangeMessage('fit', name, range, shown));
    clf.dispose();
  });

  const batchCases = badValues([1, 65_536, true]);
  it.each(batchCases)('predict, predictProbabilities and evaluate refuse batchSize = %s', async (value, shown) => {
    const range: Range = [1, 65_536, true];
    await expectRejected(() => trained.predict(['a'], { batchSize: value as number }), rangeMessage('predict', 'batchSize', range, shown));
    await expectRejected(() => trained.predictProbabilities(['a'], { batchSize: value as number }), rangeMessage('predict', 'batchSize', range, shown));
    await expectRejected(() => trained.evaluate(data, { batchSize: value as number }), rangeMessage('evaluate', 'batchSize', range, shown));
  });
});
