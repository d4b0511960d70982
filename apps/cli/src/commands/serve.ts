import { basename, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import { addBackendOption, cliLogger } from '../internal/common-options.js';
import type { CliContext } from '../internal/context.js';
import { choiceOption, intOption } from '../internal/parse-options.js';
import { cliVersion } from '../internal/version.js';
import { type BackendChoice, initBackendFor, loadRuntime } from '../runtime.js';
import type { ServeLogLevel } from '../serve/create-serve-app.js';
import { DEFAULT_SERVE_BATCHING, DEFAULT_SERVE_LIMITS, SERVE_OPTION_RANGES } from '../serve/serve-options.js';

/** Parsed options of `glossa serve`. */
export interface ServeCommandOptions {
  port: number;
  host: string;
  maxTexts: number;
  maxTextLength: number;
  maxBodyBytes: number;
  maxExplainTexts: number;
  timeoutMs: number;
  batchMaxTexts: number;
  batchDelayMs: number;
  shutdownTimeoutMs: number;
  logLevel: ServeLogLevel;
  backend?: BackendChoice;
}

const LOG_LEVELS: readonly ServeLogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Whether a listen address only accepts connections from this machine.
 *
 * @param host - The `--host` value.
 * @returns True for `localhost`, `127.0.0.0/8` and `::1`.
 * @example
 * ```ts
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0'); // false
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

function rangeOption(flag: string, key: keyof typeof SERVE_OPTION_RANGES): (raw: string) => number {
  const [min, max] = SERVE_OPTION_RANGES[key];
  return intOption(flag, min, max);
}

/**
 * Registers `glossa serve <bundle>`: the HTTP JSON API.
 *
 * @param program - The root command.
 * @param ctx - CLI context.
 * @returns The new command.
 * @example
 * ```ts
 * registerServeCommand(program, ctx);
 * ```
 */
export function registerServeCommand(program: Command, ctx: CliContext): Command {
  const command = program
    .command('serve')
    .description('serve a bundle over HTTP: POST /v1/predict, GET /v1/model, /healthz, /readyz, /openapi.json')
    .argument('<bundle>', 'bundle directory or .glossa file written by glossa train')
    .addOption(new Option('-p, --port <n>', 'TCP port (0: any free port)').argParser(intOption('--port', 0, 65_535)).default(8080))
    .option('--host <address>', 'address to listen on; 0.0.0.0 exposes the API to the network', '127.0.0.1')
    .addOption(
      new Option('--max-texts <n>', 'most texts per request (422 above)')
        .argParser(rangeOption('--max-texts', 'maxTexts'))
        .default(DEFAULT_SERVE_LIMITS.maxTexts),
    )
    .addOption(
      new Option('--max-text-length <n>', 'longest text in characters (422 above)')
        .argParser(rangeOption('--max-text-length', 'maxTextLength'))
        .default(DEFAULT_SERVE_LIMITS.maxTextLength),
    )
    .addOption(
      new Option('--max-body-bytes <n>', 'largest request body in bytes (413 above)')
        .argParser(rangeOption('--max-body-bytes', 'maxBodyBytes'))
        .default(DEFAULT_SERVE_LIMITS.maxBodyBytes),
    )
    .addOption(
      new Option('--max-explain-texts <n>', 'most texts per request with "explain": true (0 turns explanations off)')
        .argParser(rangeOption('--max-explain-texts', 'maxExplainTexts'))
        .default(DEFAULT_SERVE_LIMITS.maxExplainTexts),
    )
    .addOption(
      new Option('--timeout-ms <ms>', 'answer 503 TIMEOUT when a request takes longer')
        .argParser(rangeOption('--timeout-ms', 'timeoutMs'))
        .default(DEFAULT_SERVE_LIMITS.timeoutMs),
    )
    .addOption(
      new Option('--batch-max-texts <n>', 'micro-batching: run a forward pass once this many texts are queued')
        .argParser(rangeOption('--batch-max-texts', 'maxBatchTexts'))
        .default(DEFAULT_SERVE_BATCHING.maxBatchTexts),
    )
    .addOption(
      new Option('--batch-delay-ms <ms>', 'micro-batching: the first queued text waits at most this long for others (0: none)')
        .argParser(rangeOption('--batch-delay-ms', 'maxDelayMs'))
        .default(DEFAULT_SERVE_BATCHING.maxDelayMs),
    )
    .addOption(
      new Option('--shutdown-timeout-ms <ms>', 'on SIGTERM/SIGINT, exit 1 if in-flight requests have not finished by then')
        .argParser(intOption('--shutdown-timeout-ms', 1, 3_600_000))
        .default(10_000),
    )
    .addOption(
      new Option('--log-level <level>', `JSON log lines on stdout: ${LOG_LEVELS.join(', ')}`)
        .argParser(choiceOption('--log-level', LOG_LEVELS))
        .default('info'),
    );
  addBackendOption(command);
  command
    .addHelpText(
      'after',
      `
Logs: one JSON line per request on stdout ({"method","url","status","ms","texts",…}); start-up,
readiness, warnings and shutdown as plain lines on stderr. SIGTERM or SIGINT: /readyz answers 503,
in-flight requests finish, exit 0.

Examples:
  $ glossa serve ./sentiment-model
  $ curl -s localhost:8080/v1/predict -H 'content-type: application/json' -d '{"texts":["loved it"]}'
  $ glossa serve model.glossa --port 9000 --max-texts 64 --log-level warn
  $ glossa serve ./sentiment-model --host 0.0.0.0     # reachable from the network: put a proxy in front`,
    )
    .action(async (bundle: string, options: ServeCommandOptions, cmd: Command) => {
      await runServe(ctx, bundle, options, cmd.optsWithGlobals().verbose === true);
    });
  return command;
}

