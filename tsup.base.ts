import type { Options } from 'tsup';

/**
 * The build every package shares: ESM for ES2022 with source maps, type declarations from
 * `tsconfig.build.json` (skipped under `GLOSSA_FAST_BUILD`, which `pnpm start` sets: JavaScript only).
 * A package's `tsup.config.ts` gives its entries and platform and anything it does differently.
 *
 * @param options - The package's entries, platform and overrides.
 * @returns tsup options.
 * @example
 * ```ts
 * export default defineConfig(glossaBuild({ entry: ['src/index.ts'], platform: 'node' }));
 * ```
 */
export function glossaBuild(options: Options): Options {
  return {
    format: ['esm'],
    target: 'es2022',
    dts: !process.env.GLOSSA_FAST_BUILD,
    sourcemap: true,
    clean: true,
    tsconfig: 'tsconfig.build.json',
    ...options,
  };
}
