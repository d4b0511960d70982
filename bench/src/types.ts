import type { Architecture } from '@glossa/node-runtime';
import type { BenchDatasetName } from './prepare-dataset.js';

/** A network architecture, as in `@glossa/model-core`. */
/** The neural architectures of model-core's registry (`auto` and `ngram` are measured by `pnpm bench:accuracy`). */
export type BenchArchitecture = Exclude<Architecture, 'auto' | 'ngram'>;

/** Architectures with a stock tfjs-layers twin (`buildStockModel`); tfjs-layers has no Transformer encoder. */
export const STOCK_ARCHITECTURES: readonly BenchArchitecture[] = ['lstm', 'gru', 'bilstm', 'bigru', 'cnn', 'bow'];

/** Architectures with a PyTorch twin in ../shared/peers (`torch_lstm.py --arch`). */
export const TORCH_ARCHITECTURES: readonly BenchArchitecture[] = ['lstm', 'gru', 'cnn', 'bow'];

/** A TensorFlow.js backend in Node: WebAssembly, plain JavaScript, or the native binding (`@tensorflow/tfjs-node`). */
export type BenchBackend = 'wasm' | 'cpu' | 'tensorflow';

/** `glossa` (this project's `TextClassifier`) or `stock` (the same model built with plain tfjs-layers). */
export type BenchSystem = 'glossa' | 'stock';

/** How many cores a figure used: one, several but fewer than the machine has, or at least as many as it has. */
export type Threading = 'single-threaded' | 'multi-threaded' | 'all cores';

/** Outcome of one measured configuration. */
export type MeasurementStatus = 'ok' | 'unavailable' | 'failed';

/** The model and training settings shared by every system. */
export interface BenchModelSettings {
  /** Vocabulary size including padding and unknown ids. */
  vocabSize: number;
  /** Longest text in tokens (stock pads every text to exactly this). */
  maxLength: number;
  /** Training batch size. */
  batchSize: number;
  /** Embedding width. */
  embeddingDim: number;
  /** LSTM/GRU units. */
  units: number;
  /** CNN filters (the PyTorch twin's 128). */
  cnnFilters: number;
  /** Texts per prediction call. */
  predictBatchSize: number;
  /** Seed of initialisation and shuffling. */
  seed: number;
  /** Epochs trained. */
  epochs: number;
}

/** Limits of the stock tfjs measurement, which is too slow to run in full. */
export interface StockBudget {
  /** Stop training after this many seconds of training (0 = no limit: train every epoch). */
  trainSeconds: number;
  /** Stop training after this many batches (0 = no limit). */
  maxBatches: number;
  /** Texts predicted for the prediction figure (0 = the whole test set). */
  predictTexts: number;
}

/** Everything a child process needs to measure one configuration; passed as a JSON file. */
export interface ChildTask {
  /** What to measure. */
  system: BenchSystem;
  /** The architecture. */
  architecture: BenchArchitecture;
  /** The backend. */
  backend: BenchBackend;
  /** CSV to train on. */
  trainPath: string;
  /** CSV to test on. */
  testPath: string;
  /** Model and training settings. */
  settings: BenchModelSettings;
  /** Stock measurement limits. */
  stockBudget: StockBudget;
  /** Threads computing each training batch (Glossa: this thread plus `threads − 1` gradient workers; stock: always 1). */
  threads: number;
  /** Glossa: run the LSTM and GRU kernels' relaxed-SIMD builds where Node can (`--no-relaxed-simd` turns it off). */
  relaxedSimd: boolean;
  /** Scratch directory for the saved bundle. */
  workDir: string;
  /** Where the child writes its {@link Measurement} as JSON. */
  resultPath: string;
}

