import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { BundleManifest, TextClassifier } from '../runtime.js';
import { describeValidationError, type SchemaProblem, type ServeErrorBody } from './describe-validation-error.js';
import { createMicroBatcher, type MicroBatcher } from './micro-batcher.js';
import {
  DEFAULT_SERVE_BATCHING,
  DEFAULT_SERVE_LIMITS,
  SERVE_OPTION_RANGES,
  type ServeBatching,
  type ServeLimits,
} from './serve-options.js';

/** pino log levels `glossa serve --log-level` accepts. */
export type ServeLogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Life cycle of a server: `loading` until {@link ServeApp.setModel} has warmed the model up. */
export type ServeState = 'loading' | 'ready' | 'closing' | 'closed';

/** A loaded model and what identifies it. */
export interface ServeModel {
  /** The classifier (from `loadBundle`/`deserializeBundle`). */
  classifier: TextClassifier;
  /** The bundle's manifest. */
  manifest: BundleManifest;
  /** Content hash of the bundle files, see {@link bundleId}. */
  id: string;
  /** A name for people: the bundle's directory or file name. */
  name: string;
  /** The tfjs backend the model runs on (reported by `GET /v1/model`). */
  backend?: string;
}

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
  /** Version shown in the OpenAPI document (the CLI's). */
  version?: string;
}

/** A `glossa serve` HTTP server. */
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
   * Graceful shutdown: `/readyz` and new requests get 503, in-flight requests finish, then the server
   * closes and the queue drains. Does not dispose the classifier. Safe to call twice.
   */
  close(): Promise<void>;
}

const ERROR_SCHEMA = {
  $id: 'ErrorResponse',
  type: 'object',
  description: 'Every non-2xx response.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'INVALID_REQUEST, INVALID_JSON, BAD_REQUEST, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, NOT_FOUND, NOT_READY, SHUTTING_DOWN, TIMEOUT, INTERNAL' },
        message: { type: 'string' },
        field: { type: 'string', description: 'The offending field, e.g. texts[3].' },
        limit: { type: 'number', description: 'The limit that was exceeded.' },
      },
    },
  },
} as const;

const SCORES_SCHEMA = {
  type: 'object',
  description: 'Probability of every label (they sum to 1).',
  additionalProperties: { type: 'number' },
} as const;

const MODEL_REF_SCHEMA = {
  type: 'object',
  required: ['id', 'name', 'architecture', 'createdAt'],
  properties: {
    id: { type: 'string', description: 'sha256 of the bundle files (first 16 hex digits).' },
    name: { type: 'string' },
    architecture: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;

const errorResponses = {
  '4xx': { $ref: 'ErrorResponse#' },
  '5xx': { $ref: 'ErrorResponse#' },
} as const;

interface PredictBody {
  texts: string[];
  explain?: boolean;
}

interface PredictionJSON {
  label: string;
  scores: Record<string, number>;
  explanation?: { label: string; method: string; tokens: Array<{ token: string; score: number }> };
}

function checkRange(name: keyof ServeLimits | keyof ServeBatching, value: number): number {
  const [min, max] = SERVE_OPTION_RANGES[name];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`createServeApp: ${name} must be an integer from ${min} to ${max} (got ${value}).`);
  }
  return value;
}

function errorBody(code: string, message: string, extra: Partial<ServeErrorBody> = {}): { error: ServeErrorBody } {
  return { error: { code, message, ...extra } };
}

/**
 * A short content id of a bundle: sha256 over every file name and its bytes (sorted by name), first
 * 16 hex digits, prefixed `sha256-`. Two bundles with the same id hold the same model.
 *
 * @param files - File name → bytes, as `readBundleFiles` returns them.
 * @returns E.g. `sha256-3f2a9c0d1e4b5a67`.
 * @throws Never.
 * @example
 * ```ts
 * bundleId({ 'manifest.json': new TextEncoder().encode('{}') });
 * ```
 */
export function bundleId(files: Readonly<Record<string, Uint8Array>>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort()) {
    hash.update(name);
    hash.update('\0');
    hash.update(files[name] as Uint8Array);
    hash.update('\0');
  }
  return `sha256-${hash.digest('hex').slice(0, 16)}`;
}

function writeClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, code] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'TIMEOUT']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE']
        : [400, 'Bad Request', 'BAD_REQUEST'];
  const body = JSON.stringify(errorBody(code, `the HTTP request could not be read (${reason.toLowerCase()}).`));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Builds the `glossa serve` HTTP API on fastify: `POST /v1/predict`, `GET /v1/model`, `GET /healthz`,
 * `GET /readyz` and `GET /openapi.json`, with JSON-schema validation (422), body limits (413), request
 * timeouts (503), micro-batching of concurrent predictions, JSON error bodies without stack traces, and
 * one structured JSON log line per request. The server starts `loading` (readyz 503) until
 * {@link ServeApp.setModel} has warmed the model up.
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
  const limits: ServeLimits = { ...DEFAULT_SERVE_LIMITS, ...options.limits };
  const batching: ServeBatching = { ...DEFAULT_SERVE_BATCHING, ...options.batching };
  for (const key of Object.keys(limits) as Array<keyof ServeLimits>) checkRange(key, limits[key]);
  for (const key of Object.keys(batching) as Array<keyof ServeBatching>) checkRange(key, batching[key]);

  let state: ServeState = 'loading';
  let model: ServeModel | undefined;
  let batcher: MicroBatcher | undefined;
  let closing: Promise<void> | undefined;

  const fastify = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      stream: options.logStream ?? process.stdout,
      base: { pid: process.pid },
    },
    // One line per request is written by our onResponse hook (with the number of texts).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.maxBodyBytes,
    // Socket-level guards: the whole request must arrive within 30 s (slow senders), idle keep-alive 5 s.
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    clientErrorHandler: writeClientError,
  });

  // Open connections → responses in progress on each, so shutdown can drop the idle ones at once (Node's
  // closeIdleConnections leaves a connection that never sent a request open until the client closes it).
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

  fastify.decorateRequest('glossaTexts', 0);
  // JSON only: without this, fastify's text/plain parser would hand a string to the body schema (422 instead of 415).
  fastify.removeContentTypeParser('text/plain');
  fastify.addSchema(ERROR_SCHEMA);

  await fastify.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Glossa text classification API',
        description: 'Served by `glossa serve`: labels and per-label probabilities for texts, with optional token attributions.',
        version: options.version ?? '0.0.0',
      },
    },
  });

  fastify.addHook('onRequest', async (_request, reply) => {
    if (state === 'closing' || state === 'closed') {
      reply.header('Connection', 'close');
      return reply
        .code(503)
        .send(errorBody('SHUTTING_DOWN', 'the server is shutting down. Retry on another instance.'));
    }
    return undefined;
  });

  const logRequest = (request: FastifyRequest, status: number, ms: number): void => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status,
        ms: Math.round(ms * 100) / 100,
        texts: (request as FastifyRequest & { glossaTexts: number }).glossaTexts,
      },
      'request',
    );
  };
  fastify.addHook('onResponse', async (request, reply) => {
    logRequest(request, reply.statusCode, reply.elapsedTime);
  });

  fastify.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.validation !== undefined && error.validation.length > 0) {
      const problem = error.validation[0] as unknown as SchemaProblem;
      return reply.code(422).send({ error: describeValidationError(problem, request.body, limits) });
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.code(413).send(
          errorBody(
            'PAYLOAD_TOO_LARGE',
            `the request body is over the limit of ${limits.maxBodyBytes} bytes (glossa serve --max-body-bytes). Send fewer or shorter texts per request.`,
            { limit: limits.maxBodyBytes },
          ),
        );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply
          .code(415)
          .send(errorBody('UNSUPPORTED_MEDIA_TYPE', `send the body as JSON with the header Content-Type: application/json (got ${JSON.stringify(request.headers['content-type'] ?? '')}).`));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.code(400).send(errorBody('INVALID_JSON', 'the body is empty: send a JSON object like {"texts": ["some text"]}.'));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.code(400).send(errorBody('INVALID_JSON', `the body is not valid JSON (${error.message}). Send a JSON object like {"texts": ["some text"]}.`));
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return reply.code(400).send(errorBody('BAD_REQUEST', 'the Content-Length header does not match the body.'));
      default:
        break;
    }
    if (error instanceof SyntaxError || (error.statusCode === 400 && error.code === undefined)) {
      return reply.code(400).send(errorBody('INVALID_JSON', `the body is not valid JSON (${error.message}). Send a JSON object like {"texts": ["some text"]}.`));
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(500).send(errorBody('INTERNAL', `the server failed to answer (request ${request.id}); the server log has the details.`));
    }
    return reply.code(status).send(errorBody('BAD_REQUEST', error.message));
  });

  fastify.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send(
        errorBody(
          'NOT_FOUND',
          `no route ${request.method} ${request.url.split('?')[0]}. Routes: POST /v1/predict, GET /v1/model, GET /healthz, GET /readyz, GET /openapi.json.`,
        ),
      );
  });

  const notReady = (reply: FastifyReply): FastifyReply =>
    reply.code(503).header('Retry-After', '1').send(errorBody('NOT_READY', 'the model is still loading. Retry when GET /readyz answers 200.'));

  const modelRef = (m: ServeModel) => ({
    id: m.id,
    name: m.name,
    architecture: m.manifest.architecture,
    createdAt: m.manifest.createdAt,
  });

  fastify.post<{ Body: PredictBody }>(
    '/v1/predict',
    {
      schema: {
        summary: 'Label texts',
        description:
          'Predicted label and per-label probabilities of every text, in order. Concurrent requests are micro-batched into one forward pass; each gets exactly the scores it would get alone. With "explain": true every prediction also carries token attributions (occlusion).',
        body: {
          type: 'object',
          required: ['texts'],
          additionalProperties: false,
          properties: {
            texts: {
              type: 'array',
              minItems: 1,
              maxItems: limits.maxTexts,
              // A text with nothing to read (empty or only spaces) is refused rather than scored near-uniformly.
              items: { type: 'string', maxLength: limits.maxTextLength, pattern: '\\S' },
            },
            explain: { type: 'boolean', description: `Token attributions for each text (at most ${limits.maxExplainTexts} texts).` },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['predictions', 'model'],
            properties: {
              predictions: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['label', 'scores'],
                  properties: {
                    label: { type: 'string' },
                    scores: SCORES_SCHEMA,
                    explanation: {
                      type: 'object',
                      required: ['label', 'method', 'tokens'],
                      properties: {
                        label: { type: 'string', description: 'The explained label (the predicted one).' },
                        method: { type: 'string', enum: ['occlusion'] },
                        tokens: {
                          type: 'array',
                          items: {
                            type: 'object',
                            required: ['token', 'score'],
                            properties: { token: { type: 'string' }, score: { type: 'number' } },
                          },
                        },
                      },
                    },
                  },
                },
              },
              model: MODEL_REF_SCHEMA,
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      if (state !== 'ready' || model === undefined || batcher === undefined) return notReady(reply);
      const { texts, explain } = request.body;
      (request as FastifyRequest & { glossaTexts: number }).glossaTexts = texts.length;
      if (explain === true && texts.length > limits.maxExplainTexts) {
        return reply.code(422).send(
          errorBody(
            'INVALID_REQUEST',
            `texts has ${texts.length} items, over the limit of ${limits.maxExplainTexts} with "explain": true (glossa serve --max-explain-texts). Explain fewer texts per request.`,
            { field: 'texts', limit: limits.maxExplainTexts },
          ),
        );
      }
      const current = model;
      const active = batcher;
      const labels = current.classifier.labels;
      // Our own deadline and disconnect detection: fastify 5.12's handlerTimeout/request.signal abort as
      // soon as a POST body has been read (fastify/fastify#6725), so they cannot be used here.
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, limits.timeoutMs);
      const onClose = (): void => {
        if (!reply.raw.writableFinished) controller.abort();
      };
      reply.raw.once('close', onClose);
      const aborted = new Promise<never>((_, reject) => {
        controller.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
      aborted.catch(() => undefined);
      try {
        const submitted = active.submit(texts, controller.signal);
        request.log.debug({ texts: texts.length, queuedTexts: active.queuedTexts }, 'queued');
        submitted.catch(() => undefined); // a late failure after the race is lost is not unhandled
        const rows = await Promise.race([submitted, aborted]);
        const predictions: PredictionJSON[] = rows.map((row) => {
          const scores: Record<string, number> = {};
          let best = 0;
          for (let j = 0; j < labels.length; j++) {
            scores[labels[j] as string] = row[j] as number;
            if ((row[j] as number) > (row[best] as number)) best = j;
          }
          return { label: labels[best] as string, scores };
        });
        if (explain === true) {
          for (let i = 0; i < texts.length; i++) {
            const prediction = predictions[i] as PredictionJSON;
            const explaining = current.classifier.explain(texts[i] as string, { label: prediction.label });
            explaining.catch(() => undefined); // lost races must not become unhandled rejections
            const explanation = await Promise.race([explaining, aborted]);
            prediction.explanation = { label: explanation.label, method: explanation.method, tokens: explanation.tokens };
          }
        }
        if (controller.signal.aborted) throw new Error('aborted');
        return { predictions, model: modelRef(current) };
      } catch (error) {
        if (timedOut) {
          return reply
            .code(503)
            .header('Retry-After', '1')
            .send(
              errorBody(
                'TIMEOUT',
                `the request was not answered within ${limits.timeoutMs} ms (glossa serve --timeout-ms); the server is overloaded. Retry later or send fewer texts.`,
                { limit: limits.timeoutMs },
              ),
            );
        }
        if (controller.signal.aborted) {
          // The client went away: fastify's onResponse never runs for a destroyed response, so the
          // request line is written here, with nginx's 499 (client closed request).
          logRequest(request, 499, reply.elapsedTime);
          return reply.code(499).send(errorBody('CLIENT_CLOSED', 'the client closed the connection.'));
        }
        throw error;
      } finally {
        clearTimeout(timer);
        reply.raw.off('close', onClose);
      }
    },
  );

  fastify.get(
    '/v1/model',
    {
      schema: {
        summary: 'The served model',
        description: 'Identity, labels, architecture, the bundle manifest (options, training, validation metrics) and the server limits.',
        response: {
          200: {
            type: 'object',
            required: ['id', 'name', 'labels', 'architecture', 'manifest', 'limits', 'batching'],
            properties: {
              id: { type: 'string' },
              name: { type: 'string' },
              labels: { type: 'array', items: { type: 'string' } },
              architecture: { type: 'string' },
              backend: { type: 'string' },
              metrics: { type: 'object', additionalProperties: true, description: 'Validation metrics from training, when the bundle has them.' },
              manifest: { type: 'object', additionalProperties: true, description: 'The bundle manifest.json.' },
              limits: {
                type: 'object',
                properties: Object.fromEntries(Object.keys(DEFAULT_SERVE_LIMITS).map((key) => [key, { type: 'integer' }])),
              },
              batching: {
                type: 'object',
                properties: Object.fromEntries(Object.keys(DEFAULT_SERVE_BATCHING).map((key) => [key, { type: 'integer' }])),
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (_request, reply) => {
      if (state !== 'ready' || model === undefined) return notReady(reply);
      return {
        id: model.id,
        name: model.name,
        labels: [...model.classifier.labels],
        architecture: model.manifest.architecture,
        ...(model.backend === undefined ? {} : { backend: model.backend }),
        ...(model.manifest.metrics === undefined ? {} : { metrics: model.manifest.metrics }),
        manifest: model.manifest,
        limits,
        batching,
      };
    },
  );

  fastify.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness',
        description: 'Answers 200 while the process runs (even while the model loads).',
        response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } }, ...errorResponses },
      },
    },
    async () => ({ status: 'ok' }),
  );

  fastify.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness',
        description: 'Answers 200 once the model is loaded and warm; 503 before that and while shutting down.',
        response: {
          200: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ready'] }, model: { type: 'string' } } },
          ...errorResponses,
        },
      },
    },
    async (_request, reply) => {
      if (state !== 'ready' || model === undefined) return notReady(reply);
      return { status: 'ready', model: model.id };
    },
  );

  fastify.get(
    '/openapi.json',
    {
      schema: {
        summary: 'This API as an OpenAPI 3 document',
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async () => fastify.swagger(),
  );

  return {
    fastify,
    get state() {
      return state;
    },
    limits,
    batching,
    get batcher() {
      return batcher;
    },
    async setModel(next) {
      if (state !== 'loading') throw new Error(`setModel: the server is ${state}; a model can only be set while loading.`);
      const { classifier } = next;
      const created = createMicroBatcher({
        run: (texts) => classifier.predictProbabilities(texts, { batchSize: batching.maxBatchTexts }),
        width: classifier.labels.length,
        maxBatchTexts: batching.maxBatchTexts,
        maxDelayMs: batching.maxDelayMs,
      });
      // Warm-up: the first forward passes allocate and compile; do them before answering traffic.
      await classifier.predictProbabilities(['warm up'], { batchSize: 1 });
      const sentence = 'warming up the model with a sentence of ordinary length before serving';
      await classifier.predictProbabilities(Array.from({ length: batching.maxBatchTexts }, () => sentence), {
        batchSize: batching.maxBatchTexts,
      });
      if (state !== 'loading') return;
      model = next;
      batcher = created;
      state = 'ready';
      fastify.log.info({ model: next.id, name: next.name, labels: classifier.labels.length }, 'ready');
    },
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
        state = 'closing';
        fastify.log.info('shutting down: finishing in-flight requests');
        const closed = fastify.close();
        for (const [socket, active] of sockets) if (active === 0) socket.destroy();
        await closed;
        await batcher?.drain();
        state = 'closed';
        fastify.log.info('closed');
      })();
      return closing;
    },
  };
}
