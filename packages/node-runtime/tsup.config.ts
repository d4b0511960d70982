import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/prediction-worker.ts', 'src/training-worker.ts', 'src/detect-format.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'es2022',
  // GLOSSA_FAST_BUILD (pnpm start): JavaScript only; the type declarations are for type-checking and publishing.
  dts: !process.env.GLOSSA_FAST_BUILD,
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.build.json',
});
