import { vocabularyFromJSON } from './vocabulary-from-json.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextPreprocessingError } from './errors.js';
import { fitTextPipeline, TEXT_PIPELINE_SCHEMA_VERSION, type TextPipelineConfig } from './text-pipeline.js';
import { textPipelineFromJSON, validateTextPipelineJSON } from './text-pipeline-from-json.js';

const corpus = ['Great product, would buy again!', 'Awful. Broke after a day 😡', 'Très bien — 很好', 'ok ok ok'];

const configs: Partial<TextPipelineConfig>[] = [
  {},
  { maxLength: 7, padding: 'pre', truncating: 'pre' },
  { tokenizer: { type: 'char-ngram', minN: 1, maxN: 3 }, normalization: { stripAccents: true } },
  { tokenizer: { type: 'char' }, vocabulary: { maxSize: 10 } },
  { tokenizer: { type: 'whitespace' }, normalization: { lowercase: false, unicode: 'NFC' } },
];

describe('textPipelineFromJSON', () => {
  it('restores pipelines that encode arbitrary texts identically', () => {
    for (const config of configs) {
      const original = fitTextPipeline(corpus, config);
      const restored = textPipelineFromJSON(JSON.parse(JSON.stringify(original)));
      expect(restored.config).toEqual(original.config);
      expect(restored.toJSON()).toEqual(original.toJSON());
      fc.assert(
        fc.property(fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom(...corpus)), { maxLength: 5 }), (texts) => {
          for (const text of texts) expect(restored.encode(text)).toEqual(original.encode(text));
          expect(restored.encodeBatch(texts)).toEqual(original.encodeBatch(texts));
        }),
        { numRuns: 50 },
      );
    }
  });

  it('accepts the JSON text directly', () => {
    const original = fitTextPipeline(corpus);
    expect(textPipelineFromJSON(JSON.stringify(original)).encode('great')).toEqual(original.encode('great'));
  });

  it('rejects text that is not JSON with INVALID_JSON, for pipelines and vocabularies', () => {
    expect(() => textPipelineFromJSON('{"schema":')).toThrow(
      /textPipelineFromJSON: the text is not valid JSON\. Pass the output of JSON\.stringify\(pipeline\)/,
    );
    expect(() => vocabularyFromJSON('[oops')).toThrow(/vocabularyFromJSON: the text is not valid JSON\. Pass the output of JSON\.stringify\(vocabulary\)/);
  });

  it('writes the schema name and version', () => {
    const json = fitTextPipeline(corpus).toJSON();
    expect(json.schema).toBe('glossa.text-pipeline');
    expect(json.schemaVersion).toBe(TEXT_PIPELINE_SCHEMA_VERSION);
  });

  it('rejects a newer schemaVersion with a message naming the version needed', () => {
    const json = { ...fitTextPipeline(corpus).toJSON(), schemaVersion: TEXT_PIPELINE_SCHEMA_VERSION + 1 };
    try {
      textPipelineFromJSON(json);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TextPreprocessingError);
      const e = error as TextPreprocessingError;
      expect(e.code).toBe('UNSUPPORTED_VERSION');
      expect(e.message).toContain(`schemaVersion ${TEXT_PIPELINE_SCHEMA_VERSION + 1}`);
      expect(e.message).toContain(`reads schemaVersion ${TEXT_PIPELINE_SCHEMA_VERSION} at most`);
      expect(e.message).toMatch(/Upgrade @glossa\/text-preprocessing/);
    }
  });

  it('lists every wrong type with its JSON path', () => {
    const json = JSON.parse(JSON.stringify(fitTextPipeline(corpus)));
    json.config.maxLength = '100';
    json.config.padding = 'middle';
    json.config.normalization.lowercase = 1;
    json.config.tokenizer = { type: 'char-ngram', minN: -1 };
    json.config.vocabulary.surprise = true;
    json.vocabulary.tokens[1] = 'UNK';
    json.vocabulary.tokens.push(42);
    const problems = validateTextPipelineJSON(json);
    expect(problems.map((p) => p.path)).toEqual([
      '$.config.normalization.lowercase',
      '$.config.tokenizer.minN',
      '$.config.vocabulary.surprise',
      '$.config.maxLength',
      '$.config.padding',
      '$.vocabulary.tokens[1]',
      `$.vocabulary.tokens[${json.vocabulary.tokens.length - 1}]`,
    ]);
    expect(problems[3]?.message).toBe('must be an integer from 1 to 2147483647 (got "100")');
    try {
      textPipelineFromJSON(json);
      expect.unreachable();
    } catch (error) {
      const e = error as TextPreprocessingError;
      expect(e.code).toBe('INVALID_JSON');
      expect(e.problems).toEqual(problems);
      expect(e.message).toMatch(/^textPipelineFromJSON: the pipeline JSON has 7 problems \(\$\.config\.normalization\.lowercase/);
    }
  });

  it('rejects wrong shapes: not an object, wrong schema, missing sections, bad JSON text', () => {
    expect(validateTextPipelineJSON(null)).toEqual([{ path: '$', message: 'must be an object (got null)' }]);
    expect(validateTextPipelineJSON({}).map((p) => p.path)).toEqual(['$.schema', '$.schemaVersion', '$.config', '$.vocabulary']);
    const json = JSON.parse(JSON.stringify(fitTextPipeline(corpus)));
    delete json.config.tokenizer;
    expect(validateTextPipelineJSON(json)).toEqual([{ path: '$.config.tokenizer', message: 'is missing' }]);
    expect(() => textPipelineFromJSON('{"schema":')).toThrow(expect.objectContaining({ code: 'INVALID_JSON' }));
  });

  it('treats hostile content as data, never as code', () => {
    const json = JSON.parse(JSON.stringify(fitTextPipeline(['a'])));
    json.vocabulary.tokens.push('constructor', '__proto__', '(() => { throw new Error("ran"); })()');
    const pipeline = textPipelineFromJSON(json);
    expect(pipeline.vocabulary.idOf('__proto__')).toBe(4);
    expect(() => textPipelineFromJSON({ ...json, config: { ...json.config, tokenizer: { type: 'word', toString: 1 } } })).toThrow(
      /\$\.config\.tokenizer\.toString is not a known property/,
    );
  });
});
