import { TextPreprocessingError } from '../errors.js';

/**
 * Accepts either a parsed JSON value or JSON text; text is parsed, and text that is not JSON is an
 * `INVALID_JSON` error naming `where` and what to pass instead.
 */
export function parseJsonInput(json: unknown, where: string, what: string): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json);
  } catch (cause) {
    throw new TextPreprocessingError('INVALID_JSON', `${where}: the text is not valid JSON. Pass the output of JSON.stringify(${what}) or the parsed object.`, {
      cause,
    });
  }
}
