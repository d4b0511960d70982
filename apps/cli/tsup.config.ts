import { defineConfig } from 'tsup';
import { glossaBuild } from '../../tsup.base';

export default defineConfig(
  glossaBuild({
    entry: ['src/index.ts', 'src/bin.ts'],
    platform: 'node',
    dts: process.env.GLOSSA_FAST_BUILD ? false : { entry: 'src/index.ts' },
  }),
);