/** Every figure of one system × architecture × backend; a figure is `null` when it was not measured. */
export interface Measurement {
  /** Which implementation. */
  system: BenchSystem;
  /** Architecture. */
  architecture: BenchArchitecture;
  /** Backend. */
  backend: BenchBackend;
  /** `ok`, `unavailable` (the backend lacks a kernel the job needs) or `failed` (crash, timeout). */
  status: MeasurementStatus;
  /** Why it is not `ok`, or what limited it. */
  reason?: string;
  /** Threads the backend computed with (wasm's pool size; cpu is 1); `null` when unknown. */
  threads: number | null;
  /** Threads that computed each training batch: Glossa's data-parallel threads (`createTrainingWorkers`), 1 for stock. */
  trainThreads: number;
  /** How many cores training used (from {@link Measurement.trainThreads}, or the backend's own threads). */
  threading: Threading;
  /** Glossa: which build of its own kernels ran (`null` for stock tfjs). */
  kernels: 'relaxed SIMD' | 'SIMD' | 'JavaScript' | null;
  /** Training examples per epoch. */
  trainExamples: number;
  /** Epochs asked for. */
  epochs: number;
  /** Training samples per second (examples × epochs ÷ seconds of the training loops). */
  trainSamplesPerSecond: number | null;
  /** Training tokens per second: samples/s × the data set's tokens read per text ({@link TrainTokenCount}); filled in by `runBench`. */
  trainTokensPerSecond: number | null;
  /** Seconds of training measured. */
  trainSeconds: number | null;
  /** True when training was cut short by the budget and samples/s extrapolated from the batches run. */
  trainBudgeted: boolean;
  /** Batches trained (stock: the timed ones, after one warm-up batch). */
  trainBatches: number | null;
  /** Test accuracy after the epochs (`null` when training was cut short). */
  accuracy: number | null;
  /** Texts predicted for the prediction figure. */
  predictTexts: number | null;
  /** End-to-end prediction: raw text → label texts per second, model loaded from disk (one thread). */
  predictTextsPerSecond: number | null;
  /** The same with every core: Glossa's `createPredictionPool` (one worker thread per core); `null` for stock. */
  predictAllCoresTextsPerSecond: number | null;
  /** Worker threads behind {@link Measurement.predictAllCoresTextsPerSecond}. */
  predictAllCoresThreads: number | null;
  /** Seconds to load the saved model from disk. */
  loadSeconds: number | null;
  /** Tokens the tokenization figure counted. */
  tokenizeTokens: number | null;
  /** Tokenization throughput (normalise + tokenize) over the training texts. */
  tokenizeTokensPerSecond: number | null;
  /** Bytes of the saved model on disk (everything needed to predict). */
  bundleBytes: number | null;
  /**
   * Peak resident set size (VmHWM) through training and the one-thread prediction — the phases a peer's
   * figure covers (its one process trains, then predicts on one thread); for stock tfjs, of the whole child.
   */
  peakRssBytes: number | null;
  /** Peak resident set size (VmHWM) at the end of training: loading the data and training, nothing after (Glossa only). */
  trainPeakRssBytes: number | null;
  /** Peak resident set size of the whole child, the every-core prediction pool (a worker and model per core) included (Glossa only). */
  peakRssWithPoolBytes: number | null;
  /** Wall time of the child process. */
  wallSeconds: number | null;
  /** User + system CPU seconds of the child process; well below `wallSeconds` means other load shared the cores. */
  cpuSeconds: number | null;
  /** Hash of the built `@glossa/node-runtime` and `@glossa/model-core` the child ran (differs when they were rebuilt mid-run). */
  glossaBuild: string | null;
}

/** One Python peer's figures, from `../shared/peers`. */
export interface PeerMeasurement {
  /** Peer system name (`torch-lstm`, `fasttext-wng2`, `sklearn-tfidf-lr`, …). */
  system: string;
  /** The Glossa architecture it corresponds to (torch models only). */
  architecture: BenchArchitecture | null;
  /** `ok` or `failed`. */
  status: 'ok' | 'failed';
  /** Why it failed. */
  reason?: string;
  /** Test accuracy. */
  accuracy: number | null;
  /** Training samples per second. */
  trainSamplesPerSecond: number | null;
  /**
   * Training tokens per second: samples/s × tokens per text of the same count as Glossa's
   * ({@link TrainTokenCount}: truncated at max length for the torch models, whole texts for fastText and
   * scikit-learn, which truncate nothing); filled in by `runBench`.
   */
  trainTokensPerSecond: number | null;
  /** End-to-end prediction (raw text → label) texts per second. */
  predictTextsPerSecond: number | null;
  /** Peak RSS of the process. */
  peakRssBytes: number | null;
  /** Threads it computed with (torch's `torch.get_num_threads()`, fastText's `-thread`, default 12; scikit-learn 1; `null` when unknown). */
  threads: number | null;
  /** Single-threaded (torch with `--threads 1`, scikit-learn), multi-threaded, or all cores (fastText's default 12 threads). */
  threading: Threading;
  /** Epochs it trained. */
  epochs: number | null;
}

/**
 * Glossa's figures divided by stock tfjs's and PyTorch's at the same number of threads, for one
 * architecture × backend × thread count. Training tokens/s ratios equal the samples/s ones: every system's
 * tokens/s uses the same tokens per text.
 */
