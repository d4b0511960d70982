import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitStratified } from '../src/runtime.js';
import { loadSpamAssassin } from '../src/spam-assassin.js';
import { assertBuilt, runBin, toJsonl } from './helpers.js';

// Real data: a seeded, stratified 600/300 slice of the SpamAssassin corpus, trained and evaluated
// through the built binary. Measured here (bow, 3 epochs, batch 16, learning rate 0.01, maxLength 200;
// wasm backend): accuracy 0.957 with seed 42, 0.967 with seed 1, 0.950 with seed 2. With the default
// batch size and learning rate, 3 epochs over 600 emails are too few steps (≈0.70). The threshold
// leaves a margin of about 0.05 under the worst measured seed.
const ACCURACY_THRESHOLD = 0.9;

let dir: string;

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'glossa-spam-'));
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('SpamAssassin corpus', () => {
  it('loads 6,046 labelled emails with readable text', async () => {
    const emails = await loadSpamAssassin();
    expect(emails).toHaveLength(6046);
    expect(emails.filter((email) => email.label === 'spam')).toHaveLength(1896);
    expect(emails.filter((email) => email.label === 'ham')).toHaveLength(4150);
    const withMarkup = emails.filter((email) => /<\/?(html|body|table|td|font)\b/i.test(email.text));
    expect(withMarkup.length / emails.length).toBeLessThan(0.03);
    const empty = emails.filter((email) => email.text.trim().length < 10);
    expect(empty.length).toBeLessThan(10);
  });

  it(`reaches accuracy ≥ ${ACCURACY_THRESHOLD} on 300 held-out emails after training on 600`, async () => {
    const emails = await loadSpamAssassin();
    const slice = (await splitStratified(emails, 900 / emails.length, 42)).test;
    const { train, test } = await splitStratified(slice, 1 / 3, 42);
    expect([train.length, test.length]).toEqual([600, 300]);
    const trainFile = join(dir, 'train.jsonl');
    const testFile = join(dir, 'test.jsonl');
    await writeFile(trainFile, toJsonl(train));
    await writeFile(testFile, toJsonl(test));
    const model = join(dir, 'model');
    const trained = await runBin([
      'train',
      trainFile,
      '--out',
      model,
      '--arch',
      'bow',
      '--epochs',
      '3',
      '--batch-size',
      '16',
      '--learning-rate',
      '0.01',
      '--max-length',
      '200',
      '--seed',
      '42',
      '--json',
    ]);
    expect(trained.stderr).not.toMatch(/glossa:/);
    expect(trained.code).toBe(0);
    const evaluated = await runBin(['evaluate', model, testFile, '--json']);
    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout) as { accuracy: number; macroF1: number; n: number };
    expect(report.n).toBe(300);
    expect(report.accuracy).toBeGreaterThanOrEqual(ACCURACY_THRESHOLD);
  }, 600_000);
});
