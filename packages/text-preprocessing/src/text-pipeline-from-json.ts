import { TextPreprocessingError, type ValidationProblem } from './errors.js';
import { collectTextPipelineConfigProblems, collectVocabularyJSONProblems, ProblemCollector } from './internal/config-validation.js';
import { createVocabularyUnchecked } from './internal/create-vocabulary.js';
import { describeValue, formatProblems, isRecord } from './internal/describe.js';
import { parseJsonInput } from './internal/parse-json-input.js';
import { createTextPipeline, TEXT_PIPELINE_SCHEMA, TEXT_PIPELINE_SCHEMA_VERSION, type TextPipeline, type TextPipelineJSON } from './text-pipeline.js';

/**
 * Checks a serialised text pipeline and returns every problem found (empty when valid). A
 * `schemaVersion` newer than {@link TEXT_PIPELINE_SCHEMA_VERSION} is reported alone, since the
 * rest of a newer document cannot be judged.
 *
 * @param json - a parsed JSON value.
 * @returns the problems, each with its JSON path (`$.config.maxLength`, `$.vocabulary.tokens[1]`).
 * @example
 * ```ts
 * import { validateTextPipelineJSON } from '@glossa/text-preprocessing';
 *
 * const problems = validateTextPipelineJSON(JSON.parse(text));
 * for (const { path, message } of problems) console.error(`${path} ${message}`);
 * ```
 */
export function validateTextPipelineJSON(json: unknown): ValidationProblem[] {
  const collector = new ProblemCollector();
  if (!isRecord(json)) {
    collector.add('$', `must be an object (got ${describeValue(json)})`);
    return collector.problems;
  }
  if (json.schema !== TEXT_PIPELINE_SCHEMA) {
    collector.add('$.schema', `must be "${TEXT_PIPELINE_SCHEMA}" (got ${describeValue(json.schema)})`);
  }
  const version = json.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    collector.add('$.schemaVersion', `must be a positive integer (got ${describeValue(version)})`);
  } else if (version > TEXT_PIPELINE_SCHEMA_VERSION) {
    return [
      {
        path: '$.schemaVersion',
        message: `is ${version}, newer than the newest supported version ${TEXT_PIPELINE_SCHEMA_VERSION}`,
      },
    ];
  }
  collectTextPipelineConfigProblems(json.config, '$.config', collector, true);
  collectVocabularyJSONProblems(json.vocabulary, '$.vocabulary', collector);
  return collector.problems;
}

/**
 * Restores a pipeline saved with `pipeline.toJSON()`. Everything is validated first and nothing in
 * the document is ever evaluated as code; the restored pipeline encodes exactly like the original.
 *
 * @param json - the parsed JSON value, or the JSON text.
 * @returns the {@link TextPipeline}.
 * @throws {@link TextPreprocessingError} `UNSUPPORTED_VERSION` when the document needs a newer version of this package; `INVALID_JSON` listing every problem (with JSON paths) otherwise.
 * @example
 * ```ts
 * import { fitTextPipeline, textPipelineFromJSON } from '@glossa/text-preprocessing';
 *
 * const saved = JSON.stringify(fitTextPipeline(['good', 'bad']));
 * const pipeline = textPipelineFromJSON(saved);
 * pipeline.encode('good'); // Int32Array [2]
 * ```
 */
export function textPipelineFromJSON(json: unknown): TextPipeline {
  const value = parseJsonInput(json, 'textPipelineFromJSON', 'pipeline');
  if (isRecord(value) && typeof value.schemaVersion === 'number' && value.schemaVersion > TEXT_PIPELINE_SCHEMA_VERSION) {
    throw new TextPreprocessingError(
      'UNSUPPORTED_VERSION',
      `textPipelineFromJSON: the pipeline has schemaVersion ${value.schemaVersion}, but this version of @glossa/text-preprocessing reads schemaVersion ${TEXT_PIPELINE_SCHEMA_VERSION} at most. Upgrade @glossa/text-preprocessing to a release that supports schemaVersion ${value.schemaVersion}.`,
      { problems: validateTextPipelineJSON(value) },
    );
  }
  const problems = validateTextPipelineJSON(value);
  if (problems.length > 0) {
    throw new TextPreprocessingError(
      'INVALID_JSON',
      `textPipelineFromJSON: the pipeline JSON has ${problems.length} problem${problems.length === 1 ? '' : 's'} (${formatProblems(problems)}). Re-create it with pipeline.toJSON().`,
      { problems },
    );
  }
  const pipelineJSON = value as TextPipelineJSON;
  return createTextPipeline(createVocabularyUnchecked(pipelineJSON.vocabulary.tokens), pipelineJSON.config);
}
