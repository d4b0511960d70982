import { defineConfig } from 'tsup';

export default defineConfig({
  // options.ts is its own entry (`@glossa/server/options`): defaults and ranges without fastify or tfjs.
  entry: ['src/index.ts', 'src/options.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'es2022',
  // GLOSSA_FAST_BUILD (pnpm start): JavaScript only; the type declarations are for type-checking and publishing.
  dts: !process.env.GLOSSA_FAST_BUILD,
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.build.json',
});
