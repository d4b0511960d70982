import { defineConfig } from 'tsup';
import { glossaBuild } from '../../tsup.base';

export default defineConfig(
  glossaBuild({
    entry: ['src/index.ts'],
    platform: 'node',
  }),
);
