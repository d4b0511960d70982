// The test page: exposes window.glossaTest for web-runtime.browser.test.ts. Written the way an app
// would use the package, including the Vite way to serve the wasm binaries (`?url` imports).
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { runBundleStoreContract } from '../../../node-runtime/test/store-contract.js';
import {
  type TrainingEvent,
  type WasmPaths,
  createIndexedDbStore,
  createTextClassifier,
  createWebTrainingWorkers,
  createWorkerClient,
  downloadBundle,
  fetchBundle,
  initWebBackend,
  loadBundleFromBlob,
  loadBundleFromStore,
  saveBundleToStore,
  usesRelaxedSimd,
  usesWasmKernels,
} from '../../src/index.js';
import { PARITY_TEXTS, tinyData } from '../tiny-data.js';
import type { PageApi } from './page-api.js';
import { runRegisteredSuites } from './vitest-shim.js';

// Absolute URLs, so they also resolve inside the worker.
const absolute = (url: string): string => new URL(url, location.href).href;
const wasmPaths: WasmPaths = {
  'tfjs-backend-wasm.wasm': absolute(wasm),
  'tfjs-backend-wasm-simd.wasm': absolute(wasmSimd),
  'tfjs-backend-wasm-threaded-simd.wasm': absolute(wasmThreadedSimd),
};

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error(`deleting ${name} is blocked: a connection stayed open`));
  });
}

