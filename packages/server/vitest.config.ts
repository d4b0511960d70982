import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@glossa/source'] },
  ssr: { resolve: { conditions: ['@glossa/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
