/**
 * The classifier and fit options: their types' ranges, defaults and validation. This module imports nothing
 * from tfjs: it is also the `@glossa/model-core/options` entry, which the CLI parses its flags with before
 * TensorFlow.js loads.
 *
 * @module
 */
import { ARCHITECTURES, ARCHITECTURE_REGISTRY, type Architecture, architecturesWhere } from './architectures/registry.js';
import { ModelCoreError } from './errors.js';

export type { Architecture } from './architectures/registry.js';

/** How text is split into tokens before it is mapped to vocabulary ids: one of {@link TOKENIZERS}. */
export type TokenizerType = (typeof TOKENIZERS)[number];

/**
 * Options of a {@link TextClassifier}. Every field is optional; see {@link DEFAULT_CLASSIFIER_OPTIONS}.
 *
 * @example
 * ```ts
 * const options: TextClassifierOptions = { architecture: 'cnn', maxLength: 200 };
 * ```
 */
export interface TextClassifierOptions {
  /**
   * `auto` (the default: trains `ngram` and a neural model, keeps the best on validation or their average),
   * `ngram` (word and character n-grams, TF-IDF, logistic regression), `lstm` (Embedding → LSTM → Dense
   * softmax), `gru`, `bilstm` and `bigru` (the same with a GRU, or reading each text both ways), `bow`
   * (fastText-style embedding average), `cnn` (Conv1D + global max pooling) or `transformer` (one
   * self-attention encoder block with positional embeddings, mean-pooled).
   */
  architecture?: Architecture;
  /** Size of each token's embedding vector. Default 64. */
  embeddingDim?: number;
  /** LSTM/GRU units (per direction), CNN filters, the Transformer's feed-forward width; unused by `bow`. Default 64. */
  units?: number;
  /** `transformer`: attention heads; must divide `embeddingDim`. Default 4. */
  heads?: number;
  /**
   * What each text starts from, as an unmasked, pre-padded Keras or PyTorch model learns it from the padding
   * it reads before the text. `learned` (the default): recurrent architectures (lstm, gru, bilstm, bigru)
   * start from a trained state (`initial_h`, and `initial_c` for an LSTM): SST-2, 2 epochs, mean of seeds 42
   * and 1: GRU 0.8268 → 0.8377; LSTM 0.8273 → 0.8301, within seed noise; `cnn` max-pools one window of
   * padding (the trained embedding of id 0) after each text with its real windows, a learned floor under
   * each filter. `zero`: the zero state and no padding window (bundles saved before the option). `padded`
   * (`cnn`, `lstm` and `gru`): what a model that pre-pads every text with id 0 to `maxLength` and does not mask
   * sees, exactly: for `cnn` the pooling also covers the windows over the padding before each text — the
   * all-padding window and the `kernelSize − 1` windows straddling the text's start (PyTorch's CNN twin on
   * SST-2, 2 epochs, 4 seeds: 0.8283 pre-padded, 0.8160 post-padded: the side of the padding matters); for
   * `lstm` and `gru` each text starts from the state reached after `maxLength` − its length steps of the pad
   * token (the trained embedding of id 0), no new weights (SST-2, 2 epochs, 4 seeds: lstm 0.8270 → 0.8376,
   * gru 0.8335 → 0.8438, at about 1.4–2× the training time on short texts).
   */
  initialState?: 'learned' | 'zero' | 'padded';
  /** CNN kernel width in tokens. Default 5. */
  kernelSize?: number;
  /** Dropout rate before the output layer, from 0 to 0.9. Default 0. */
  dropout?: number;
  /** Texts are truncated to this many tokens; each batch is padded only to its longest text. Default 100. */
  maxLength?: number;
  /**
   * Which end of a text longer than `maxLength` is dropped (neural architectures): `pre` keeps the last
   * tokens (the default, as Keras's `pad_sequences`: reviews and e-mails put their verdict at the end; an
   * LSTM on IMDB scored 0.840 keeping the end against 0.794 keeping the beginning), `post` keeps the first.
   */
  truncating?: 'pre' | 'post';
  /** Vocabulary size including `<pad>` and `<unk>`. Default 20,000. */
  vocabSize?: number;
  /** Tokens seen fewer times than this map to `<unk>`. Default 1. */
  minFrequency?: number;
  /** Tokenizer. Default `word` (multilingual, dictionary-based for Chinese and Japanese). */
  tokenizer?: TokenizerType;
  /** Adam learning rate. Default 1e-3. */
  learningRate?: number;
  /** `ngram`: longest word n-gram, 0 for no word features. Default 2 (unigrams and bigrams). */
  wordNgrams?: number;
  /** `ngram`: character n-grams, `auto` (1–3 for CJK text, 2–5 otherwise, from the training data), `none`, or a range like `2-5`. Default `auto`. */
  charNgrams?: string;
  /** `ngram`: features kept at most (the most frequent in the training texts). Default 500,000. */
  maxFeatures?: number;
  /** `ngram`: L2 strength λ of the logistic regression; 0 chooses it on the validation split. Default 0. */
  regularization?: number;
}

