#!/usr/bin/env node
import { runCli } from './run-cli.js';

// A reader that goes away (`glossa predict … | head`) must not crash the process.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await runCli(process.argv.slice(2));
