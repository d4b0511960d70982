import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { ARCHITECTURE_REGISTRY, ARCHITECTURES } from '@glossa/model-core/architectures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import { type Architecture, loadRuntime } from '../runtime.js';
import { createContext } from './context.js';
import { coverageLine, preparePretrainedVectors } from './pretrained-vectors.js';

let dir: string;
let vec: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glossa-pretrained-'));
  vec = join(dir, 'small.vec');
  await writeFile(vec, '3 4\ngreat 1 2 3 4\nFilm 0 0 0 1\nawful -1 -2 -3 -4\n');
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function context(): { ctx: ReturnType<typeof createContext>; stderr: () => string } {
  const err = new PassThrough();
  let text = '';
  err.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const ctx = createContext({ stdout: new PassThrough(), stderr: err, stdin: Readable.from([]) }, { NO_COLOR: '1' });
  return { ctx, stderr: () => text };
}

describe('coverageLine', () => {
  it('prints counts with thousands separators and the percentage', () => {
    expect(coverageLine(17_432, 20_000, 'wiki.en.vec')).toBe('pretrained vectors: 17,432 of 20,000 vocabulary tokens (87.2%) from wiki.en.vec');
    expect(coverageLine(0, 0, 'a.vec')).toBe('pretrained vectors: 0 of 0 vocabulary tokens from a.vec');
  });
});

describe('preparePretrainedVectors', () => {
  it('takes the dimension from the file and reads the vocabulary vectors, reporting the coverage', async () => {
    const runtime = await loadRuntime();
    const { ctx, stderr } = context();
    const setup = await preparePretrainedVectors(ctx, runtime, vec, { architecture: 'bow' });
    expect(setup.dimension).toBe(4);
    const result = await setup.pretrainedEmbeddings(['<pad>', '<unk>', 'great', 'film', 'plot'], 4, {});
    expect(result.source).toBe(vec);
    expect([...result.vectors.keys()].sort()).toEqual(['film', 'great']);
    expect(stderr()).toContain(`pretrained vectors: 2 of 3 vocabulary tokens (66.7%) from ${vec}`);
  });

  it('refuses architectures without an embedding layer and a different --embedding-dim (usage errors)', async () => {
    const runtime = await loadRuntime();
    const { ctx } = context();
    const noEmbedding = preparePretrainedVectors(ctx, runtime, vec, { architecture: 'ngram' as Architecture });
    await expect(noEmbedding).rejects.toThrow(CliError);
    await expect(noEmbedding).rejects.toMatchObject({ code: 'USAGE' });
    const embedding = ARCHITECTURES.filter((a) => ARCHITECTURE_REGISTRY[a].usesEmbeddings);
    expect(embedding).toContain('transformer');
    await expect(noEmbedding).rejects.toThrow(
      `--pretrained-vectors needs --arch ${embedding.slice(0, -1).join(', ')} or ${embedding.at(-1)} (an architecture with an embedding layer), not --arch ngram.`,
    );
    const mismatch = preparePretrainedVectors(ctx, runtime, vec, { architecture: 'cnn', embeddingDim: 8 });
    await expect(mismatch).rejects.toMatchObject({ code: 'USAGE' });
    await expect(mismatch).rejects.toThrow(/--embedding-dim 8 does not match .*small\.vec, whose vectors have 4 values\. .*--embedding-dim 4/);
    expect((await preparePretrainedVectors(ctx, runtime, vec, { architecture: 'lstm', embeddingDim: 4 })).dimension).toBe(4);
  });
});
