import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts', 'src/child.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'es2022',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.build.json',
});
