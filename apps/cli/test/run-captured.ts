import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../src/run-cli.js';

/** What an in-process `runCli` call produced. */
export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `glossa <argv>` in this process with empty stdin, capturing exit code, stdout and stderr. */
export async function runCaptured(argv: string[]): Promise<CapturedRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const code = await runCli(argv, { stdout, stderr, stdin: Readable.from([]) });
  return { code, stdout: out, stderr: err };
}
