import { defineConfig } from 'tsup';
import { glossaBuild } from '../../tsup.base';

export default defineConfig(
  glossaBuild({
    // options.ts is its own entry (`@glossa/server/options`): defaults and ranges without fastify or tfjs.
    entry: ['src/index.ts', 'src/options.ts'],
    platform: 'node',
  }),
);
