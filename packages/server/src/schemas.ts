/**
 * The JSON schemas of every route: they validate requests, serialise answers and make the OpenAPI document.
 */
import { DEFAULT_SERVE_BATCHING, DEFAULT_SERVE_LIMITS, type ServeLimits } from './options.js';

/** The shared error schema, added to the plugin's scope and referenced as `ErrorResponse#`. */
export const ERROR_SCHEMA = {
  $id: 'ErrorResponse',
  type: 'object',
  description: 'Every non-2xx response.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          description:
            'INVALID_REQUEST, INVALID_JSON, BAD_REQUEST, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, NOT_FOUND, NOT_READY, SHUTTING_DOWN, TIMEOUT, INTERNAL',
        },
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

/** The `4xx`/`5xx` responses of a route. */
export type ErrorResponses = Readonly<Record<'4xx' | '5xx', object>>;

/**
 * The `4xx` and `5xx` responses of every route: a reference to {@link ERROR_SCHEMA} where the plugin added it
 * to its scope, else the schema written out (for an app whose own `@fastify/swagger` documents the routes and
 * cannot see the plugin's shared schemas).
 *
 * @param shared - Whether `ErrorResponse` is a shared schema in the routes' scope.
 * @returns The responses, to spread into each route's `response`.
 * @example
 * ```ts
 * const response = { 200: okSchema, ...errorResponses(true) };
 * ```
 */
export function errorResponses(shared: boolean): ErrorResponses {
  if (shared) return { '4xx': { $ref: 'ErrorResponse#' }, '5xx': { $ref: 'ErrorResponse#' } };
  const { $id: _id, ...inline } = ERROR_SCHEMA;
  return { '4xx': inline, '5xx': inline };
}

/**
 * The schema of `POST /v1/predict`: the body (`texts` within the limits, optional `explain`) and the answer.
 *
 * @param limits - The server's limits (they become `maxItems` and `maxLength`).
 * @param errors - From {@link errorResponses}.
 * @returns The route schema.
 * @example
 * ```ts
 * fastify.post('/v1/predict', { schema: predictSchema(limits, errorResponses(true)) }, handler);
 * ```
 */
export function predictSchema(limits: Readonly<ServeLimits>, errors: ErrorResponses) {
  return {
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
      ...errors,
    },
  };
}

/**
 * The schema of `GET /v1/model`.
 *
 * @param errors - From {@link errorResponses}.
 * @returns The route schema.
 * @example
 * ```ts
 * fastify.get('/v1/model', { schema: modelSchema(errorResponses(true)) }, handler);
 * ```
 */
export function modelSchema(errors: ErrorResponses) {
  return {
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
      ...errors,
    },
  };
}

/**
 * The schema of `GET /healthz`.
 *
 * @param errors - From {@link errorResponses}.
 * @returns The route schema.
 * @example
 * ```ts
 * fastify.get('/healthz', { schema: healthSchema(errorResponses(true)) }, handler);
 * ```
 */
export function healthSchema(errors: ErrorResponses) {
  return {
    summary: 'Liveness',
    description: 'Answers 200 while the process runs (even while the model loads).',
    response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } }, ...errors },
  };
}

/**
 * The schema of `GET /readyz`.
 *
 * @param errors - From {@link errorResponses}.
 * @returns The route schema.
 * @example
 * ```ts
 * fastify.get('/readyz', { schema: readySchema(errorResponses(true)) }, handler);
 * ```
 */
export function readySchema(errors: ErrorResponses) {
  return {
    summary: 'Readiness',
    description: 'Answers 200 once the model is loaded and warm; 503 before that and while shutting down.',
    response: {
      200: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ready'] }, model: { type: 'string' } } },
      ...errors,
    },
  };
}

/** The schema of `GET /openapi.json`. */
export const OPENAPI_ROUTE_SCHEMA = {
  summary: 'This API as an OpenAPI 3 document',
  response: { 200: { type: 'object', additionalProperties: true } },
} as const;
