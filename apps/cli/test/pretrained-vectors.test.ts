import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runBin, sentimentRows, toCsv } from './helpers.js';

// `glossa train --pretrained-vectors` through the BUILT binary (`pnpm build` first).

const SMALL = ['--arch', 'bow', '--epochs', '1', '--batch-size', '16', '--max-length', '16', '--seed', '3', '--no-checkpoint'];

let dir: string;
let data: string;
const path = (name: string): string => join(dir, name);

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'glossa-pretrained-cli-'));
  data = path('train.csv');
  await writeFile(data, toCsv(sentimentRows(120, 5)));
  // fastText layout with a BOM, CRLF, trailing spaces and capitalised words (matched case-insensitively).
  const words = ['Great', 'excellent', 'AWFUL', 'terrible', 'film', 'movie', 'not-in-the-data', '好'];
  const lines = words.map((word, i) => `${word} ${Array.from({ length: 6 }, (_, j) => ((i + j) / 10).toFixed(2)).join(' ')} `);
  await writeFile(path('small.vec'), `\uFEFF${words.length} 6\r\n${lines.join('\r\n')}\r\n`);
  await writeFile(path('broken.vec'), '3 6\ngreat 1 2 3 4 5 6\nfilm 1 2 3 4 5\nmovie 1 2 3 4 5 6\n');
}, 60_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('glossa train --pretrained-vectors', () => {
  it('initialises the embeddings, takes the dimension from the file and reports the coverage', async () => {
    const run = await runBin(['train', data, '--out', path('model'), ...SMALL, '--pretrained-vectors', path('small.vec'), '--json']);
    expect(run.stderr).not.toMatch(/glossa:/);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { options: { embeddingDim: number }; pretrained: { covered: number; vocabularySize: number; source: string } };
    expect(result.options.embeddingDim).toBe(6);
    // great, excellent, awful, terrible, film, movie are all in the vocabulary of the generated data.
    expect(result.pretrained).toMatchObject({ covered: 6, source: path('small.vec') });
    const { covered, vocabularySize } = result.pretrained;
    const percent = ((covered / vocabularySize) * 100).toFixed(1);
    expect(run.stderr).toContain(`pretrained vectors: ${covered} of ${vocabularySize} vocabulary tokens (${percent}%) from ${path('small.vec')}`);
    const manifest = JSON.parse(await readFile(join(path('model'), 'manifest.json'), 'utf8')) as { training: { pretrained: unknown } };
    expect(manifest.training.pretrained).toEqual(result.pretrained);
  }, 120_000);

  it('exits 2 when --embedding-dim differs from the file', async () => {
    const run = await runBin(['train', data, '--out', path('m2'), ...SMALL, '--embedding-dim', '8', '--pretrained-vectors', path('small.vec')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /glossa: --embedding-dim 8 does not match .*small\.vec, whose vectors have 6 values\. Leave --embedding-dim out .* or pass --embedding-dim 6\./,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('exits 1 naming the line of a broken vector file', async () => {
    const run = await runBin(['train', data, '--out', path('m3'), ...SMALL, '--pretrained-vectors', path('broken.vec')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/glossa: .*broken\.vec:3: expected a word and 6 values \(the dimension the header gives\) but found 5 values after "film"/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('exits 1 for a missing vector file, before training', async () => {
    const run = await runBin(['train', data, '--out', path('m4'), ...SMALL, '--pretrained-vectors', path('nope.vec')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/glossa: .*nope\.vec: file not found/);
    expect(run.stderr).not.toMatch(/backend:/);
  }, 60_000);
});
