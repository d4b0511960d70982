import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { ServeModel } from './serve-controller.js';

type CountedRequest = FastifyRequest & { glossaTexts: number };

/**
 * Records how many texts a request carries, for its log line.
 *
 * @param request - The request.
 * @param texts - Its number of texts.
 * @example
 * ```ts
 * setRequestTexts(request, request.body.texts.length);
 * ```
 */
export function setRequestTexts(request: FastifyRequest, texts: number): void {
  (request as CountedRequest).glossaTexts = texts;
}

/**
 * Writes a request's one JSON log line (`msg: "request"`): method, url, status, ms and texts.
 *
 * @param request - The request.
 * @param status - The status answered (499 for a client that went away).
 * @param ms - How long it took.
 * @example
 * ```ts
 * logRequest(request, reply.statusCode, reply.elapsedTime);
 * ```
 */
export function logRequest(request: FastifyRequest, status: number, ms: number): void {
  request.log.info(
    {
      method: request.method,
      url: request.url,
      status,
      ms: Math.round(ms * 100) / 100,
      texts: (request as CountedRequest).glossaTexts,
    },
    'request',
  );
}

/**
 * Adds the `texts` counter to the scope's requests and, with `log`, the hook that writes one line per answer.
 *
 * @param fastify - The plugin's scope.
 * @param log - Whether to write the request lines.
 * @example
 * ```ts
 * addRequestLog(fastify, true);
 * ```
 */
export function addRequestLog(fastify: FastifyInstance, log: boolean): void {
  fastify.decorateRequest('glossaTexts', 0);
  if (!log) return;
  fastify.addHook('onResponse', async (request, reply) => {
    logRequest(request, reply.statusCode, reply.elapsedTime);
  });
}

/**
 * Writes the `ready` log line of a model that has warmed up: its id, name and number of labels.
 *
 * @param log - The app's logger.
 * @param model - The model now served.
 * @example
 * ```ts
 * createServeController({ onReady: (model) => logReady(fastify.log, model) });
 * ```
 */
export function logReady(log: FastifyBaseLogger, model: ServeModel): void {
  log.info({ model: model.id, name: model.name, labels: model.classifier.labels.length }, 'ready');
}
