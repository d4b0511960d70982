export {
  buildVocabulary,
  createVocabularyBuilder,
  DEFAULT_VOCABULARY_OPTIONS,
  resolveVocabularyOptions,
  type VocabularyBuilder,
  type VocabularyOptions,
} from './build-vocabulary.js';
export {
  createTokenizer,
  DEFAULT_CHAR_NGRAM,
  resolveTokenizerConfig,
  type Tokenizer,
  type TokenizerConfig,
} from './create-tokenizer.js';
export { DATA_FORMATS, type DataFormat, fileExtension, formatFromExtension } from './data-formats.js';
export {
  TextPreprocessingError,
  type TextPreprocessingErrorCode,
  type TextPreprocessingErrorOptions,
  type ValidationProblem,
} from './errors.js';
export { htmlToText } from './html-to-text.js';
export {
  DEFAULT_NORMALIZATION_OPTIONS,
  type NormalizationOptions,
  normalizeText,
  resolveNormalizationOptions,
} from './normalize-text.js';
export { type EncodedBatch, type PaddingSide, type PadSequencesOptions, padSequences } from './pad-sequences.js';
export { PAD_ID, PAD_TOKEN, UNK_ID, UNK_TOKEN } from './special-tokens.js';
export {
  createTextPipeline,
  DEFAULT_TEXT_PIPELINE_CONFIG,
  type EncodeBatchOptions,
  fitTextPipeline,
  resolveTextPipelineConfig,
  TEXT_PIPELINE_SCHEMA,
  TEXT_PIPELINE_SCHEMA_VERSION,
  type TextPipeline,
  type TextPipelineConfig,
  type TextPipelineJSON,
} from './text-pipeline.js';
export { textPipelineFromJSON, validateTextPipelineJSON } from './text-pipeline-from-json.js';
export {
  textPipelineFromKerasTokenizer,
  validateKerasTokenizerJSON,
} from './text-pipeline-from-keras-tokenizer.js';
export type { Vocabulary, VocabularyJSON } from './vocabulary.js';
export { validateVocabularyJSON, vocabularyFromJSON } from './vocabulary-from-json.js';
