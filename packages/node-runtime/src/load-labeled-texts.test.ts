import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.js';
import { DataError } from './errors.js';
import { loadLabeledTexts } from './load-labeled-texts.js';

describe('loadLabeledTexts', () => {
  const tmp = useTempDir();

  it('collects records and counts skipped rows with their problems', async () => {
    const path = join(tmp(), 'train.tsv');
    await writeFile(path, 'text\tlabel\ngood\tpos\nbad row\n\tneg\nfine\t1\nx\ty\tz\n');
    const seen: number[] = [];
    const result = await loadLabeledTexts(path, { onBadRow: 'skip', onSkip: (p) => seen.push(p.line), maxProblems: 2 });
    expect(result.records).toEqual([
      { text: 'good', label: 'pos', line: 2 },
      { text: 'fine', label: '1', line: 5 },
    ]);
    expect(result.skipped).toBe(3);
    expect(result.problems.map((p) => p.line)).toEqual([3, 4]);
    expect(seen).toEqual([3, 4, 6]);
  });

  it('throws EMPTY_FILE when no usable row remains', async () => {
    const path = join(tmp(), 'bad.csv');
    await writeFile(path, 'text,label\n,pos\n');
    const error = await loadLabeledTexts(path, { onBadRow: 'skip' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).code).toBe('EMPTY_FILE');
    expect((error as DataError).message).toMatch(/1 skipped/);
  });
});
