/**
 * `glossa serve`: the command line over `@glossa/server` (options, messages, backend choice). The server package
 * (fastify) is loaded only when the command runs; its defaults and ranges come from its light `options` entry.
 */
import {
  DEFAULT_SERVE_BATCHING,
  DEFAULT_SERVE_LIMITS,
  DEFAULT_SERVE_LISTEN,
  SERVE_LOG_LEVELS,
  SERVE_OPTION_RANGES,
  type ServeLogLevel,
  type ServeOptionName,
} from '@glossa/server/options';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import { addBackendOption, cliLogger } from '../internal/common-options.js';
import type { CliContext } from '../internal/context.js';
import { choiceOption, intOption } from '../internal/parse-options.js';
import { cliVersion } from '../internal/version.js';
import type { BackendChoice } from '../runtime.js';

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

function rangeOption(flag: string, key: ServeOptionName): (raw: string) => number {
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
    .addOption(new Option('-p, --port <n>', 'TCP port (0: any free port)').argParser(rangeOption('--port', 'port')).default(DEFAULT_SERVE_LISTEN.port))
    .option('--host <address>', 'address to listen on; 0.0.0.0 exposes the API to the network', DEFAULT_SERVE_LISTEN.host)
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
        .argParser(rangeOption('--shutdown-timeout-ms', 'shutdownTimeoutMs'))
        .default(DEFAULT_SERVE_LISTEN.shutdownTimeoutMs),
    )
    .addOption(
      new Option('--log-level <level>', `JSON log lines on stdout: ${SERVE_LOG_LEVELS.join(', ')}`)
        .argParser(choiceOption('--log-level', SERVE_LOG_LEVELS))
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

type ServerApi = typeof import('@glossa/server');

async function loadServer(): Promise<ServerApi> {
  try {
    return await import('@glossa/server');
  } catch (error) {
    throw new CliError('RUNTIME', `cannot load @glossa/server (${error instanceof Error ? error.message : String(error)}). Reinstall glossa.`, {
      cause: error,
    });
  }
}

function listenFailure(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new CliError('RUNTIME', `port ${port} on ${host} is in use. Stop the other server or pass --port <n> (0 picks a free port).`, { cause: error });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new CliError('RUNTIME', `cannot listen on ${host}: no such local address. Use 127.0.0.1, or 0.0.0.0 for every interface.`, { cause: error });
  }
  return error;
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
  const api = await loadServer();
  // Signals first, so a SIGTERM while the model loads also ends cleanly.
  const signals = api.watchShutdownSignals({
    timeoutMs: options.shutdownTimeoutMs,
    onSignal: (signal, again) =>
      say(again ? `${signal} again: exiting now` : `${signal}: shutting down (finishing in-flight requests; ${signal} again to exit now)`),
    onTimeout: (timeoutMs) => say(`in-flight requests did not finish within ${timeoutMs} ms (--shutdown-timeout-ms): exiting`),
  });
  let server: Awaited<ReturnType<ServerApi['createServer']>> | undefined;
  try {
    // Cheap checks (path, manifest) before listening; building the model after.
    server = await api.createServer(bundlePath, {
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
      logger: cliLogger(ctx, verbose),
      ...(options.backend === undefined ? {} : { backend: options.backend }),
    });
    if (signals.signal === undefined) {
      const url = await server.listen({ host, port: options.port }).catch((error: unknown) => {
        throw listenFailure(error, host, options.port);
      });
      say(`listening on ${url} (loading the model…)`);
      // A signal while the model builds stops the wait; close() then waits for the build and disposes the model.
      await Promise.race([server.ready(), signals.received]);
      if (signals.signal === undefined) {
        const { manifest } = server;
        say(
          `ready: ${manifest.architecture} model ${server.id}, ${manifest.labels.length} labels, backend ${server.backend?.backend ?? 'unknown'}; ` +
            `POST ${url}/v1/predict`,
        );
      }
      await signals.received;
    }
    await server.close();
    say('stopped');
  } catch (error) {
    await server?.close();
    throw error;
  } finally {
    signals.dispose();
  }
}
