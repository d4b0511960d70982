import { defineConfig } from 'vitest/config';
export default defineConfig({
  resolve: { conditions: ['@glossa/source'], alias: { '@glossa/node-runtime': '/work/scratch/cli/shim.ts' } },
  ssr: { resolve: { conditions: ['@glossa/source'] } },
  test: { include: [process.env.GLX_FILE ?? '/work/scratch/cli/run.test.ts'], testTimeout: 600_000, root: '/work/main/apps/cli' },
  server: { fs: { strict: false } },
});
