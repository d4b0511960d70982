import { defineConfig } from 'tsup';

export default defineConfig({
  // `architectures`: the registry alone, free of tfjs, for the CLI's option parsing.
  entry: { index: 'src/index.ts', architectures: 'src/architectures/registry.ts' },
  format: ['esm'],
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.build.json',
});
