import { TextPreprocessingError } from './errors.js';
import { collectTokenizerProblems, ProblemCollector } from './internal/config-validation.js';
import { describeValue, formatProblems } from './internal/describe.js';
import { segmentGraphemes, segmentWords } from './internal/word-segmentation.js';

/**
 * Which tokenizer to use, and its settings.
 *
 * - `word`: multilingual words (Unicode UAX #29 via `Intl.Segmenter`, dictionary-based for Chinese,
 *   Japanese and Thai) plus emoji, pictographs and flags; punctuation is dropped.
 * - `whitespace`: split on Unicode whitespace; punctuation stays attached.
 * - `char`: one token per grapheme cluster (so `👍🏽` stays whole), whitespace skipped.
 * - `char-ngram`: fastText-style character n-grams (code points) of every word, with optional
 *   `<` / `>` word-boundary markers.
 * - `keras`: Keras `Tokenizer` semantics (filters replaced by `split`, then split), used when a
 *   Keras tokenizer is imported; see `textPipelineFromKerasTokenizer`.
 */
export type TokenizerConfig =
  | { readonly type: 'word' }
  | { readonly type: 'whitespace' }
  | { readonly type: 'char' }
  | {
      readonly type: 'char-ngram';
      /** Smallest n-gram length, default 2. */
      readonly minN?: number;
      /** Largest n-gram length, default 4. */
      readonly maxN?: number;
      /** Wrap each word in `<` and `>` before taking n-grams (fastText), default `true`. */
      readonly boundaries?: boolean;
    }
  | {
      readonly type: 'keras';
      /** Characters replaced by `split` before splitting (Keras `filters`). */
      readonly filters: string;
      /** Separator (Keras `split`), non-empty. */
      readonly split: string;
      /** One token per code point, including spaces, ignoring `filters` (Keras `char_level`). */
      readonly charLevel: boolean;
    };

/**
 * A tokenizer: turns a (normalized) text into a list of string tokens.
 *
 * @example
 * ```ts
 * const tokenizer: Tokenizer = createTokenizer({ type: 'whitespace' });
 * tokenizer.tokenize('a  b'); // ['a', 'b']
 * ```
 */
export interface Tokenizer {
  /** The configuration with every default filled in (safe to serialise). */
  readonly config: TokenizerConfig;
  /**
   * Splits a text into tokens. Never throws for any string input.
   *
   * @param text - the text, usually normalized first.
   * @returns the tokens, in order.
   */
  tokenize(text: string): string[];
}

/**
 * Default n-gram range and boundary markers of the `char-ngram` tokenizer.
 *
 * @example
 * ```ts
 * createTokenizer({ type: 'char-ngram' }).config; // { type: 'char-ngram', ...DEFAULT_CHAR_NGRAM }
 * ```
 */
export const DEFAULT_CHAR_NGRAM = Object.freeze({ minN: 2, maxN: 4, boundaries: true });

const WHITESPACE_SPLIT = /\p{White_Space}+/u;

function whitespaceTokens(text: string): string[] {
  const parts = text.split(WHITESPACE_SPLIT);
  return parts.filter((part) => part.length > 0);
}

function charNgrams(words: readonly string[], minN: number, maxN: number, boundaries: boolean): string[] {
  const out: string[] = [];
  for (const word of words) {
    const chars = Array.from(word);
    if (boundaries) {
      chars.unshift('<');
      chars.push('>');
    }
    const length = chars.length;
    for (let i = 0; i < length; i++) {
      let gram = '';
      for (let n = 1; n <= maxN && i + n <= length; n++) {
        gram += chars[i + n - 1];
        if (n < minN) continue;
        // fastText skips the bare boundary markers.
        if (boundaries && n === 1 && (i === 0 || i === length - 1)) continue;
        out.push(gram);
      }
    }
  }
  return out;
}

function kerasTokens(text: string, filters: string, split: string, charLevel: boolean): string[] {
  if (charLevel) return Array.from(text);
  let translated = text;
  if (filters.length > 0) {
    const filtered = new Set(Array.from(filters));
    let result = '';
    for (const c of text) result += filtered.has(c) ? split : c;
    translated = result;
  }
  return translated.split(split).filter((part) => part.length > 0);
}