/** Every option of {@link TextClassifierOptions}, resolved. */
export type ResolvedClassifierOptions = Required<TextClassifierOptions>;

/**
 * The defaults: `auto`, whose LSTM member is the Keras-style sentiment model (Embedding(64) → LSTM(64) →
 * Dense(softmax), Adam 1e-3).
 *
 * @example
 * ```ts
 * console.log(DEFAULT_CLASSIFIER_OPTIONS.architecture); // "auto"
 * ```
 */
export const DEFAULT_CLASSIFIER_OPTIONS: Readonly<ResolvedClassifierOptions> = Object.freeze({
  architecture: 'auto',
  embeddingDim: 64,
  units: 64,
  heads: 4,
  initialState: 'learned',
  kernelSize: 5,
  dropout: 0,
  maxLength: 100,
  truncating: 'pre',
  vocabSize: 20_000,
  minFrequency: 1,
  tokenizer: 'word',
  learningRate: 1e-3,
  wordNgrams: 2,
  charNgrams: 'auto',
  maxFeatures: 500_000,
  regularization: 0,
});

/**
 * The tokenizers of the `tokenizer` option, the default first.
 *
 * @example
 * ```ts
 * TOKENIZERS.includes('char'); // true
 * ```
 */
export const TOKENIZERS = Object.freeze(['word', 'whitespace', 'char', 'char-ngram'] as const);

/** The values of the `initialState` option, the default first. */
export const INITIAL_STATES: readonly ['learned', 'zero', 'padded'] = Object.freeze(['learned', 'zero', 'padded'] as const);

/** The values of the `truncating` option, the default first. */
export const TRUNCATING_SIDES: readonly ['pre', 'post'] = Object.freeze(['pre', 'post'] as const);

/** Accepted forms of the `charNgrams` option (see {@link isCharNgrams} for the range check). */
export const CHAR_NGRAMS = /^(auto|none|\d{1,2}-\d{1,2})$/;

/**
 * Whether `value` is an accepted `charNgrams` option: `auto`, `none` or a range `N-M` with 1 ≤ N ≤ M ≤ 10.
 *
 * @param value - The value seen.
 * @returns True when `createTextClassifier` accepts it.
 * @example
 * ```ts
 * isCharNgrams('2-5'); // true
 * isCharNgrams('5-2'); // false
 * ```
 */
export function isCharNgrams(value: unknown): value is string {
  if (typeof value !== 'string' || !CHAR_NGRAMS.test(value)) return false;
  const m = /^(\d+)-(\d+)$/.exec(value);
  return !m || (Number(m[1]) >= 1 && Number(m[1]) <= Number(m[2]) && Number(m[2]) <= 10);
}

/** An allowed range: `[min, max, integer?]`. */
export type OptionRange = readonly [min: number, max: number, integer: boolean];

/**
 * Allowed range of each numeric option of {@link TextClassifierOptions}: `[min, max, integer?]`.
 *
 * @example
 * ```ts
 * const [min, max] = OPTION_RANGES.embeddingDim; // 1, 1024
 * ```
 */
export const OPTION_RANGES = {
  embeddingDim: [1, 1024, true],
  units: [1, 1024, true],
  heads: [1, 64, true],
  kernelSize: [1, 32, true],
  dropout: [0, 0.9, false],
  maxLength: [1, 10_000, true],
  vocabSize: [3, 2_000_000, true],
  minFrequency: [1, 1_000_000, true],
  learningRate: [1e-7, 10, false],
  wordNgrams: [0, 3, true],
  maxFeatures: [1, 10_000_000, true],
  regularization: [0, 1e6, false],
} as const satisfies Record<string, OptionRange>;

/**
 * Defaults of the numeric `FitOptions` (`fit`) and of the prediction batch size (`predict`,
 * `evaluate`).
 *
 * @example
 * ```ts
 * DEFAULT_FIT_OPTIONS.epochs; // 5
 * ```
 */
export const DEFAULT_FIT_OPTIONS = Object.freeze({
  /** Passes over the training data. */
  epochs: 5,
  /** Examples per gradient step. */
  batchSize: 64,
  /** Fraction held out for validation. */
  validationSplit: 0.1,
  /** Seed of the split, shuffling, initialisation and dropout. */
  seed: 42,
  /** Early stopping: epochs without improvement. */
  patience: 2,
  /** Early stopping: the smallest improvement of the validation loss that counts. */
  minDelta: 0,
  /** Texts per batch in `predict` and `evaluate`. */
  predictBatchSize: 256,
});

/**
 * Allowed range of each numeric `FitOptions` field (and of the prediction batch size):
 * `[min, max, integer?]`. `fit` checks them; the CLI's `--epochs`, `--batch-size`, `--seed` and
 * `--validation-split` use the same ranges.
 *
 * @example
 * ```ts
 * const [min, max] = FIT_OPTION_RANGES.epochs; // 1, 10000
 * ```
 */
