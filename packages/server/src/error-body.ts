/** The `error` object of every non-2xx JSON body. */
export interface ServeErrorBody {
  /** Machine-readable reason, e.g. `INVALID_REQUEST`, `PAYLOAD_TOO_LARGE`, `TIMEOUT`. */
  code: string;
  /** One sentence for a person: what was wrong and how to fix it. */
  message: string;
  /** The offending field, e.g. `texts[3]`, for request errors. */
  field?: string;
  /** The limit that was exceeded, when one was. */
  limit?: number;
}

/**
 * A JSON error body: `{"error": {code, message, field?, limit?}}`, the shape of every non-2xx answer.
 *
 * @param code - Machine-readable reason (`INVALID_REQUEST`, `NOT_READY`, …).
 * @param message - One sentence for a person.
 * @param extra - `field` and `limit`, when they apply.
 * @returns The body.
 * @throws Never.
 * @example
 * ```ts
 * errorBody('NOT_READY', 'the model is still loading.'); // { error: { code: 'NOT_READY', message: '…' } }
 * ```
 */
export function errorBody(code: string, message: string, extra: Partial<ServeErrorBody> = {}): { error: ServeErrorBody } {
  return { error: { code, message, ...extra } };
}
