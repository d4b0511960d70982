import { LOAD_USAGE, parseLoadArgs } from './parse-load-args.js';
import { runLoadTest } from './run-load-test.js';

/**
 * `pnpm bench --serve`: parses the arguments, runs {@link runLoadTest}, prints the Markdown table on stdout
 * and progress on stderr.
 *
 * @param argv - the arguments after the script name (with `--serve`)
 * @param defaultOutDir - default `--out`
 * @returns the exit code: 0, or 1 when a level saw errors, non-2xx responses or the server did not exit 0
 * @throws BenchError `INVALID_ARGUMENT` for bad arguments; `CHILD_NOT_BUILT` / `CHILD_FAILED` when the server cannot run
 * @example
 * ```ts
 * process.exitCode = await runServeLoadTest(['--serve', '--duration', '5'], 'bench/results');
 * ```
 */
export async function runServeLoadTest(argv: readonly string[], defaultOutDir: string): Promise<number> {
  const parsed = parseLoadArgs(argv, defaultOutDir);
  if (parsed === 'help') {
    process.stdout.write(LOAD_USAGE);
    return 0;
  }
  const started = Date.now();
  const { report, markdown, jsonPath, markdownPath } = await runLoadTest({
    ...parsed,
    argv,
    log: (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}\n`),
  });
  process.stdout.write(`\n${markdown}`);
  process.stderr.write(`\nwrote ${jsonPath}\nwrote ${markdownPath}\n`);
  const failed = report.levels.some((level) => level.errors > 0 || level.non2xx > 0) || report.server.exitCode !== 0;
  if (failed) process.stderr.write('load test: some requests failed or the server did not exit 0 (see the table)\n');
  return failed ? 1 : 0;
}
