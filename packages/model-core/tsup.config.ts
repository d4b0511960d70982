import { defineConfig } from 'tsup';
import { glossaBuild } from '../../tsup.base';

export default defineConfig(
  glossaBuild({
    // `architectures` (the registry) and `options` (option ranges and defaults): free of tfjs, for the CLI's option parsing.
    entry: { index: 'src/index.ts', architectures: 'src/architectures/registry.ts', options: 'src/options.ts' },
    platform: 'neutral',
  }),
);
