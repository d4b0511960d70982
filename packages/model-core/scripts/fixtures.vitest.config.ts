import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@glossa/source'] },
  ssr: { resolve: { conditions: ['@glossa/source'] } },
  test: { include: ['scripts/make-bundle-fixtures.ts'], testTimeout: 120_000, setupFiles: ['test/setup-backend.ts'] },
});
