import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * Gives each test a fresh directory under the OS temp dir, removed afterwards.
 *
 * @returns a function returning the current test's directory
 * @example
 * ```ts
 * const dir = useTempDir();
 * it('writes', async () => { await writeFile(join(dir(), 'a'), 'x'); });
 * ```
 */
export function useTempDir(): () => string {
  let current = '';
  beforeEach(async () => {
    current = await mkdtemp(join(tmpdir(), 'glossa-node-runtime-'));
  });
  afterEach(async () => {
    await rm(current, { recursive: true, force: true });
  });
  return () => current;
}
