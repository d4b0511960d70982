import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/prediction-worker.ts', 'src/training-worker.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.build.json',
});
