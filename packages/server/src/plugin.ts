import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyBaseLogger, FastifyInstance, FastifyPluginAsync, FastifySchemaCompiler } from 'fastify';
import { errorBody } from './error-body.js';
import { createErrorHandler, createNotFoundHandler } from './error-handlers.js';
import type { ServeBatching, ServeLimits } from './options.js';
import { addRequestLog, logReady } from './request-log.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerModelRoute } from './routes/model.js';
import { registerOpenApi, registerOpenApiRoute } from './routes/openapi.js';
import { registerPredictRoute } from './routes/predict.js';
import { ERROR_SCHEMA, errorResponses } from './schemas.js';
import { createServeController, type ServeController, type ServeModel } from './serve-controller.js';

/** Options of the {@link glossaServe} plugin (besides fastify's own, such as `prefix`). */
export interface GlossaServeOptions {
  /**
   * The model to serve: warmed up while the plugin registers, so the routes are ready once the app is. Give
   * this or `controller`.
   */
  model?: ServeModel;
  /** A controller to answer from, whose model is set later ({@link createServeController}); routes answer 503 `NOT_READY` until then. */
  controller?: ServeController;
  /** Request limits, with `model` (a `controller` has its own). Defaults: {@link DEFAULT_SERVE_LIMITS}. */
  limits?: Partial<ServeLimits>;
  /** Micro-batching, with `model` (a `controller` has its own). Defaults: {@link DEFAULT_SERVE_BATCHING}. */
  batching?: Partial<ServeBatching>;
  /** `info.version` of the OpenAPI document (default `0.0.0`). */
  version?: string;
  /**
   * Whether to make the routes' own OpenAPI document and serve it at `GET /openapi.json` (default true). Pass
   * false when your app registers `@fastify/swagger` itself: the routes then appear in your document.
   */
  openapi?: boolean;
  /** Whether unknown paths under the plugin's prefix get the JSON 404 that lists the routes (default false: your app's 404). */
  notFound?: boolean;
  /** Whether to write one `msg: "request"` JSON log line per answer of these routes (default true). */
  logRequests?: boolean;
}

// As fastify's default compiler, but a body is never coerced or trimmed: a number in `texts` or an unknown field
// is a 422, whatever ajv options the app that mounts the routes has.
const buildValidator = AjvCompiler()({}, { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } });
const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, method, url, httpPart }) =>
  buildValidator({ schema: schema as object, method, url, ...(httpPart === undefined ? {} : { httpPart }) });

function controllerOf(options: GlossaServeOptions, log: FastifyBaseLogger): ServeController {
  if (options.controller !== undefined) {
    if (options.limits !== undefined || options.batching !== undefined) {
      throw new TypeError('glossaServe: limits and batching belong to the controller; pass them to createServeController.');
    }
    return options.controller;
  }
  if (options.model === undefined) {
    throw new TypeError('glossaServe: pass the model to serve ({ model: { classifier, manifest, id, name } }) or a controller.');
  }
  return createServeController({
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.batching === undefined ? {} : { batching: options.batching }),
    onReady: (model) => logReady(log, model),
  });
}

async function registerRoutes(fastify: FastifyInstance, options: GlossaServeOptions): Promise<void> {
  const controller = controllerOf(options, fastify.log);
  const openapi = options.openapi ?? true;
  const logRequests = options.logRequests ?? true;
  if (openapi && fastify.hasDecorator('swagger')) {
    throw new Error(
      'glossaServe: this app already registers @fastify/swagger; register the plugin with { openapi: false } and its routes appear in your document.',
    );
  }

  fastify.setValidatorCompiler(validatorCompiler);
  // JSON only: without this, fastify's text/plain parser would hand a string to the body schema (422 instead of 415).
  fastify.removeContentTypeParser('text/plain');
  addRequestLog(fastify, logRequests);
  if (openapi) {
    fastify.addSchema(ERROR_SCHEMA);
    await registerOpenApi(fastify, options.version ?? '0.0.0');
  }

  fastify.addHook('onRequest', async (_request, reply) => {
    if (controller.state === 'closing' || controller.state === 'closed') {
      reply.header('Connection', 'close');
      return reply.code(503).send(errorBody('SHUTTING_DOWN', 'the server is shutting down. Retry on another instance.'));
    }
    return undefined;
  });
  fastify.setErrorHandler(createErrorHandler(controller.limits));
  if (options.notFound === true) fastify.setNotFoundHandler(createNotFoundHandler(fastify.prefix));

  const errors = errorResponses(openapi);
  registerPredictRoute(fastify, controller, errors, logRequests);
  registerModelRoute(fastify, controller, errors);
  registerHealthRoutes(fastify, controller, errors);
  if (openapi) registerOpenApiRoute(fastify);

  // The app's close() is the shutdown: new requests get 503 while in-flight ones finish, then the queue drains.
  fastify.addHook('preClose', async () => controller.beginClose());
  fastify.addHook('onClose', async () => controller.finishClose());
  if (options.model !== undefined) await controller.setModel(options.model);
}

/**
 * A fastify plugin: the Glossa HTTP API on an app you own, in its own encapsulated scope (use fastify's `prefix`
 * to mount it under a path). Routes: `POST /v1/predict` (micro-batched, optional explanations), `GET /v1/model`,
 * `GET /healthz`, `GET /readyz` and `GET /openapi.json`, with JSON-schema validation (422), body limits (413),
 * request timeouts (503), JSON error bodies without stack traces and one JSON log line per request on the app's
 * logger. Closing the app shuts the routes down gracefully. Your app's own routes, parsers, error handler and
 * 404s are left as they are.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { loadBundle, readBundleFiles, readManifest } from '@glossa/node-runtime';
 * import { bundleId, glossaServe } from '@glossa/server';
 *
 * const files = await readBundleFiles('@glossa/model-sentiment-en');
 * const classifier = await loadBundle('@glossa/model-sentiment-en');
 * const app = Fastify({ logger: true });
 * app.get('/', async () => 'my service');
 * await app.register(glossaServe, {
 *   prefix: '/sentiment',
 *   model: { classifier, manifest: readManifest(files), id: bundleId(files), name: 'sentiment-en' },
 *   limits: { maxTexts: 32 },
 * });
 * await app.listen({ port: 3000 }); // POST http://127.0.0.1:3000/sentiment/v1/predict
 * ```
 */
export const glossaServe: FastifyPluginAsync<GlossaServeOptions> = registerRoutes;
