import type { BundleManifest, TextClassifier } from '@glossa/node-runtime';
import { createMicroBatcher, type MicroBatcher } from './micro-batcher.js';
import { resolveServeSettings, type ServeBatching, type ServeLimits } from './options.js';

/** Life cycle of a server: `loading` until {@link ServeController.setModel} has warmed the model up. */
export type ServeState = 'loading' | 'ready' | 'closing' | 'closed';

/** A loaded model and what identifies it. */
export interface ServeModel {
  /** The classifier (from `loadBundle`/`deserializeBundle`). */
  classifier: TextClassifier;
  /** The bundle's manifest. */
  manifest: BundleManifest;
  /** Content hash of the bundle files, see {@link bundleId}. */
  id: string;
  /** A name for people: the bundle's directory or file name. */
  name: string;
  /** The tfjs backend the model runs on (reported by `GET /v1/model`). */
  backend?: string;
}

/** Options of {@link createServeController}. */
export interface ServeControllerOptions {
  /** Request limits (defaults: {@link DEFAULT_SERVE_LIMITS}). */
  limits?: Partial<ServeLimits>;
  /** Micro-batching (defaults: {@link DEFAULT_SERVE_BATCHING}). */
  batching?: Partial<ServeBatching>;
  /** Told when the model is warm (the server logs its `ready` line here). */
  onReady?(model: ServeModel): void;
}

/**
 * The state the routes answer from: the model, its micro-batcher, the limits and where the server is in its
 * life cycle. One controller serves one model; the {@link glossaServe} plugin's routes read it.
 */
export interface ServeController {
  /** Where the server is in its life cycle. */
  readonly state: ServeState;
  /** The effective limits. */
  readonly limits: Readonly<ServeLimits>;
  /** The effective batching. */
  readonly batching: Readonly<ServeBatching>;
  /** The model, once ready. */
  readonly model: ServeModel | undefined;
  /** The micro-batcher, once a model is set. */
  readonly batcher: MicroBatcher | undefined;
  /**
   * Installs the model, warms it up (a forward pass of 1 and of `maxBatchTexts` texts) and turns ready. When
   * shutdown began during the warm-up, the model is not installed.
   * @throws Whatever the model throws during warm-up (the state stays `loading`); an `Error` when the state is
   * not `loading`.
   */
  setModel(model: ServeModel): Promise<void>;
  /** Turns `closing`: readiness and new requests get 503 `SHUTTING_DOWN`. Safe to call twice. */
  beginClose(): void;
  /** Waits until no batch is queued or running, then turns `closed`. */
  finishClose(): Promise<void>;
}

/**
 * Creates the state behind the routes: limits and batching checked against {@link SERVE_OPTION_RANGES},
 * starting `loading`.
 *
 * @param options - Limits, batching, a ready callback.
 * @returns The controller.
 * @throws {RangeError} When a limit or batching option is out of range.
 * @example
 * ```ts
 * const controller = createServeController({ limits: { maxTexts: 64 } });
 * await app.register(glossaServe, { controller });
 * await controller.setModel({ classifier, manifest, id: bundleId(files), name: 'sentiment' });
 * ```
 */
export function createServeController(options: ServeControllerOptions = {}): ServeController {
  const { limits, batching } = resolveServeSettings(options);
  let state: ServeState = 'loading';
  let model: ServeModel | undefined;
  let batcher: MicroBatcher | undefined;
  return {
    get state() {
      return state;
    },
    limits,
    batching,
    get model() {
      return model;
    },
    get batcher() {
      return batcher;
    },
    async setModel(next) {
      if (state !== 'loading') throw new Error(`setModel: the server is ${state}; a model can only be set while loading.`);
      const { classifier } = next;
      const created = createMicroBatcher({
        run: (texts) => classifier.predictProbabilities(texts, { batchSize: batching.maxBatchTexts }),
        width: classifier.labels.length,
        maxBatchTexts: batching.maxBatchTexts,
        maxDelayMs: batching.maxDelayMs,
      });
      // Warm-up: the first forward passes allocate and compile; do them before answering traffic.
      await classifier.predictProbabilities(['warm up'], { batchSize: 1 });
      const sentence = 'warming up the model with a sentence of ordinary length before serving';
      await classifier.predictProbabilities(
        Array.from({ length: batching.maxBatchTexts }, () => sentence),
        {
          batchSize: batching.maxBatchTexts,
        },
      );
      if (state !== 'loading') return;
      model = next;
      batcher = created;
      state = 'ready';
      options.onReady?.(next);
    },
    beginClose() {
      if (state !== 'closed') state = 'closing';
    },
    async finishClose() {
      await batcher?.drain();
      state = 'closed';
    },
  };
}
