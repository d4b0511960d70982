import { defineConfig } from 'tsup';
import { glossaBuild } from '../tsup.base';

export default defineConfig(
  glossaBuild({
    entry: ['src/index.ts', 'src/cli.ts', 'src/child.ts'],
    platform: 'node',
    dts: { entry: 'src/index.ts' },
  }),
);
