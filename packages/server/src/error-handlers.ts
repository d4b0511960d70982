/**
 * Every failure answered as a JSON error body, never a stack trace: schema errors (422), fastify's body and
 * content-type errors (400/413/415), unknown routes (404), unreadable HTTP (400/408/431) and the rest (500,
 * details only in the server log).
 */
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { describeValidationError, type SchemaProblem } from './describe-validation-error.js';
import { errorBody } from './error-body.js';
import type { ServeLimits } from './options.js';

/** The error handler of the plugin's routes. */
export type ServeErrorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply;

/**
 * The error handler of the plugin's routes: a schema error becomes a 422 naming the field and the limit,
 * fastify's body errors 400/413/415, anything else a 500 `INTERNAL` with the error logged.
 *
 * @param limits - The server's limits (named in the messages).
 * @returns A handler for `setErrorHandler`.
 * @example
 * ```ts
 * fastify.setErrorHandler(createErrorHandler(limits));
 * ```
 */
export function createErrorHandler(limits: Readonly<ServeLimits>): ServeErrorHandler {
  return (error, request, reply) => {
    if (error.validation !== undefined && error.validation.length > 0) {
      const problem = error.validation[0] as unknown as SchemaProblem;
      return reply.code(422).send({ error: describeValidationError(problem, request.body, limits) });
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply
          .code(413)
          .send(
            errorBody(
              'PAYLOAD_TOO_LARGE',
              `the request body is over the limit of ${limits.maxBodyBytes} bytes (glossa serve --max-body-bytes). Send fewer or shorter texts per request.`,
              { limit: limits.maxBodyBytes },
            ),
          );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply
          .code(415)
          .send(
            errorBody(
              'UNSUPPORTED_MEDIA_TYPE',
              `send the body as JSON with the header Content-Type: application/json (got ${JSON.stringify(request.headers['content-type'] ?? '')}).`,
            ),
          );
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.code(400).send(errorBody('INVALID_JSON', 'the body is empty: send a JSON object like {"texts": ["some text"]}.'));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply
          .code(400)
          .send(errorBody('INVALID_JSON', `the body is not valid JSON (${error.message}). Send a JSON object like {"texts": ["some text"]}.`));
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return reply.code(400).send(errorBody('BAD_REQUEST', 'the Content-Length header does not match the body.'));
      default:
        break;
    }
    if (error instanceof SyntaxError || (error.statusCode === 400 && error.code === undefined)) {
      return reply
        .code(400)
        .send(errorBody('INVALID_JSON', `the body is not valid JSON (${error.message}). Send a JSON object like {"texts": ["some text"]}.`));
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(500).send(errorBody('INTERNAL', `the server failed to answer (request ${request.id}); the server log has the details.`));
    }
    return reply.code(status).send(errorBody('BAD_REQUEST', error.message));
  };
}

/**
 * The 404 handler: a JSON body naming the method and path and listing the routes.
 *
 * @param prefix - Where the routes are mounted (`''` at the root).
 * @returns A handler for `setNotFoundHandler`.
 * @example
 * ```ts
 * fastify.setNotFoundHandler(createNotFoundHandler(''));
 * ```
 */
export function createNotFoundHandler(prefix: string): (request: FastifyRequest, reply: FastifyReply) => void {
  const routes = ['POST /v1/predict', 'GET /v1/model', 'GET /healthz', 'GET /readyz', 'GET /openapi.json']
    .map((route) => route.replace(' /', ` ${prefix}/`))
    .join(', ');
  return (request, reply) => {
    reply.code(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}. Routes: ${routes}.`));
  };
}

/**
 * Answers an HTTP request that could not be parsed (fastify's `clientErrorHandler`) with a JSON error
 * and closes the connection: 408 for a request that took too long to arrive, 431 for oversized headers,
 * 400 otherwise; a reset connection is just dropped.
 *
 * @param error - The parser's error.
 * @param socket - The client's socket.
 * @example
 * ```ts
 * Fastify({ clientErrorHandler: writeClientError });
 * ```
 */
export function writeClientError(error: NodeJS.ErrnoException, socket: Socket): void {
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
