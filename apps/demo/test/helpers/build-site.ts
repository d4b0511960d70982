import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** The demo app's root directory. */
export const DEMO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the demo with its own vite.config.ts into a fresh temporary directory, as `vite build` does
 * from the command line: vitest sets NODE_ENV=test, which would make Vite build in development mode
 * (`import.meta.env.PROD` false, so no service worker), so NODE_ENV is production during the build.
 *
 * @returns The output directory.
 * @throws Error when the build fails.
 * @example
 * ```ts
 * const outDir = await buildSite();
 * ```
 */
export async function buildSite(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'glossa-demo-'));
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: DEMO_ROOT,
      configFile: join(DEMO_ROOT, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}
