import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages are read from their sources, like the dev server does.
  resolve: { conditions: ['@glossa/source'] },
  ssr: { resolve: { conditions: ['@glossa/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One file at a time: Chromium, the Vite build and TensorFlow.js share two cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
