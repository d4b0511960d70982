import type { Explanation, Prediction, TrainingEvent, WebBackendReport } from '../../src/index.js';

/** What the test page exposes as `window.glossaTest` for the Node side to call through page.evaluate. */
export interface PageApi {
  /** Whether model-core's WebAssembly SIMD LSTM kernels compile and run in the page's main thread. */
  wasmKernels(): boolean;
  /** Whether those kernels run their relaxed-SIMD builds (Chromium has relaxed SIMD by default). */
  relaxedSimd(): boolean;
  /** initWebBackend('auto') for a job, in the page's main thread. */
  backend(job: 'train' | 'predict'): Promise<WebBackendReport>;
  /** The shared BundleStore contract suite on real IndexedDB. */
  storeContract(): Promise<{ passed: string[]; failed: Array<{ name: string; error: string }> }>;
  /** Trains, cancels, predicts and explains in a real Worker; saves and reloads through IndexedDB. */
  worker(): Promise<WorkerOutcome>;
  /** Scores `texts` with the bundle at `url` on `backend`; an error message when the backend cannot start. */
  scores(
    url: string,
    texts: string[],
    backend: 'wasm' | 'webgl' | 'cpu',
    packageCdn?: string,
  ): Promise<{ backend: string; probabilities: number[]; labels: string[] } | { error: string }>;
  /** initWebBackend without wasmPaths (call in a fresh page: a failed wasm start cannot be retried). */
  withoutWasmPaths(backend: 'auto' | 'wasm'): Promise<WebBackendReport | { error: string; code: string }>;
  /** Trains in the page on wasm with 2 threads (one gradient Web Worker) twice and with 1 thread once. */
  parallelTraining(): Promise<ParallelOutcome>;
  /**
   * Fetches the bundle at `url` on `backend`, saves the loaded classifier to IndexedDB and loads it back: the
   * reloaded model's scores and the stored bundle's size (a quantized bundle is stored quantized again).
   */
  storedScores(url: string, texts: string[], backend: 'wasm' | 'cpu'): Promise<{ probabilities: number[]; storedBytes: number }>;
  /** Loads the bundle at `url` and offers it as a download named `filename`. */
  download(url: string, filename: string): Promise<void>;
}

/** What {@link PageApi.worker} found. */
export interface WorkerOutcome {
  report: WebBackendReport;
  events: TrainingEvent[];
  epochsRun: number;
  validationAccuracy: number | undefined;
  bundleBytes: number;
  predictions: Prediction[];
  explanation: Explanation;
  cancelled: { name: string; code: string; message: string };
  predictionsAfterCancel: Prediction[];
  /** The same texts scored in the page from the bundle the worker returned, after an IndexedDB round trip. */
  predictionsInPage: Prediction[];
  mainThreadTicks: number;
}

/** What {@link PageApi.parallelTraining} found. */
export interface ParallelOutcome {
  workerBackend: string;
  threads: number;
  /** Whether two runs with the same seed and 2 threads gave identical weights. */
  sameWeights: boolean;
  /** Whether the 2-thread model differs from the 1-thread one (another summation order). */
  differsFromOneThread: boolean;
  accuracyTwoThreads: number;
  accuracyOneThread: number;
  firstLoss: number;
  lastLoss: number;
  recordedThreads: number | undefined;
}

declare global {
  interface Window {
    glossaTest?: PageApi;
  }
}
