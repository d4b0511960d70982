/**
 * The architectures of model-core, in one table: the option schema, the bundle validation, the CLI's
 * `--arch` choices and the bench derive their lists from here.
 */

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
  /**
   * The options that only some architectures read and this one does (`auto`: those its LSTM member reads):
   * `initialState` (a learned initial state, or the CNN's padding window), `heads` (attention heads).
   */
  readonly reads: readonly ArchitectureSpecificOption[];
  /** The values of `initialState` it accepts, when it reads that option. */
  readonly initialStates?: readonly ('learned' | 'zero' | 'padded')[];
  /**
   * Why it trains on this thread alone even when `fit` is given gradient workers (data-parallel training would
   * be slower), or undefined where they split each batch.
   */
  readonly oneThread?: string;
}

/**
 * The classifier options that only some architectures read; {@link ArchitectureInfo.reads} says which.
 *
 * @example
 * ```ts
 * ARCHITECTURE_SPECIFIC_OPTIONS.filter((o) => !ARCHITECTURE_REGISTRY.bow.reads.includes(o)); // options bow ignores
 * ```
 */
export const ARCHITECTURE_SPECIFIC_OPTIONS = Object.freeze(['initialState', 'heads'] as const);

/** One of {@link ARCHITECTURE_SPECIFIC_OPTIONS}. */
export type ArchitectureSpecificOption = (typeof ARCHITECTURE_SPECIFIC_OPTIONS)[number];

/** The table itself; {@link Architecture} is its keys. */
const REGISTRY = {
  auto: {
    kind: 'portfolio',
    summary: 'trains an n-gram model and a neural one on the training split and keeps the best on validation, or their average',
    usesEmbeddings: false,
    checkpoints: false,
    reads: ['initialState'],
    initialStates: ['learned', 'zero'],
  },
  ngram: {
    kind: 'sparse',
    summary: 'word 1–2-grams + character n-grams, TF-IDF, L2 logistic regression (regularisation chosen on validation)',
    usesEmbeddings: false,
    checkpoints: false,
    reads: [],
  },
  lstm: {
    kind: 'neural',
    summary: 'Embedding → LSTM → Dense softmax',
    usesEmbeddings: true,
    checkpoints: true,
    reads: ['initialState'],
    initialStates: ['learned', 'zero', 'padded'],
  },
  bow: {
    kind: 'neural',
    summary: 'fastText-style embedding average → Dense softmax',
    usesEmbeddings: true,
    checkpoints: true,
    reads: [],
    // bench:threads and the IMDB bench on 2 vCPUs: 2 threads trained bow at 0.37–0.52× the speed of one.
    oneThread: "its step is mostly Adam's update of the whole embedding table, which cannot be split over shards of a batch, so threads only add copying",
  },
  cnn: {
    kind: 'neural',
    summary: 'Embedding → Conv1D → global max pooling → Dense softmax',
    usesEmbeddings: true,
    checkpoints: true,
    reads: ['initialState'],
    initialStates: ['learned', 'zero', 'padded'],
  },
  gru: {
    kind: 'neural',
    summary: 'Embedding → GRU → Dense softmax',
    usesEmbeddings: true,
    checkpoints: true,
    reads: ['initialState'],
    initialStates: ['learned', 'zero', 'padded'],
  },
  bilstm: {
    kind: 'neural',
    summary: 'Embedding → bidirectional LSTM (both final states) → Dense softmax',
    usesEmbeddings: true,
    checkpoints: true,
    reads: ['initialState'],
    initialStates: ['learned', 'zero'],
  },
  bigru: {
    kind: 'neural',
    summary: 'Embedding → bidirectional GRU (both final states) → Dense softmax',
    usesEmbeddings: true,
    checkpoints: true,
    reads: ['initialState'],
    initialStates: ['learned', 'zero'],
  },
  transformer: {
    kind: 'neural',
    summary: 'Embedding + positions → one self-attention encoder block → mean over tokens → Dense softmax',
    usesEmbeddings: true,
    checkpoints: true,
    reads: ['heads'],
  },
} as const satisfies Record<string, ArchitectureInfo>;

/**
 * The network or model of a {@link TextClassifier}; `auto` trains a small portfolio and keeps the best.
 * The keys of {@link ARCHITECTURE_REGISTRY}: an entry there is all it takes to add a name here.
 */
export type Architecture = keyof typeof REGISTRY;

/**
 * Every architecture and what it is.
 *
 * @example
 * ```ts
 * ARCHITECTURE_REGISTRY.ngram.kind; // 'sparse'
 * ```
 */
export const ARCHITECTURE_REGISTRY: Readonly<Record<Architecture, ArchitectureInfo>> = Object.freeze(REGISTRY);

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

/**
 * The architectures whose entry satisfies `test`, in registry order.
 *
 * @param test - A predicate on a registry entry.
 * @returns The names, e.g. for a help text or a message.
 * @example
 * ```ts
 * architecturesWhere((a) => a.usesEmbeddings); // ['lstm', 'bow', 'cnn', 'gru', 'bilstm', 'bigru', 'transformer']
 * ```
 */
export function architecturesWhere(test: (info: ArchitectureInfo) => boolean): Architecture[] {
  return ARCHITECTURES.filter((a) => test(ARCHITECTURE_REGISTRY[a]));
}

/**
 * Names as an English list: `a`, `a or b`, `a, b or c`.
 *
 * @param names - The names.
 * @param conjunction - `or` (the default) or `and`.
 * @returns The list as prose.
 * @example
 * ```ts
 * listNames(['lstm', 'bow', 'cnn']); // 'lstm, bow or cnn'
 * ```
 */
export function listNames(names: readonly string[], conjunction: 'or' | 'and' = 'or'): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}`;
}
