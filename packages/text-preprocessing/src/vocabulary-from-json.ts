import { TextPreprocessingError, type ValidationProblem } from './errors.js';
import { collectVocabularyJSONProblems, ProblemCollector } from './internal/config-validation.js';
import { createVocabularyUnchecked } from './internal/create-vocabulary.js';
import { formatProblems } from './internal/describe.js';
import { parseJsonInput } from './internal/parse-json-input.js';
import type { Vocabulary, VocabularyJSON } from './vocabulary.js';

/**
 * Checks a serialised vocabulary and returns every problem found (empty when valid).
 *
 * @param json - a parsed JSON value.
 * @returns the problems, each with its JSON path.
 * @example
 * ```ts
 * validateVocabularyJSON({ tokens: ['<pad>', 'oops'] });
 * // [{ path: '$.tokens[1]', message: 'must be "<unk>" (got "oops")' }]
 * ```
 */
export function validateVocabularyJSON(json: unknown): ValidationProblem[] {
  const collector = new ProblemCollector();
  collectVocabularyJSONProblems(json, '$', collector);
  return collector.problems;
}

/**
 * Restores a vocabulary saved with `vocabulary.toJSON()`, after validating it.
 *
 * @param json - the parsed JSON value (or the JSON text).
 * @returns the {@link Vocabulary}.
 * @throws {@link TextPreprocessingError} `INVALID_JSON` listing every problem found.
 * @example
 * ```ts
 * import { buildVocabulary, vocabularyFromJSON } from '@glossa/text-preprocessing';
 *
 * const saved = JSON.stringify(buildVocabulary([['hello', 'world']]));
 * const vocabulary = vocabularyFromJSON(JSON.parse(saved));
 * vocabulary.idOf('world'); // 3
 * ```
 */
export function vocabularyFromJSON(json: unknown): Vocabulary {
  const value = parseJsonInput(json, 'vocabularyFromJSON', 'vocabulary');
  const problems = validateVocabularyJSON(value);
  if (problems.length > 0) {
    throw new TextPreprocessingError(
      'INVALID_JSON',
      `vocabularyFromJSON: the vocabulary JSON is invalid (${formatProblems(problems)}). Re-create it with vocabulary.toJSON().`,
      { problems },
    );
  }
  return createVocabularyUnchecked((value as VocabularyJSON).tokens);
}
