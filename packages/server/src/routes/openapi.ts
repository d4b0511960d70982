import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { OPENAPI_ROUTE_SCHEMA } from '../schemas.js';

/**
 * Registers `@fastify/swagger` in the plugin's scope, so that the routes registered after it make the OpenAPI 3
 * document; call {@link registerOpenApiRoute} once they are.
 *
 * @param fastify - The plugin's scope.
 * @param version - `info.version` of the document.
 * @example
 * ```ts
 * await registerOpenApi(fastify, '1.2.0');
 * ```
 */
export async function registerOpenApi(fastify: FastifyInstance, version: string): Promise<void> {
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Glossa text classification API',
        description: 'Served by `glossa serve`: labels and per-label probabilities for texts, with optional token attributions.',
        version,
      },
    },
  });
}

/**
 * `GET /openapi.json`: the document of the scope's routes.
 *
 * @param fastify - The plugin's scope (after {@link registerOpenApi}).
 * @example
 * ```ts
 * registerOpenApiRoute(fastify);
 * ```
 */
export function registerOpenApiRoute(fastify: FastifyInstance): void {
  fastify.get('/openapi.json', { schema: OPENAPI_ROUTE_SCHEMA }, async () => fastify.swagger());
}
