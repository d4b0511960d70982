import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: { __GLOSSA_VERSION__: JSON.stringify(version) },
  resolve: { conditions: ['@glossa/source'] },
  ssr: { resolve: { conditions: ['@glossa/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    setupFiles: ['test/setup-backend.ts'],
  },
});
