import { defineConfig, type ViteUserConfig } from 'vitest/config';

/** vitest's `test` options. */
type TestOptions = NonNullable<ViteUserConfig['test']>;

/**
 * The test set-up every package shares: workspace packages read from their sources (the `@glossa/source`
 * condition), tests in `src/**` and `test/**`, 120 s per test (the project's CI host has run
 * browser and worker tests five times slower than this repository's development VM; a hung test still fails), and Node's relaxed SIMD on (as the `glossa` CLI
 * and Chromium have it: the kernels' relaxed-SIMD builds run; tests that need the plain build turn
 * `GLOSSA_RELAXED_SIMD` off). A package's `vitest.config.ts` adds what it
 * does differently (longer timeouts, a backend set-up file, one file at a time).
 *
 * @param test - The package's test options, over the shared ones.
 * @returns A vitest configuration.
 * @example
 * ```ts
 * export default glossaTests({ setupFiles: ['test/setup-backend.ts'] });
 * ```
 */
export function glossaTests(test: TestOptions = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: ['@glossa/source'] },
    ssr: { resolve: { conditions: ['@glossa/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 120_000,
      execArgv: ['--experimental-wasm-relaxed-simd'],
      ...test,
    },
  });
}
