import { createVocabularyBuilder, DEFAULT_VOCABULARY_OPTIONS, resolveVocabularyOptions, type VocabularyOptions } from './build-vocabulary.js';
import { createTokenizer, resolveTokenizerConfig, type TokenizerConfig } from './create-tokenizer.js';
import { TextPreprocessingError } from './errors.js';
import { collectTextPipelineConfigProblems, ProblemCollector } from './internal/config-validation.js';
import { describeValue, formatProblems } from './internal/describe.js';
import { keptWords } from './internal/word-segmentation.js';
import { createNormalizer, DEFAULT_NORMALIZATION_OPTIONS, type NormalizationOptions, resolveNormalizationOptions } from './normalize-text.js';
import { type EncodedBatch, padSequences } from './pad-sequences.js';
import { PAD_ID } from './special-tokens.js';
import type { Vocabulary, VocabularyJSON } from './vocabulary.js';

/** Everything that turns raw texts into padded id batches; serialised with the pipeline. */
export interface TextPipelineConfig {
  /** Normalization applied before tokenization. */
  readonly normalization: NormalizationOptions;
  /** The tokenizer. */
  readonly tokenizer: TokenizerConfig;
  /** How the vocabulary is (or was) built. */
  readonly vocabulary: VocabularyOptions;
  /** Maximum number of ids per text (longer texts are truncated), default 100. */
  readonly maxLength: number;
  /** Where padding goes in batches, default `'post'` (pair with masking). */
  readonly padding: 'pre' | 'post';
  /** Which end of a long text is dropped, default `'post'` (keep the beginning). */
  readonly truncating: 'pre' | 'post';
}

/**
 * The default pipeline configuration: NFKC + lower-case + HTML stripping, `word` tokenizer,
 * 20,000 ids, texts truncated to 100 ids at the end and padded at the end.
 *
 * @example
 * ```ts
 * fitTextPipeline(texts, { ...DEFAULT_TEXT_PIPELINE_CONFIG, maxLength: 256 });
 * ```
 */
export const DEFAULT_TEXT_PIPELINE_CONFIG: Readonly<TextPipelineConfig> = Object.freeze({
  normalization: DEFAULT_NORMALIZATION_OPTIONS,
  tokenizer: Object.freeze({ type: 'word' as const }),
  vocabulary: DEFAULT_VOCABULARY_OPTIONS,
  maxLength: 100,
  padding: 'post' as const,
  truncating: 'post' as const,
});

/** Options of {@link TextPipeline.encodeBatch}. */
export interface EncodeBatchOptions {
  /** Columns of the batch: a number, or `'longest'` (default) to pad to the longest encoded text. */
  readonly length?: number | 'longest';
  /** Lower bound on the number of columns (e.g. 1, so an all-empty batch still has a column). Default 0. */
  readonly minLength?: number;
}

/** Serialised {@link TextPipeline}; see `textPipelineFromJSON`. */
export interface TextPipelineJSON {
  /** Always `'glossa.text-pipeline'`. */
  readonly schema: 'glossa.text-pipeline';
  /** Format version; readers reject versions newer than they support. */
  readonly schemaVersion: number;
  /** The full configuration, every default filled in. */
  readonly config: TextPipelineConfig;
  /** The vocabulary. */
  readonly vocabulary: VocabularyJSON;
}

/**
 * Name stored in `TextPipelineJSON.schema`.
 *
 * @example
 * ```ts
 * pipeline.toJSON().schema === TEXT_PIPELINE_SCHEMA; // true
 * ```
 */
export const TEXT_PIPELINE_SCHEMA = 'glossa.text-pipeline';

/**
 * The newest `TextPipelineJSON.schemaVersion` this package reads and the one it writes.
 *
 * @example
 * ```ts
 * if (saved.schemaVersion > TEXT_PIPELINE_SCHEMA_VERSION) console.warn('upgrade @glossa/text-preprocessing');
 * ```
 */
export const TEXT_PIPELINE_SCHEMA_VERSION = 1;

/**
 * A fitted text pipeline: normalization, tokenization, vocabulary lookup, truncation and padding,
 * identical in training, in Node serving and in the browser.
 *
 * @example
 * ```ts
 * const pipeline: TextPipeline = fitTextPipeline(['good', 'bad']);
 * const { ids, batchSize, length } = pipeline.encodeBatch(['good', 'very bad']);
 * ```
 */
