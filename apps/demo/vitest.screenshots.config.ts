import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['scripts/screenshots.ts'], fileParallelism: false, testTimeout: 180_000, hookTimeout: 120_000 },
});
