import { TextPreprocessingError } from './errors.js';
import { collectVocabularyOptionsProblems, ProblemCollector } from './internal/config-validation.js';
import { createVocabularyUnchecked } from './internal/create-vocabulary.js';
import { describeValue, formatProblems } from './internal/describe.js';
import { PAD_TOKEN, UNK_TOKEN } from './special-tokens.js';
import type { Vocabulary } from './vocabulary.js';

/** How a vocabulary is built from token counts. */
export interface VocabularyOptions {
  /** Maximum number of ids, including `<pad>` and `<unk>` (Keras `num_words` + 1 with an OOV token). Default 20,000. */
  readonly maxSize?: number;
  /** Tokens seen fewer times than this are left out (they become `<unk>`). Default 1. */
  readonly minFrequency?: number;
}

/**
 * The defaults of every {@link VocabularyOptions} field.
 *
 * @example
 * ```ts
 * DEFAULT_VOCABULARY_OPTIONS.maxSize; // 20000
 * ```
 */
export const DEFAULT_VOCABULARY_OPTIONS: Readonly<Required<VocabularyOptions>> = Object.freeze({
  maxSize: 20_000,
  minFrequency: 1,
});

/**
 * Fills in defaults and validates vocabulary options.
 *
 * @param options - partial options.
 * @returns a frozen object with every field set.
 * @throws {@link TextPreprocessingError} `INVALID_CONFIG` listing every problem found.
 * @example
 * ```ts
 * resolveVocabularyOptions({ maxSize: 5000 }); // { maxSize: 5000, minFrequency: 1 }
 * ```
 */
export function resolveVocabularyOptions(options?: VocabularyOptions): Readonly<Required<VocabularyOptions>> {
  if (options === undefined) return DEFAULT_VOCABULARY_OPTIONS;
  const collector = new ProblemCollector();
  collectVocabularyOptionsProblems(options, '$', collector);
  if (collector.problems.length > 0) {
    throw new TextPreprocessingError(
      'INVALID_CONFIG',
      `buildVocabulary: invalid options (${formatProblems(collector.problems)}). maxSize must be an integer >= 2 and minFrequency an integer >= 1.`,
      { problems: collector.problems },
    );
  }
  return Object.freeze({
    maxSize: options.maxSize ?? DEFAULT_VOCABULARY_OPTIONS.maxSize,
    minFrequency: options.minFrequency ?? DEFAULT_VOCABULARY_OPTIONS.minFrequency,
  });
}

/** Counts tokens incrementally, so a vocabulary can be built from a stream of documents. */
export interface VocabularyBuilder {
  /** The options in effect, with defaults filled in. */
  readonly options: Readonly<Required<VocabularyOptions>>;
  /** Number of token lists added so far. */
  readonly documentCount: number;
  /** Number of distinct tokens counted so far (reserved tokens excluded). */
  readonly distinctTokens: number;
  /**
   * Counts the tokens of one document.
   *
   * @param tokens - the document's tokens. `<pad>` and `<unk>` are ignored: they are reserved.
   * @throws {@link TextPreprocessingError} `INVALID_ARGUMENT` when `tokens` is not an array of strings.
   */
  add(tokens: readonly string[]): void;
  /**
   * Builds the vocabulary from the counts so far (the builder stays usable).
   *
   * @returns tokens by descending frequency, ties broken by first occurrence, after the reserved ids.
   */
  build(): Vocabulary;
}

/**
 * Creates an incremental vocabulary builder.
 *
 * @param options - size limit and minimum frequency; see {@link VocabularyOptions}.
 * @returns a {@link VocabularyBuilder}.
 * @throws {@link TextPreprocessingError} `INVALID_CONFIG` for invalid options.
 * @example
 * ```ts
 * import { createTokenizer, createVocabularyBuilder } from '@glossa/text-preprocessing';
 *
 * const tokenizer = createTokenizer({ type: 'word' });
 * const builder = createVocabularyBuilder({ maxSize: 10_000 });
 * for (const line of ['good movie', 'bad movie']) builder.add(tokenizer.tokenize(line));
 * const vocabulary = builder.build();
 * vocabulary.idOf('movie'); // 2
 * ```
 */
export function createVocabularyBuilder(options?: VocabularyOptions): VocabularyBuilder {
  const resolved = resolveVocabularyOptions(options);
  const counts = new Map<string, number>();
  let documentCount = 0;
  return {
    options: resolved,
    get documentCount() {
      return documentCount;
    },
    get distinctTokens() {
      return counts.size;
    },
    add(tokens: readonly string[]): void {
      if (!Array.isArray(tokens)) {
        throw new TextPreprocessingError(
          'INVALID_ARGUMENT',
          `VocabularyBuilder.add: expected an array of token strings (got ${describeValue(tokens)}). Pass tokenizer.tokenize(text).`,
        );
      }
      for (const token of tokens) {
        if (typeof token !== 'string') {
          throw new TextPreprocessingError(
            'INVALID_ARGUMENT',
            `VocabularyBuilder.add: every token must be a string (got ${describeValue(token)}). Pass tokenizer.tokenize(text).`,
          );
        }
        if (token === PAD_TOKEN || token === UNK_TOKEN) continue;
        counts.set(token, (counts.get(token) ?? 0) + 1);
      }
      documentCount++;
    },
    build(): Vocabulary {
      const entries: [string, number][] = [];
      for (const entry of counts) if (entry[1] >= resolved.minFrequency) entries.push(entry);
      // Array.prototype.sort is stable and Map iterates in insertion (first occurrence) order.
      entries.sort((a, b) => b[1] - a[1]);
      const limit = Math.min(entries.length, resolved.maxSize - 2);
      const tokens = [PAD_TOKEN, UNK_TOKEN];
      for (let i = 0; i < limit; i++) tokens.push((entries[i] as [string, number])[0]);
      return createVocabularyUnchecked(tokens);
    },
  };
}

/**
 * Builds a vocabulary from tokenized documents.
 *
 * Ids: `<pad>` = 0, `<unk>` = 1, then tokens by descending frequency; ties are broken by first
 * occurrence, so the result is deterministic.
 *
 * @param tokenLists - one token array per document (any iterable, e.g. a generator).
 * @param options - size limit and minimum frequency; see {@link VocabularyOptions}.
 * @returns the {@link Vocabulary}.
 * @throws {@link TextPreprocessingError} `INVALID_CONFIG` for invalid options, `INVALID_ARGUMENT` for non-string tokens.
 * @example
 * ```ts
 * import { buildVocabulary } from '@glossa/text-preprocessing';
 *
 * const vocabulary = buildVocabulary([['a', 'b', 'a'], ['c']], { maxSize: 4 });
 * vocabulary.tokens(); // ['<pad>', '<unk>', 'a', 'b']
 * vocabulary.idOf('c'); // 1 (UNK_ID)
 * ```
 */
export function buildVocabulary(tokenLists: Iterable<readonly string[]>, options?: VocabularyOptions): Vocabulary {
  const builder = createVocabularyBuilder(options);
  for (const tokens of tokenLists) builder.add(tokens);
  return builder.build();
}
