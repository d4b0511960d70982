#!/usr/bin/env node
// The `glossa` command. It runs the built CLI (dist/bin.js); this small file exists from the start, so
// package managers can link the command before the CLI is built (no "Failed to create bin" warnings).
import { existsSync } from 'node:fs';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('glossa: the CLI is not built yet (dist/bin.js is missing). In the repository, run `pnpm build` first.\n');
  process.exit(1);
}
await import(built.href);