export const FIT_OPTION_RANGES = {
  epochs: [1, 10_000, true],
  batchSize: [1, 65_536, true],
  validationSplit: [0, 0.9, false],
  seed: [0, 2 ** 32 - 1, true],
  timeLimitSeconds: [0, 1e9, false],
  patience: [0, 10_000, true],
  minDelta: [0, 1e9, false],
  classWeight: [0, 1e6, false],
  predictBatchSize: [1, 65_536, true],
} as const satisfies Record<string, OptionRange>;

/**
 * Checks that `value` is a finite number within `[min, max]` (and an integer when asked).
 *
 * @param where - Who is checking, for the message (e.g. `createTextClassifier`).
 * @param name - Option name.
 * @param value - The value seen.
 * @param range - `[min, max, integer]`.
 * @returns The value.
 * @throws {@link ModelCoreError} `INVALID_OPTIONS` with the allowed range.
 * @example
 * ```ts
 * checkNumber('fit', 'epochs', 5, FIT_OPTION_RANGES.epochs); // 5
 * ```
 */
export function checkNumber(where: string, name: string, value: unknown, range: OptionRange): number {
  const [min, max, integer] = range;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new ModelCoreError(
      'INVALID_OPTIONS',
      `${where}: ${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got ${String(value)}). Pass a value in that range.`,
    );
  }
  return value;
}

/**
 * Fills in defaults and validates every option.
 *
 * @param options - User options.
 * @returns The resolved options.
 * @throws {@link ModelCoreError} `INVALID_OPTIONS` naming the option and its allowed values.
 * @example
 * ```ts
 * resolveClassifierOptions({ architecture: 'bow' }).embeddingDim; // 64
 * ```
 */
export function resolveClassifierOptions(options: TextClassifierOptions = {}): ResolvedClassifierOptions {
  const where = 'createTextClassifier';
  const resolved = { ...DEFAULT_CLASSIFIER_OPTIONS };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_CLASSIFIER_OPTIONS)) {
      throw new ModelCoreError('INVALID_OPTIONS', `${where}: unknown option "${key}". Known options: ${Object.keys(DEFAULT_CLASSIFIER_OPTIONS).join(', ')}.`);
    }
    (resolved as Record<string, unknown>)[key] = value;
  }
  if (!ARCHITECTURES.includes(resolved.architecture)) {
    throw new ModelCoreError('INVALID_OPTIONS', `${where}: architecture must be one of ${ARCHITECTURES.join(', ')} (got ${String(resolved.architecture)}).`);
  }
  if (!TOKENIZERS.includes(resolved.tokenizer)) {
    throw new ModelCoreError('INVALID_OPTIONS', `${where}: tokenizer must be one of ${TOKENIZERS.join(', ')} (got ${String(resolved.tokenizer)}).`);
  }
  if (!INITIAL_STATES.includes(resolved.initialState)) {
    throw new ModelCoreError('INVALID_OPTIONS', `${where}: initialState must be "learned", "zero" or "padded" (got ${JSON.stringify(resolved.initialState)}).`);
  }
  const initialStates = ARCHITECTURE_REGISTRY[resolved.architecture].initialStates;
  if (initialStates && !initialStates.includes(resolved.initialState)) {
    throw new ModelCoreError(
      'INVALID_OPTIONS',
      `${where}: initialState "${resolved.initialState}" is not available for the ${resolved.architecture} architecture: choose ${initialStates.map((s) => `"${s}"`).join(' or ')}${resolved.initialState === 'padded' ? ` ("padded" is for ${architecturesWhere((a) => a.initialStates?.includes('padded') === true).join(', ')})` : ''}.`,
    );
  }
  if (!TRUNCATING_SIDES.includes(resolved.truncating)) {
    throw new ModelCoreError(
      'INVALID_OPTIONS',
      `${where}: truncating must be "pre" (keep the end of long texts) or "post" (keep the beginning) (got ${JSON.stringify(resolved.truncating)}).`,
    );
  }
  if (!isCharNgrams(resolved.charNgrams)) {
    throw new ModelCoreError(
      'INVALID_OPTIONS',
      `${where}: charNgrams must be "auto", "none" or a range "N-M" with 1 ≤ N ≤ M ≤ 10 (got ${JSON.stringify(resolved.charNgrams)}).`,
    );
  }
  for (const [name, range] of Object.entries(OPTION_RANGES)) {
    checkNumber(where, name, resolved[name as keyof typeof OPTION_RANGES], range);
  }
  if (resolved.architecture === 'transformer' && resolved.embeddingDim % resolved.heads !== 0) {
    throw new ModelCoreError(
      'INVALID_OPTIONS',
      `${where}: heads (${resolved.heads}) must divide embeddingDim (${resolved.embeddingDim}) for the transformer: each head reads embeddingDim / heads dimensions. Pick, e.g., heads ${[1, 2, 4, 8].filter((h) => resolved.embeddingDim % h === 0).pop() ?? 1}.`,
    );
  }
  return resolved;
}