export interface TextPipeline {
  /** The configuration with every default filled in. */
  readonly config: TextPipelineConfig;
  /** The vocabulary used by `encode`. */
  readonly vocabulary: Vocabulary;
  /**
   * Normalizes a text per `config.normalization`.
   *
   * @param text - the raw text.
   */
  normalize(text: string): string;
  /**
   * Normalizes then tokenizes a text.
   *
   * @param text - the raw text.
   * @returns the tokens (not truncated).
   */
  tokenize(text: string): string[];
  /**
   * Encodes one text into ids, truncated to `config.maxLength` per `config.truncating`, not padded.
   * Unknown tokens become `UNK_ID`; an empty text gives an empty array.
   *
   * @param text - the raw text.
   */
  encode(text: string): Int32Array;
  /**
   * Encodes texts into one padded batch (padding side per `config.padding`).
   *
   * @param texts - the raw texts.
   * @param options - batch width; see {@link EncodeBatchOptions}.
   * @throws {@link TextPreprocessingError} `INVALID_ARGUMENT` for non-string texts or invalid options.
   */
  encodeBatch(texts: readonly string[], options?: EncodeBatchOptions): EncodedBatch;
  /**
   * Maps ids back to tokens, skipping `PAD_ID`; unknown or invalid ids become `<unk>`.
   *
   * @param ids - ids from `encode` or a batch row.
   */
  decode(ids: ArrayLike<number>): string[];
  /** The serialisable form; `textPipelineFromJSON` restores an identical pipeline. */
  toJSON(): TextPipelineJSON;
}

/**
 * Validates a partial pipeline configuration and fills in every default.
 *
 * @param config - partial configuration (nested normalization and vocabulary options are merged with their defaults).
 * @returns a frozen, complete {@link TextPipelineConfig}.
 * @throws {@link TextPreprocessingError} `INVALID_CONFIG` listing every problem found, with JSON paths.
 * @example
 * ```ts
 * resolveTextPipelineConfig({ maxLength: 200 }).tokenizer; // { type: 'word' }
 * ```
 */
export function resolveTextPipelineConfig(config: Partial<TextPipelineConfig> = {}): TextPipelineConfig {
  const collector = new ProblemCollector();
  collectTextPipelineConfigProblems(config, '$', collector, false);
  if (collector.problems.length > 0) {
    throw new TextPreprocessingError(
      'INVALID_CONFIG',
      `TextPipelineConfig: invalid configuration (${formatProblems(collector.problems)}). Fix the listed fields; see DEFAULT_TEXT_PIPELINE_CONFIG for valid values.`,
      { problems: collector.problems },
    );
  }
  const d = DEFAULT_TEXT_PIPELINE_CONFIG;
  return Object.freeze({
    normalization: resolveNormalizationOptions(config.normalization),
    tokenizer: resolveTokenizerConfig(config.tokenizer ?? d.tokenizer),
    vocabulary: resolveVocabularyOptions(config.vocabulary),
    maxLength: config.maxLength ?? d.maxLength,
    padding: config.padding ?? d.padding,
    truncating: config.truncating ?? d.truncating,
  });
}

function requireTexts(where: string, texts: unknown): readonly string[] {
  if (!Array.isArray(texts)) {
    throw new TextPreprocessingError('INVALID_ARGUMENT', `${where}: expected an array of strings (got ${describeValue(texts)}). Pass the texts as an array.`);
  }
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== 'string') {
      throw new TextPreprocessingError(
        'INVALID_ARGUMENT',
        `${where}: texts[${i}] is not a string (got ${describeValue(texts[i])}). Convert every text to a string.`,
      );
    }
  }
  return texts as readonly string[];
}

/**
 * Creates a pipeline around an existing vocabulary (for example one loaded from JSON or built with
 * {@link createVocabularyBuilder} over a streamed file).
 *
 * @param vocabulary - the vocabulary used for encoding.
 * @param config - partial configuration; defaults from {@link DEFAULT_TEXT_PIPELINE_CONFIG}.
 * @returns the {@link TextPipeline}.
 * @throws {@link TextPreprocessingError} `INVALID_CONFIG` for an invalid configuration.
 * @example
 * ```ts
 * import { buildVocabulary, createTextPipeline } from '@glossa/text-preprocessing';
 *
 * const pipeline = createTextPipeline(buildVocabulary([['good'], ['bad']]), { maxLength: 50 });
 * pipeline.encode('Good, not bad'); // Int32Array [2, 1, 3]
 * ```
 */