const api: PageApi = {
  wasmKernels: () => usesWasmKernels(),
  relaxedSimd: () => usesRelaxedSimd(),
  backend: (job) => initWebBackend({ job, wasmPaths }),

  async storeContract() {
    let n = 0;
    const names: string[] = [];
    runBundleStoreContract(
      'createIndexedDbStore (Chromium IndexedDB)',
      () => {
        const dbName = `contract-${n++}`;
        names.push(dbName);
        return createIndexedDbStore({ dbName });
      },
      {
        invalidKeys: ['', '../escape', 'a/b', '.hidden', 'with space'],
        cleanup: async () => {
          for (const name of names.splice(0)) await deleteDatabase(name);
        },
      },
    );
    return runRegisteredSuites();
  },

  async worker() {
    // A timer on the main thread keeps ticking while the worker trains: the page stays responsive.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const client = createWorkerClient(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }));
    try {
      const report = await client.init({ wasmPaths });
      const events: TrainingEvent[] = [];
      const { result, bundle } = await client.train(tinyData(200), {
        classifier: { architecture: 'lstm', embeddingDim: 8, units: 8, maxLength: 16 },
        fit: { epochs: 3, batchSize: 8, validationSplit: 0.2, earlyStopping: false },
        onProgress: (event) => events.push(event),
      });
      const predictions = await client.predict(PARITY_TEXTS);
      const explanation = await client.explain('lovely film 好看 🙂');

      const controller = new AbortController();
      const cancelled = await client
        .train(tinyData(200), {
          classifier: { architecture: 'bow', embeddingDim: 8 },
          fit: { epochs: 100, batchSize: 2, validationSplit: 0 },
          onProgress: (event) => {
            if (event.type === 'batch') controller.abort();
          },
          signal: controller.signal,
        })
        .then(
          () => ({ name: 'none', code: 'NOT_CANCELLED', message: 'training finished' }),
          (error: { name: string; code: string; message: string }) => ({ name: error.name, code: error.code, message: error.message }),
        );
      const predictionsAfterCancel = await client.predict(PARITY_TEXTS);

      // The returned bundle through real IndexedDB, then scored in the page (page backend: the worker's choice).
      await initWebBackend({ backend: report.backend, wasmPaths });
      const store = createIndexedDbStore({ dbName: 'worker-roundtrip' });
      const fromWorker = await loadBundleFromBlob(bundle);
      await saveBundleToStore(fromWorker, store, 'trained.glossa');
      fromWorker.dispose();
      const reloaded = await loadBundleFromStore(store, 'trained.glossa');
      const predictionsInPage = await reloaded.predict(PARITY_TEXTS);
      reloaded.dispose();
      await store.remove('trained.glossa');

      return {
        report,
        events,
        epochsRun: result.epochsRun,
        validationAccuracy: result.validation?.accuracy,
        bundleBytes: bundle.byteLength,
        predictions,
        explanation,
        cancelled,
        predictionsAfterCancel,
        predictionsInPage,
        mainThreadTicks: ticks,
      };
    } finally {
      clearInterval(timer);
      client.terminate();
    }
  },

  async scores(url, texts, backend, packageCdn) {
    try {
      await initWebBackend({ backend, wasmPaths });
    } catch (error) {
      return { error: (error as Error).message };
    }
    const classifier = await fetchBundle(url, packageCdn === undefined ? {} : { packageCdn });
    try {
      return { backend, labels: [...classifier.labels], probabilities: Array.from(await classifier.predictProbabilities(texts)) };
    } finally {
      classifier.dispose();
    }
  },

  async storedScores(url, texts, backend) {
    await initWebBackend({ backend, wasmPaths });
    const store = createIndexedDbStore({ dbName: 'stored-scores' });
    const fetched = await fetchBundle(url);
    try {
      await saveBundleToStore(fetched, store, 'model.glossa');
    } finally {
      fetched.dispose();
    }
    const storedBytes = (await store.read('model.glossa'))?.byteLength ?? 0;
    const reloaded = await loadBundleFromStore(store, 'model.glossa');
    try {
      return { probabilities: Array.from(await reloaded.predictProbabilities(texts)), storedBytes };
    } finally {
      reloaded.dispose();
      await store.remove('model.glossa');
    }
  },

  async withoutWasmPaths(backend) {
    try {
      return await initWebBackend({ backend });
    } catch (error) {
      return { error: (error as Error).message, code: (error as { code: string }).code };
    }
  },

  async parallelTraining() {
    await initWebBackend({ backend: 'wasm', job: 'train', wasmPaths });
    const workers = await createWebTrainingWorkers({
      spawn: () => new Worker(new URL('./gradient-worker.ts', import.meta.url), { type: 'module' }),
      threads: 2,
      backend: 'wasm',
      wasmPaths,
    });
    const run = async (withWorkers: boolean) => {
      const classifier = createTextClassifier({ architecture: 'lstm', embeddingDim: 8, units: 8, maxLength: 16, dropout: 0.1 });
      const result = await classifier.fit(tinyData(200), { epochs: 3, batchSize: 16, seed: 5, ...(withWorkers ? { gradientWorkers: workers } : {}) });
      const weights = classifier.model!.weights.map((w) => Array.from(w.read().dataSync()));
      const recordedThreads = classifier.training?.threads;
      classifier.dispose();
      return { result, weights, recordedThreads };
    };
    try {
      const a = await run(true);
      const b = await run(true);
      const one = await run(false);
      const same = (x: number[][], y: number[][]) => x.length === y.length && x.every((w, i) => w.length === y[i]!.length && w.every((v, j) => v === y[i]![j]));
      return {
        workerBackend: workers.backend,
        threads: workers.threads,
        sameWeights: same(a.weights, b.weights),
        differsFromOneThread: !same(a.weights, one.weights),
        accuracyTwoThreads: a.result.validation?.accuracy ?? 0,
        accuracyOneThread: one.result.validation?.accuracy ?? 0,
        firstLoss: a.result.history[0]!.loss,
        lastLoss: a.result.history.at(-1)!.loss,
        recordedThreads: a.recordedThreads,
      };
    } finally {
      workers.terminate();
    }
  },

  async download(url, filename) {
    const classifier = await fetchBundle(url);
    await downloadBundle(classifier, filename);
    classifier.dispose();
  },
};

window.glossaTest = api;
document.getElementById('status')!.textContent = 'ready';
