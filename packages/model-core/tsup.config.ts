import { defineConfig } from 'tsup';

export default defineConfig({
  // `architectures` (the registry) and `options` (option ranges and defaults): free of tfjs, for the CLI's option parsing.
  entry: { index: 'src/index.ts', architectures: 'src/architectures/registry.ts', options: 'src/options.ts' },
  format: ['esm'],
  platform: 'neutral',
  target: 'es2022',
  // GLOSSA_FAST_BUILD (pnpm start): JavaScript only; the type declarations are for type-checking and publishing.
  dts: !process.env.GLOSSA_FAST_BUILD,
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.build.json',
});