export function createTextPipeline(vocabulary: Vocabulary, config: Partial<TextPipelineConfig> = {}): TextPipeline {
  const resolved = resolveTextPipelineConfig(config);
  const normalize = createNormalizer(resolveNormalizationOptions(resolved.normalization));
  const tokenizer = createTokenizer(resolved.tokenizer);
  const { maxLength, truncating, padding } = resolved;

  const requireString = (text: string): string => {
    if (typeof text !== 'string') {
      throw new TextPreprocessingError(
        'INVALID_ARGUMENT',
        `TextPipeline: expected a string (got ${describeValue(text)}). Convert the value to a string first.`,
      );
    }
    return text;
  };
  const tokenize = (text: string): string[] => tokenizer.tokenize(normalize(requireString(text)));
  // The word tokenizer segments only the end of a long text that truncation keeps (the same words).
  const keptSide = truncating === 'pre' ? 'end' : 'start';
  const keptTokens =
    resolved.tokenizer.type === 'word' ? (text: string): string[] => keptWords(normalize(requireString(text)), maxLength, keptSide).words : tokenize;

  const encode = (text: string): Int32Array => {
    const tokens = keptTokens(text);
    const count = Math.min(tokens.length, maxLength);
    const start = truncating === 'pre' ? tokens.length - count : 0;
    const ids = new Int32Array(count);
    for (let i = 0; i < count; i++) ids[i] = vocabulary.idOf(tokens[start + i] as string);
    return ids;
  };

  return Object.freeze({
    config: resolved,
    vocabulary,
    normalize(text: string): string {
      return normalize(text);
    },
    tokenize,
    encode,
    encodeBatch(texts: readonly string[], options: EncodeBatchOptions = {}): EncodedBatch {
      const checked = requireTexts('TextPipeline.encodeBatch', texts);
      return padSequences(checked.map(encode), {
        length: options.length ?? 'longest',
        minLength: options.minLength ?? 0,
        padding,
        truncating,
      });
    },
    decode(ids: ArrayLike<number>): string[] {
      const tokens: string[] = [];
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number;
        if (id !== PAD_ID) tokens.push(vocabulary.tokenOf(id));
      }
      return tokens;
    },
    toJSON(): TextPipelineJSON {
      return {
        schema: TEXT_PIPELINE_SCHEMA,
        schemaVersion: TEXT_PIPELINE_SCHEMA_VERSION,
        config: structuredCloneConfig(resolved),
        vocabulary: vocabulary.toJSON(),
      };
    },
  });
}

function structuredCloneConfig(config: TextPipelineConfig): TextPipelineConfig {
  return {
    normalization: { ...config.normalization },
    tokenizer: { ...config.tokenizer },
    vocabulary: { ...config.vocabulary },
    maxLength: config.maxLength,
    padding: config.padding,
    truncating: config.truncating,
  };
}

/**
 * Fits a pipeline on training texts: normalizes and tokenizes them and builds the vocabulary.
 *
 * @param texts - training texts (any iterable, read once).
 * @param config - partial configuration; defaults from {@link DEFAULT_TEXT_PIPELINE_CONFIG}.
 * @returns the fitted {@link TextPipeline}.
 * @throws {@link TextPreprocessingError} `INVALID_CONFIG` for an invalid configuration, `INVALID_ARGUMENT` for non-string texts.
 * @example
 * ```ts
 * import { fitTextPipeline } from '@glossa/text-preprocessing';
 *
 * const pipeline = fitTextPipeline(['I loved it!', 'I hated it.'], { maxLength: 20 });
 * pipeline.encode('loved it'); // Int32Array [4, 3]
 * pipeline.encodeBatch(['loved it', 'hated']).ids; // Int32Array [4, 3, 5, 0]
 * ```
 */
export function fitTextPipeline(texts: Iterable<string>, config: Partial<TextPipelineConfig> = {}): TextPipeline {
  const resolved = resolveTextPipelineConfig(config);
  const normalize = createNormalizer(resolveNormalizationOptions(resolved.normalization));
  const tokenizer = createTokenizer(resolved.tokenizer);
  if (texts === null || typeof texts !== 'object' || typeof (texts as Iterable<string>)[Symbol.iterator] !== 'function') {
    throw new TextPreprocessingError(
      'INVALID_ARGUMENT',
      `fitTextPipeline: texts must be an iterable of strings (got ${describeValue(texts)}). Pass an array or a generator of strings.`,
    );
  }
  const builder = createVocabularyBuilder(resolved.vocabulary);
  let index = 0;
  for (const text of texts) {
    if (typeof text !== 'string') {
      throw new TextPreprocessingError(
        'INVALID_ARGUMENT',
        `fitTextPipeline: text #${index} is not a string (got ${describeValue(text)}). Convert every text to a string.`,
      );
    }
    builder.add(tokenizer.tokenize(normalize(text)));
    index++;
  }
  return createTextPipeline(builder.build(), resolved);
}
