import type { FastifyInstance } from 'fastify';
import { type ErrorResponses, modelSchema } from '../schemas.js';
import type { ServeController } from '../serve-controller.js';
import { notReady } from './health.js';

/**
 * `GET /v1/model`: id, name, labels, architecture, backend, validation metrics, the manifest, the limits and
 * the batching.
 *
 * @param fastify - The plugin's scope.
 * @param controller - The served model's state.
 * @param errors - The error responses of the schema.
 * @example
 * ```ts
 * registerModelRoute(fastify, controller, errorResponses(true));
 * ```
 */
export function registerModelRoute(fastify: FastifyInstance, controller: ServeController, errors: ErrorResponses): void {
  fastify.get('/v1/model', { schema: modelSchema(errors) }, async (_request, reply) => {
    const { model } = controller;
    if (controller.state !== 'ready' || model === undefined) return notReady(reply);
    return {
      id: model.id,
      name: model.name,
      labels: [...model.classifier.labels],
      architecture: model.manifest.architecture,
      ...(model.backend === undefined ? {} : { backend: model.backend }),
      ...(model.manifest.metrics === undefined ? {} : { metrics: model.manifest.metrics }),
      manifest: model.manifest,
      limits: controller.limits,
      batching: controller.batching,
    };
  });
}
