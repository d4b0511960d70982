import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorBody } from '../error-body.js';
import { type ErrorResponses, healthSchema, readySchema } from '../schemas.js';
import type { ServeController } from '../serve-controller.js';

/**
 * Answers 503 `NOT_READY` with `Retry-After: 1`: the model is still loading.
 *
 * @param reply - The reply.
 * @returns The reply, sent.
 * @example
 * ```ts
 * if (controller.state !== 'ready') return notReady(reply);
 * ```
 */
export function notReady(reply: FastifyReply): FastifyReply {
  return reply.code(503).header('Retry-After', '1').send(errorBody('NOT_READY', 'the model is still loading. Retry when GET /readyz answers 200.'));
}

/**
 * `GET /healthz` (200 while the process runs) and `GET /readyz` (200 once the model is warm).
 *
 * @param fastify - The plugin's scope.
 * @param controller - The served model's state.
 * @param errors - The error responses of the schemas.
 * @example
 * ```ts
 * registerHealthRoutes(fastify, controller, errorResponses(true));
 * ```
 */
export function registerHealthRoutes(fastify: FastifyInstance, controller: ServeController, errors: ErrorResponses): void {
  fastify.get('/healthz', { schema: healthSchema(errors) }, async () => ({ status: 'ok' }));
  fastify.get('/readyz', { schema: readySchema(errors) }, async (_request, reply) => {
    const { model } = controller;
    if (controller.state !== 'ready' || model === undefined) return notReady(reply);
    return { status: 'ready', model: model.id };
  });
}
