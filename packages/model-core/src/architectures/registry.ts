/**
 * The architectures of model-core, in one table: the option schema, the bundle validation, the CLI's
 * `--arch` choices and the bench derive their lists from here.
 */

/** The network or model of a {@link TextClassifier}; `auto` trains a small portfolio and keeps the best. */
export type Architecture = 'auto' | 'lstm' | 'bow' | 'cnn' | 'ngram' | 'gru' | 'bilstm' | 'bigru' | 'transformer';

/** What kind of model an architecture is. */
export type ArchitectureKind = 'neural' | 'sparse' | 'portfolio';

/** One architecture's entry in {@link ARCHITECTURE_REGISTRY}. */
export interface ArchitectureInfo {
  /** Neural (tfjs, embeddings), sparse (n-gram features + linear model) or a portfolio of both. */
  readonly kind: ArchitectureKind;
  /** One line for help texts. */
  readonly summary: string;
  /** Whether it has a token embedding (and so takes pretrained vectors, embeddingDim, vocabSize…). */
  readonly usesEmbeddings: boolean;
  /** Whether `fit` can hand over checkpoints and resume from them. */
  readonly checkpoints: boolean;
}

/**
 * Every architecture and what it is.
 *
 * @example
 * ```ts
 * ARCHITECTURE_REGISTRY.ngram.kind; // 'sparse'
 * ```
 */
export const ARCHITECTURE_REGISTRY: Readonly<Record<Architecture, ArchitectureInfo>> = Object.freeze({
  auto: {
    kind: 'portfolio',
    summary: 'trains an n-gram model and a neural one on the training split and keeps the best on validation, or their average',
    usesEmbeddings: false,
    checkpoints: false,
  },
  ngram: {
    kind: 'sparse',
    summary: 'word 1–2-grams + character n-grams, TF-IDF, L2 logistic regression (regularisation chosen on validation)',
    usesEmbeddings: false,
    checkpoints: false,
  },
  lstm: { kind: 'neural', summary: 'Embedding → LSTM → Dense softmax', usesEmbeddings: true, checkpoints: true },
  bow: { kind: 'neural', summary: 'fastText-style embedding average → Dense softmax', usesEmbeddings: true, checkpoints: true },
  cnn: { kind: 'neural', summary: 'Embedding → Conv1D → global max pooling → Dense softmax', usesEmbeddings: true, checkpoints: true },
  gru: { kind: 'neural', summary: 'Embedding → GRU → Dense softmax', usesEmbeddings: true, checkpoints: true },
  bilstm: { kind: 'neural', summary: 'Embedding → bidirectional LSTM (both final states) → Dense softmax', usesEmbeddings: true, checkpoints: true },
  bigru: { kind: 'neural', summary: 'Embedding → bidirectional GRU (both final states) → Dense softmax', usesEmbeddings: true, checkpoints: true },
  transformer: {
    kind: 'neural',
    summary: 'Embedding + positions → one self-attention encoder block → mean over tokens → Dense softmax',
    usesEmbeddings: true,
    checkpoints: true,
  },
});

/**
 * The architecture names, the default (`auto`) first.
 *
 * @example
 * ```ts
 * ARCHITECTURES.includes('cnn'); // true
 * ```
 */
export const ARCHITECTURES: readonly Architecture[] = Object.freeze(Object.keys(ARCHITECTURE_REGISTRY) as Architecture[]);

/** The neural architectures (tfjs models with an embedding). */
export const NEURAL_ARCHITECTURES: readonly Architecture[] = Object.freeze(ARCHITECTURES.filter((a) => ARCHITECTURE_REGISTRY[a].kind === 'neural'));