async function runServe(ctx: CliContext, bundlePath: string, options: ServeCommandOptions, verbose: boolean): Promise<void> {
  const host = options.host.trim();
  if (host === '') throw new CliError('USAGE', '--host must not be empty (e.g. 127.0.0.1)');
  if (!isLoopbackHost(host)) {
    ctx.warn(
      `listening on ${host} makes the API reachable from other machines; glossa serve has no authentication or TLS. ` +
        'Put it behind a reverse proxy, or use --host 127.0.0.1.',
    );
  }
  const say = (line: string): void => ctx.err(`glossa serve: ${line}`);

  // Signals first, so a SIGTERM while the model loads also ends cleanly.
  let stopRequested: NodeJS.Signals | undefined;
  let wakeStop: (() => void) | undefined;
  const stopped = new Promise<void>((resolveStop) => {
    wakeStop = resolveStop;
  });
  let shutdownTimer: ReturnType<typeof setTimeout> | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopRequested !== undefined) {
      say(`${signal} again: exiting now`);
      process.exit(signal === 'SIGINT' ? 130 : 1);
    }
    stopRequested = signal;
    say(`${signal}: shutting down (finishing in-flight requests; ${signal} again to exit now)`);
    shutdownTimer = setTimeout(() => {
      say(`in-flight requests did not finish within ${options.shutdownTimeoutMs} ms (--shutdown-timeout-ms): exiting`);
      process.exit(1);
    }, options.shutdownTimeoutMs);
    shutdownTimer.unref();
    wakeStop?.();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const runtime = await loadRuntime();
  const { createServeApp, bundleId } = await import('../serve/create-serve-app.js');
  let app: Awaited<ReturnType<typeof createServeApp>> | undefined;
  let classifier: Awaited<ReturnType<typeof runtime.deserializeBundle>> | undefined;
  try {
    const report = await initBackendFor(runtime, 'predict', options.backend, cliLogger(ctx, verbose));
    // Cheap checks (path, manifest) before listening; building the model after.
    const files = await runtime.readBundleFiles(bundlePath);
    const manifest = runtime.readManifest(files);
    app = await createServeApp({
      limits: {
        maxTexts: options.maxTexts,
        maxTextLength: options.maxTextLength,
        maxBodyBytes: options.maxBodyBytes,
        maxExplainTexts: options.maxExplainTexts,
        timeoutMs: options.timeoutMs,
      },
      batching: { maxBatchTexts: options.batchMaxTexts, maxDelayMs: options.batchDelayMs },
      logLevel: options.logLevel,
      logStream: ctx.io.stdout,
      version: cliVersion(),
    });
    if (stopRequested === undefined) {
      let url: string;
      try {
        url = await app.listen({ host, port: options.port });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') {
          throw new CliError('RUNTIME', `port ${options.port} on ${host} is in use. Stop the other server or pass --port <n> (0 picks a free port).`, { cause: error });
        }
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
          throw new CliError('RUNTIME', `cannot listen on ${host}: no such local address. Use 127.0.0.1, or 0.0.0.0 for every interface.`, { cause: error });
        }
        throw error;
      }
      say(`listening on ${url} (loading the model…)`);
      const id = bundleId(files);
      classifier = await runtime.deserializeBundle(files);
      if (stopRequested === undefined) {
        await app.setModel({
          classifier,
          manifest,
          id,
          name: basename(resolve(bundlePath)).replace(/\.glossa$/, ''),
          backend: report.backend,
        });
        say(
          `ready: ${manifest.architecture} model ${id}, ${manifest.labels.length} labels, backend ${report.backend}; ` +
            `POST ${url}/v1/predict`,
        );
      }
      await stopped;
    }
    await app.close();
    say('stopped');
  } catch (error) {
    await app?.close();
    throw error;
  } finally {
    if (shutdownTimer !== undefined) clearTimeout(shutdownTimer);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    classifier?.dispose();
  }
}
