import { defineConfig } from 'tsup';
import { glossaBuild } from '../../tsup.base';

export default defineConfig(
  glossaBuild({
    entry: ['src/index.ts', 'src/prediction-worker.ts', 'src/training-worker.ts', 'src/detect-format.ts'],
    platform: 'node',
  }),
);
