import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `pnpm test:browser`: the HTML reports opened in Debian's Chromium (kept out of `pnpm test`, whose pattern is *.test.ts).
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  resolve: { conditions: ['@glossa/source'] },
  ssr: { resolve: { conditions: ['@glossa/source'] } },
  test: {
    include: ['test/browser/**/*.browser.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