/**
 * Validates a tokenizer configuration and fills in defaults.
 *
 * @param config - the configuration to check.
 * @returns a frozen configuration with every optional field set.
 * @throws {@link TextPreprocessingError} `INVALID_CONFIG` listing every problem found.
 * @example
 * ```ts
 * resolveTokenizerConfig({ type: 'char-ngram' }); // { type: 'char-ngram', minN: 2, maxN: 4, boundaries: true }
 * ```
 */
export function resolveTokenizerConfig(config: TokenizerConfig): TokenizerConfig {
  const collector = new ProblemCollector();
  collectTokenizerProblems(config, '$', collector);
  if (collector.problems.length > 0) {
    throw new TextPreprocessingError(
      'INVALID_CONFIG',
      `createTokenizer: invalid tokenizer config (${formatProblems(collector.problems)}). Use { type: 'word' | 'whitespace' | 'char' | 'char-ngram' | 'keras' } with the documented fields.`,
      { problems: collector.problems },
    );
  }
  switch (config.type) {
    case 'char-ngram':
      return Object.freeze({
        type: 'char-ngram',
        minN: config.minN ?? Math.min(DEFAULT_CHAR_NGRAM.minN, config.maxN ?? DEFAULT_CHAR_NGRAM.minN),
        maxN: config.maxN ?? Math.max(config.minN ?? DEFAULT_CHAR_NGRAM.minN, DEFAULT_CHAR_NGRAM.maxN),
        boundaries: config.boundaries ?? DEFAULT_CHAR_NGRAM.boundaries,
      });
    case 'keras':
      return Object.freeze({ type: 'keras', filters: config.filters, split: config.split, charLevel: config.charLevel });
    default:
      return Object.freeze({ type: config.type });
  }
}

/**
 * Creates a tokenizer.
 *
 * The `word` tokenizer runs `Intl.Segmenter` (root locale, so results do not depend on the
 * machine's locale) on chunks of at most ~1,000 characters cut at guaranteed word boundaries, which
 * keeps long texts linear on Node 20; ASCII text takes an exact fast path.
 *
 * @param config - which tokenizer; see {@link TokenizerConfig}.
 * @returns a {@link Tokenizer} whose `config` has every default filled in.
 * @throws {@link TextPreprocessingError} `INVALID_CONFIG` for an invalid configuration.
 * @example
 * ```ts
 * import { createTokenizer } from '@glossa/text-preprocessing';
 *
 * const tokenizer = createTokenizer({ type: 'word' });
 * tokenizer.tokenize("don't stop, it's great 😀"); // ["don't", 'stop', "it's", 'great', '😀']
 * tokenizer.tokenize('我喜欢北京'); // ['我', '喜欢', '北京']
 * ```
 */
export function createTokenizer(config: TokenizerConfig): Tokenizer {
  const resolved = resolveTokenizerConfig(config);
  let tokenize: (text: string) => string[];
  switch (resolved.type) {
    case 'word':
      tokenize = (text) => segmentWords(text);
      break;
    case 'whitespace':
      tokenize = whitespaceTokens;
      break;
    case 'char':
      tokenize = (text) => segmentGraphemes(text);
      break;
    case 'char-ngram': {
      const { minN = DEFAULT_CHAR_NGRAM.minN, maxN = DEFAULT_CHAR_NGRAM.maxN, boundaries = true } = resolved;
      tokenize = (text) => charNgrams(segmentWords(text), minN, maxN, boundaries);
      break;
    }
    case 'keras': {
      const { filters, split, charLevel } = resolved;
      tokenize = (text) => kerasTokens(text, filters, split, charLevel);
      break;
    }
  }
  return Object.freeze({
    config: resolved,
    tokenize(text: string): string[] {
      if (typeof text !== 'string') {
        throw new TextPreprocessingError(
          'INVALID_ARGUMENT',
          `Tokenizer.tokenize: expected a string (got ${describeValue(text)}). Convert the value to a string first.`,
        );
      }
      return tokenize(text);
    },
  });
}
