/**
 * `pnpm bench` entry: parses the arguments, runs {@link runBench}, prints the Markdown table on stdout and
 * progress on stderr. Exits 1 when a configuration failed (crash or timeout), 2 for bad arguments.
 * `pnpm bench --serve` runs the HTTP load test of `glossa serve` instead (src/load/).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { BenchError } from './bench-error.js';
import { BENCH_USAGE, parseBenchArgs } from './parse-bench-args.js';
import { runBench } from './run-bench.js';
import { runServeLoadTest } from './load/load-cli.js';

function tfjsNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve(['@tensorflow', 'tfjs-node'].join('/'));
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  if (argv.includes('--serve')) return runServeLoadTest(argv, `${packageDir}results`);
  const parsed = parseBenchArgs(argv, {
    defaultOutDir: `${packageDir}results`,
    defaultPeersDir: fileURLToPath(new URL('../../../shared/peers', import.meta.url)),
    tensorflowAvailable: tfjsNodeInstalled(),
  });
  if (parsed === 'help') {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  const started = Date.now();
  const { jsonPath, markdownPath, markdown, report } = await runBench({
    ...parsed,
    argv,
    log: (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}\n`),
  });
  process.stdout.write(`\n${markdown}`);
  process.stderr.write(`\nwrote ${jsonPath}\nwrote ${markdownPath}\n`);
  return report.results.some((r) => r.status === 'failed') || report.peers.some((p) => p.status === 'failed') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof BenchError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof BenchError && error.code === 'INVALID_ARGUMENT' ? 2 : 1);
  },
);
