import { describe, expect, it } from 'vitest';
import { buildVocabulary } from './build-vocabulary.js';
import { TextPreprocessingError } from './errors.js';
import { validateVocabularyJSON, vocabularyFromJSON } from './vocabulary-from-json.js';

describe('vocabularyFromJSON', () => {
  it('restores a vocabulary saved with toJSON (object or text)', () => {
    const vocabulary = buildVocabulary([['hello', 'world', 'hello']]);
    const restored = vocabularyFromJSON(JSON.parse(JSON.stringify(vocabulary)));
    expect(restored.tokens()).toEqual(vocabulary.tokens());
    expect(vocabularyFromJSON(JSON.stringify(vocabulary.toJSON())).idOf('world')).toBe(3);
  });

  it('reports every problem with its JSON path', () => {
    expect(validateVocabularyJSON({ tokens: ['<unk>', '<pad>', 'a', 7, 'a'] })).toEqual([
      { path: '$.tokens[0]', message: 'must be "<pad>" (got "<unk>")' },
      { path: '$.tokens[1]', message: 'must be "<unk>" (got "<pad>")' },
      { path: '$.tokens[3]', message: 'must be a string (got 7)' },
      { path: '$.tokens[4]', message: 'duplicates $.tokens[2] ("a")' },
    ]);
    expect(validateVocabularyJSON([])).toEqual([{ path: '$', message: 'must be an object (got an array of length 0)' }]);
    expect(validateVocabularyJSON({ tokens: 'x' })[0]?.path).toBe('$.tokens');
  });

  it('throws INVALID_JSON for invalid documents and unparsable text', () => {
    expect(() => vocabularyFromJSON({ tokens: ['<pad>'] })).toThrow(TextPreprocessingError);
    expect(() => vocabularyFromJSON('{not json')).toThrow(expect.objectContaining({ code: 'INVALID_JSON' }));
  });
});
