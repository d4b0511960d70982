import type { ServeErrorBody } from './error-body.js';
import type { ServeLimits } from './options.js';

/** One JSON-schema (ajv) error, as fastify reports it in `error.validation`. */
export interface SchemaProblem {
  /** The failed keyword: `type`, `required`, `maxItems`, … */
  keyword: string;
  /** JSON pointer of the offending value, e.g. `/texts/3`. */
  instancePath: string;
  /** Keyword parameters (`limit`, `missingProperty`, `additionalProperty`, `type`). */
  params: Record<string, unknown>;
  /** ajv's own message. */
  message?: string;
}

function fieldOf(instancePath: string): string {
  const parts = instancePath.split('/').filter((part) => part !== '');
  let field = '';
  for (const part of parts) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    field += /^\d+$/.test(key) ? `[${key}]` : field === '' ? key : `.${key}`;
  }
  return field === '' ? 'body' : field;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function valueAt(body: unknown, instancePath: string): unknown {
  let current: unknown = body;
  for (const part of instancePath.split('/').filter((p) => p !== '')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

const EXAMPLE = '{"texts": ["some text"]}';

/**
 * Turns the first JSON-schema error of a `POST /v1/predict` body into the 422 error body: it names the
 * field, what was wrong, the value seen and the limit (with the `glossa serve` option that sets it).
 *
 * @param problem - The first ajv error.
 * @param body - The parsed request body (for the values seen).
 * @param limits - The server's limits (for the option names in the message).
 * @returns The `error` object of the response.
 * @throws Never.
 * @example
 * ```ts
 * describeValidationError({ keyword: 'minItems', instancePath: '/texts', params: { limit: 1 } }, { texts: [] }, DEFAULT_SERVE_LIMITS);
 * // { code: 'INVALID_REQUEST', field: 'texts', limit: 1, message: 'texts is empty: …' }
 * ```
 */
export function describeValidationError(problem: SchemaProblem, body: unknown, limits: Readonly<ServeLimits>): ServeErrorBody {
  const field = fieldOf(problem.instancePath);
  const limit = typeof problem.params.limit === 'number' ? problem.params.limit : undefined;
  const seen = valueAt(body, problem.instancePath);
  const invalid = (message: string, withLimit?: number): ServeErrorBody => ({
    code: 'INVALID_REQUEST',
    message,
    field,
    ...(withLimit === undefined ? {} : { limit: withLimit }),
  });
  switch (problem.keyword) {
    case 'required': {
      const missing = String(problem.params.missingProperty ?? 'texts');
      return { code: 'INVALID_REQUEST', field: missing, message: `${missing} is missing: send a JSON object like ${EXAMPLE}.` };
    }
    case 'additionalProperties': {
      const extra = String(problem.params.additionalProperty ?? '?');
      return {
        code: 'INVALID_REQUEST',
        field: extra,
        message: `unknown field "${extra}": the body takes "texts" (array of strings) and optionally "explain" (boolean).`,
      };
    }
    case 'type': {
      if (field === 'body') return invalid(`the body must be a JSON object like ${EXAMPLE} (got ${typeName(seen)}).`);
      if (field === 'texts') return invalid(`texts must be an array of strings (got ${typeName(seen)}).`);
      if (field === 'explain') return invalid(`explain must be true or false (got ${typeName(seen)}).`);
      return invalid(`${field} must be a string (got ${typeName(seen)}).`);
    }
    case 'minItems':
      return invalid(`${field} is empty: send at least one text, e.g. ${EXAMPLE}.`, limit);
    case 'maxItems': {
      const count = Array.isArray(seen) ? seen.length : undefined;
      return invalid(
        `${field} has ${count ?? 'more than'} ${count === undefined ? `${limit} ` : ''}items, over the limit of ${limit ?? limits.maxTexts} per request (glossa serve --max-texts). Split the request.`,
        limit ?? limits.maxTexts,
      );
    }
    case 'maxLength': {
      const length = typeof seen === 'string' ? [...seen].length : undefined;
      return invalid(
        `${field} has ${length ?? 'more than'} characters, over the limit of ${limit ?? limits.maxTextLength} (glossa serve --max-text-length). Shorten the text.`,
        limit ?? limits.maxTextLength,
      );
    }
    case 'pattern':
      return invalid(
        `${field} is ${typeof seen === 'string' && seen.length > 0 ? 'only whitespace' : 'empty'}: there is nothing to label. Leave it out of the request, or send the text.`,
      );
    default:
      return invalid(`${field} is invalid: ${problem.message ?? problem.keyword}.`, limit);
  }
}