export interface BenchRatio {
  /** Architecture. */
  architecture: BenchArchitecture;
  /** Backend of the Glossa and stock figures. */
  backend: BenchBackend;
  /** Threads of both sides: Glossa's training threads, PyTorch's `torch.set_num_threads`. */
  threads: number;
  /** Glossa train samples/s ÷ stock's (stock trains on one thread: `null` unless `threads` is 1). */
  trainVsStock: number | null;
  /** Glossa predict texts/s (one thread) ÷ stock's (`null` unless `threads` is 1). */
  predictVsStock: number | null;
  /** Glossa train samples/s ÷ PyTorch's (same architecture, same threads). */
  trainVsPytorch: number | null;
  /**
   * Glossa predict texts/s on `threads` threads (one thread: `predict`; every core: the prediction pool;
   * `null` for other counts) ÷ PyTorch's with the same threads.
   */
  predictVsPytorch: number | null;
}

/**
 * The training tokens of the data set, counted once by Glossa's text pipeline (the tokenizer Glossa's
 * `fit` uses) over the training CSV every system reads. Each system's training tokens/s is its samples/s
 * times tokens per text, so tokens/s compare exactly as samples/s do.
 */
export interface TrainTokenCount {
  /** Training texts counted. */
  texts: number;
  /** Tokens per epoch after truncation at `maxLength` (what Glossa, stock tfjs and PyTorch read; padding not counted). */
  tokens: number;
  /** Tokens per epoch of the whole texts (what fastText and TF-IDF read: they truncate nothing). */
  untruncatedTokens: number;
  /** Texts longer than `maxLength` (cut). */
  truncatedTexts: number;
  /** The truncation length. */
  maxLength: number;
  /** Glossa's tokenizer (`DEFAULT_CLASSIFIER_OPTIONS.tokenizer`). */
  tokenizer: string;
}

/** The machine the benchmark ran on. */
export interface MachineInfo {
  /** Host name. */
  hostname: string;
  /** CPU model (first core of `os.cpus()`). */
  cpuModel: string;
  /** Logical cores (`os.cpus().length`). */
  cores: number;
  /** Cores available to this process (`os.availableParallelism()`). */
  availableParallelism: number;
  /** Nominal clock in MHz. */
  cpuMHz: number;
  /** Total memory. */
  totalMemoryBytes: number;
  /** `os.platform()`-`os.arch()`. */
  platform: string;
  /** Kernel release. */
  release: string;
  /** Load average (1, 5, 15 min) at the start. */
  loadAverage: number[];
  /** Load average at the end (filled in when the run ends). */
  loadAverageEnd?: number[];
}

/** The whole benchmark result file (`bench/results/<timestamp>-<machine>.json`). */
export interface BenchReport {
  /** Always `glossa.bench`. */
  schema: 'glossa.bench';
  /** Format version of this file (2: training threads, tokens/s, ratios per thread count). */
  schemaVersion: 2;
  /** ISO time the run started. */
  startedAt: string;
  /** ISO time it ended. */
  finishedAt: string;
  /** The command line, as typed after `pnpm bench`. */
  argv: string[];
  /** Machine. */
  machine: MachineInfo;
  /** Versions of the pieces in play. */
  versions: { node: string; tfjsCore: string; tfjsLayers: string; glossaModelCore: string; gitCommit: string | null; gitDirty: boolean | null };
  /** Data measured on. */
  dataset: {
    name: BenchDatasetName;
    source: string;
    trainSize: number;
    testSize: number;
    sourceTrainSize: number;
    sourceTestSize: number;
    labels: string[];
    /** The training tokens, counted once for every system. */
    trainTokens: TrainTokenCount;
  };
  /** Shared settings. */
  settings: BenchModelSettings;
  /** Training thread counts measured (`--threads`, resolved): Glossa's data-parallel threads and PyTorch's `torch.set_num_threads`. */
  threads: number[];
  /** Stock measurement limits. */
  stockBudget: StockBudget;
  /** Glossa and stock measurements. */
  results: Measurement[];
  /** Python peers (empty without `--peers`). */
  peers: PeerMeasurement[];
  /** Why peers were not run, when asked for and skipped. */
  peersSkipped?: string;
  /** Ratios per architecture × backend × thread count. */
  ratios: BenchRatio[];
  /** Set when the children did not all run the same Glossa build (someone rebuilt a package during the run). */
  mixedBuilds?: string;
}
