import type { BackendReport, BundleManifest, TextClassifier } from '@glossa/node-runtime';
import { createServeApp, type ServeApp, type ServeAppOptions } from './create-serve-app.js';
import { checkServeOption, DEFAULT_SERVE_LISTEN } from './options.js';
import { openServeBundle, type ServeBundle, type ServeBundleOptions } from './serve-bundle.js';
import { type ShutdownSignals, type ShutdownSignalsOptions, watchShutdownSignals } from './shutdown-signals.js';

/** Options of {@link createServer}. */
export interface CreateServerOptions extends ServeAppOptions, ServeBundleOptions {
  /**
   * Shut down gracefully on SIGTERM/SIGINT ({@link watchShutdownSignals}): the first signal closes the server
   * (in-flight requests finish), a second exits at once, and the process exits 1 if closing takes longer than
   * `timeoutMs`. Default false: call `close()` yourself.
   */
  shutdownSignals?: boolean | ShutdownSignalsOptions;
}

/** A server made by {@link createServer}: a {@link ServeApp} that loads its model itself. */
export interface GlossaServer extends Omit<ServeApp, 'setModel' | 'listen' | 'close'> {
  /** The bundle's manifest (read before anything listens). */
  readonly manifest: BundleManifest;
  /** The bundle's content id, as `GET /v1/model` reports it. */
  readonly id: string;
  /** The model's name, as the answers report it. */
  readonly name: string;
  /** The backend chosen for the model, unless a loaded classifier was given. */
  readonly backend: BackendReport | undefined;
  /**
   * Listens (default `127.0.0.1:8080`) and starts building the model; `/healthz` answers meanwhile and
   * `/readyz` turns 200 once the model is warm (see {@link GlossaServer.ready}). A model that fails to build is
   * logged at error level and rejects `ready()`.
   * @returns The base URL, e.g. `http://127.0.0.1:8080`.
   * @throws The listen error (e.g. `EADDRINUSE`); a `RangeError` for a port outside 0–65535.
   */
  listen(options?: { host?: string; port?: number }): Promise<string>;
  /**
   * Builds and warms up the model (once; `listen` starts it too).
   * @returns Resolves when the model is served, or when a shutdown that began meanwhile made that moot.
   * @throws Whatever building or warming up the model throws (`BundleError` for a damaged bundle).
   */
  ready(): Promise<void>;
  /**
   * Graceful shutdown: `/readyz` and new requests get 503 `SHUTTING_DOWN`, idle connections close, in-flight
   * requests finish, the queue drains; then the classifier is disposed if the server built it. Safe to call twice.
   */
  close(): Promise<void>;
}

/**
 * A ready-to-run HTTP server for one model: the bundle is read and checked (its manifest and id) before anything
 * listens, the model is built and warmed up while the server already answers `/healthz`, and `close()` shuts down
 * gracefully. Routes, limits, logs and errors are those of {@link createServeApp}; `glossa serve` is this
 * function behind a command line.
 *
 * @param bundle - A bundle directory or `.glossa` file, an installed model package's name
 * (`@glossa/model-sentiment-en`, resolved from `options.from`), the bundle's files, or a loaded classifier (which
 * stays yours: it is not disposed).
 * @param options - Limits, batching, logs, backend, package resolution, signal handling.
 * @returns The server, not yet listening.
 * @throws `NodeRuntimeError` for a missing path or package; `BundleError` for a damaged manifest; `RangeError`
 * for an option out of {@link SERVE_OPTION_RANGES}.
 * @example
 * ```ts
 * import { createServer } from '@glossa/server';
 *
 * const server = await createServer('@glossa/model-sentiment-en', { shutdownSignals: true });
 * const url = await server.listen({ port: 8080 });
 * await server.ready();
 * console.log(`POST ${url}/v1/predict`);
 * ```
 */
export async function createServer(bundle: ServeBundle, options: CreateServerOptions = {}): Promise<GlossaServer> {
  const opened = await openServeBundle(bundle, options);
  const { backend } = opened;
  const app = await createServeApp(options);
  let classifier: TextClassifier | undefined;
  let loading: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  let signals: ShutdownSignals | undefined;

  const ready = (): Promise<void> => {
    loading ??= (async () => {
      classifier = await opened.load();
      if (app.state !== 'loading') return;
      await app.setModel({
        classifier,
        manifest: opened.manifest,
        id: opened.id,
        name: opened.name,
        ...(backend === undefined ? {} : { backend: backend.backend }),
      });
    })();
    return loading;
  };

  const server: GlossaServer = {
    get fastify() {
      return app.fastify;
    },
    get state() {
      return app.state;
    },
    limits: app.limits,
    batching: app.batching,
    get batcher() {
      return app.batcher;
    },
    manifest: opened.manifest,
    id: opened.id,
    name: opened.name,
    backend,
    async listen(where = {}) {
      const host = where.host ?? DEFAULT_SERVE_LISTEN.host;
      const port = checkServeOption('port', where.port ?? DEFAULT_SERVE_LISTEN.port);
      const url = await app.listen({ host, port });
      ready().catch((error: unknown) => app.fastify.log.error({ err: error }, 'the model failed to load'));
      return url;
    },
    ready,
    close() {
      closing ??= (async () => {
        try {
          await app.close();
          // A model still building when the shutdown began is waited for, so that it can be disposed.
          await loading?.catch(() => undefined);
          if (opened.builds) classifier?.dispose();
        } finally {
          signals?.dispose();
        }
      })();
      return closing;
    },
  };

  if (options.shutdownSignals !== undefined && options.shutdownSignals !== false) {
    signals = watchShutdownSignals(options.shutdownSignals === true ? {} : options.shutdownSignals);
    signals.received.then(() => server.close()).catch((error: unknown) => app.fastify.log.error({ err: error }, 'shutdown failed'));
  }
  return server;
}
