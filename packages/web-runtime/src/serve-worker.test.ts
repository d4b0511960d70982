import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannelWorker } from '../test/message-channel-worker.js';
import { PARITY_TEXTS, tinyData } from '../test/tiny-data.js';
import { type WorkerClient, createWorkerClient } from './create-worker-client.js';
import { type TextClassifier, type TrainingEvent, deserializeBundle, isPackedBundle, unpackBundle } from './index.js';
import { serveWorker } from './serve-worker.js';

// serveWorker and createWorkerClient talk over a real MessageChannel: every message is structured-cloned
// (and the bundle transferred) exactly as between a page and a Web Worker.
let client: WorkerClient;
let close: () => void;
const local: TextClassifier[] = [];

beforeAll(() => {
  const channel = createChannelWorker();
  serveWorker(channel.scope);
  client = createWorkerClient(channel.worker);
  close = channel.close;
});

afterAll(() => {
  close();
  for (const c of local) c.dispose();
});

async function fromBundle(bytes: Uint8Array): Promise<TextClassifier> {
  const classifier = await deserializeBundle(unpackBundle(bytes));
  local.push(classifier);
  return classifier;
}

describe('serveWorker + createWorkerClient', () => {
  it('initialises the requested backend in the worker and reports it', async () => {
    const report = await client.init({ backend: 'cpu' });
    expect(report).toMatchObject({ backend: 'cpu', job: 'train', reason: "Using 'cpu' for train, as requested." });
  });

  it('rejects predict before any model with NOT_LOADED, as an Error with the worker error fields', async () => {
    const error = await client.predict(['hi']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'WebRuntimeError', code: 'NOT_LOADED', message: expect.stringMatching(/^predict: the worker has no model yet/) });
  });

  let first: Uint8Array;
  it('trains with progress events and returns the fit result and the packed bundle', async () => {
    const events: TrainingEvent[] = [];
    const { result, bundle } = await client.train(tinyData(400), {
      classifier: { architecture: 'bow', embeddingDim: 8 },
      fit: { epochs: 3, batchSize: 2, validationSplit: 0.1, earlyStopping: false },
      onProgress: (event) => events.push(event),
    });
    first = bundle;
    expect(result.epochsRun).toBe(3);
    expect(result.history).toHaveLength(3);
    expect(result.validation?.accuracy).toBeGreaterThan(0.5);
    expect(isPackedBundle(bundle)).toBe(true);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('end');
    expect(types.filter((t) => t === 'epoch')).toHaveLength(3);
    const batches = events.filter((e): e is Extract<TrainingEvent, { type: 'batch' }> => e.type === 'batch');
    const start = events[0] as Extract<TrainingEvent, { type: 'start' }>;
    expect(batches.length).toBeGreaterThan(0);
    // 180 batches per epoch of 2 examples in well under a second each: the 50 ms throttle drops most.
    expect(batches.length).toBeLessThan(start.batchesPerEpoch * 3);
    for (const b of batches) expect(Number.isFinite(b.loss) && b.accuracy >= 0 && b.accuracy <= 1).toBe(true);
  });

  it('predicts and explains with the trained model exactly as the returned bundle does', async () => {
    const reference = await fromBundle(first);
    expect(await client.predict(PARITY_TEXTS)).toEqual(await reference.predict(PARITY_TEXTS));
    const explanation = await client.explain('lovely film 好看 🙂');
    expect(explanation).toEqual(await reference.explain('lovely film 好看 🙂'));
    expect(explanation.method).toBe('occlusion');
    expect(explanation.tokens.length).toBeGreaterThan(0);
    expect(await client.explain('dull film', { label: 'pos' })).toMatchObject({ label: 'pos' });
  });

  it('cancels a training run: it rejects with ABORTED and the previous model stays current', async () => {
    const controller = new AbortController();
    const events: TrainingEvent[] = [];
    const run = client.train(tinyData(400), {
      classifier: { architecture: 'bow', embeddingDim: 8 },
      fit: { epochs: 50, batchSize: 2, validationSplit: 0, seed: 7 },
      onProgress: (event) => {
        events.push(event);
        if (event.type === 'batch') controller.abort();
      },
      signal: controller.signal,
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ModelCoreError', code: 'ABORTED' });
    expect(events.some((e) => e.type === 'end')).toBe(false);
    expect(events.filter((e) => e.type === 'epoch').length).toBeLessThan(50);
    const reference = await fromBundle(first);
    expect(await client.predict(PARITY_TEXTS)).toEqual(await reference.predict(PARITY_TEXTS));
  });

  it('rejects at once with ABORTED when the signal is already aborted', async () => {
    await expect(client.train(tinyData(), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('loads a bundle as the current model without detaching the caller’s bytes', async () => {
    const { bundle: second } = await client.train(tinyData(), {
      classifier: { architecture: 'cnn', embeddingDim: 8 },
      fit: { epochs: 1, validationSplit: 0, seed: 3 },
    });
    const secondModel = await fromBundle(second);
    expect(await client.predict(PARITY_TEXTS)).toEqual(await secondModel.predict(PARITY_TEXTS));
    await client.load(first);
    expect(first.byteLength).toBeGreaterThan(0);
    expect(await client.predict(PARITY_TEXTS)).toEqual(await (await fromBundle(first)).predict(PARITY_TEXTS));
  });

  it('passes model-core errors through with their name, code and problems', async () => {
    await expect(client.load(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ name: 'BundleError', code: expect.stringMatching(/^BUNDLE_/) });
    await expect(client.train([{ text: 'only one class', label: 'a' }])).rejects.toMatchObject({ name: 'ModelCoreError', code: 'INVALID_DATA' });
  });

  it('rejects pending and later requests with WORKER_TERMINATED after terminate()', async () => {
    const channel = createChannelWorker(); // no serveWorker on the other side: requests stay pending
    const idle = createWorkerClient(channel.worker);
    const pending = idle.predict(['x']);
    idle.terminate();
    await expect(pending).rejects.toMatchObject({ name: 'WebRuntimeError', code: 'WORKER_TERMINATED' });
    await expect(idle.predict(['x'])).rejects.toMatchObject({ code: 'WORKER_TERMINATED' });
  });
});
