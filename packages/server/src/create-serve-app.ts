import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { writeClientError } from './error-handlers.js';
import type { MicroBatcher } from './micro-batcher.js';
import type { ServeBatching, ServeLimits, ServeLogLevel } from './options.js';
import { glossaServe } from './plugin.js';
import { logReady } from './request-log.js';
import { createServeController, type ServeModel, type ServeState } from './serve-controller.js';

/** Options of {@link createServeApp}. */
export interface ServeAppOptions {
  /** Request limits (defaults: {@link DEFAULT_SERVE_LIMITS}). */
  limits?: Partial<ServeLimits>;
  /** Micro-batching (defaults: {@link DEFAULT_SERVE_BATCHING}). */
  batching?: Partial<ServeBatching>;
  /** Log level of the JSON log lines (default `info`: one line per request). */
  logLevel?: ServeLogLevel;
  /** Where the JSON log lines go (default: the process's stdout). */
  logStream?: { write(line: string): unknown };
  /** Version shown in the OpenAPI document (e.g. your service's). */
  version?: string;
}

/** A standalone HTTP server of the Glossa API, whose model is set once loaded. */
export interface ServeApp {
  /** The fastify instance (routes are registered; not yet listening). */
  readonly fastify: FastifyInstance;
  /** Where the server is in its life cycle. */
  readonly state: ServeState;
  /** The effective limits. */
  readonly limits: Readonly<ServeLimits>;
  /** The effective batching. */
  readonly batching: Readonly<ServeBatching>;
  /** The micro-batcher, once a model is set. */
  readonly batcher: MicroBatcher | undefined;
  /**
   * Installs the model, warms it up (a forward pass of 1 and of `maxBatchTexts` texts) and turns ready.
   * @throws Whatever the model throws during warm-up; the server stays `loading`.
   */
  setModel(model: ServeModel): Promise<void>;
  /**
   * Starts listening.
   * @returns The base URL, e.g. `http://127.0.0.1:8080`.
   * @throws The listen error (e.g. `EADDRINUSE`).
   */
  listen(options: { host: string; port: number }): Promise<string>;
  /**
   * Graceful shutdown: `/readyz` and new requests get 503, idle connections close, in-flight requests finish,
   * then the server closes and the queue drains. Does not dispose the classifier. Safe to call twice.
   */
  close(): Promise<void>;
}

/** Counts the responses in progress on each open connection, so shutdown can drop the idle ones at once. */
function trackConnections(fastify: FastifyInstance): Map<Socket, number> {
  // Node's closeIdleConnections leaves a connection that never sent a request open until the client closes it.
  const sockets = new Map<Socket, number>();
  fastify.server.on('connection', (socket: Socket) => {
    sockets.set(socket, 0);
    socket.once('close', () => sockets.delete(socket));
  });
  fastify.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    sockets.set(socket, (sockets.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const active = sockets.get(socket);
      if (active !== undefined) sockets.set(socket, Math.max(0, active - 1));
    });
  });
  return sockets;
}

/**
 * Builds the Glossa HTTP API as a server of its own: the {@link glossaServe} routes at the root with JSON 404s,
 * JSON answers to unreadable HTTP, pino JSON logs (one line per request), socket-level timeouts, and a graceful
 * `close`. The server starts `loading` (`/healthz` 200, `/readyz` 503) until {@link ServeApp.setModel} has
 * warmed the model up, so it can listen while the model loads. {@link createServer} does the loading for you.
 *
 * @param options - Limits, batching, logging.
 * @returns The app (call `listen`, then `setModel`, or the other way round).
 * @throws {RangeError} When a limit or batching option is out of {@link SERVE_OPTION_RANGES}.
 * @example
 * ```ts
 * const app = await createServeApp({ limits: { maxTexts: 64 } });
 * const url = await app.listen({ host: '127.0.0.1', port: 8080 });
 * await app.setModel({ classifier, manifest, id: bundleId(files), name: 'sentiment' });
 * // … later
 * await app.close();
 * ```
 */
export async function createServeApp(options: ServeAppOptions = {}): Promise<ServeApp> {
  const controller = createServeController({
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.batching === undefined ? {} : { batching: options.batching }),
    onReady: (model) => logReady(fastify.log, model),
  });
  const fastify = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      stream: options.logStream ?? process.stdout,
      base: { pid: process.pid },
    },
    bodyLimit: controller.limits.maxBodyBytes,
    // One line per request is written by the plugin's onResponse hook (with the number of texts).
    logController: new LogController({ disableRequestLogging: true }),
    // Socket-level guards: the whole request must arrive within 30 s (slow senders), idle keep-alive 5 s.
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    clientErrorHandler: writeClientError,
  });
  const sockets = trackConnections(fastify);
  await fastify.register(glossaServe, { controller, notFound: true, ...(options.version === undefined ? {} : { version: options.version }) });
  let closing: Promise<void> | undefined;

  return {
    fastify,
    get state() {
      return controller.state;
    },
    limits: controller.limits,
    batching: controller.batching,
    get batcher() {
      return controller.batcher;
    },
    setModel: (model) => controller.setModel(model),
    async listen({ host, port }) {
      await fastify.listen({ host, port });
      const address = fastify.server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${shown}:${address.port}`;
      fastify.log.info({ url, host, port: address.port }, 'listening');
      return url;
    },
    close() {
      closing ??= (async () => {
        controller.beginClose();
        fastify.log.info('shutting down: finishing in-flight requests');
        const closed = fastify.close();
        for (const [socket, active] of sockets) if (active === 0) socket.destroy();
        await closed;
        fastify.log.info('closed');
      })();
      return closing;
    },
  };
}
