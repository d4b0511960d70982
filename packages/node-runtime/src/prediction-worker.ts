/**
 * Entry of the worker threads of {@link createPredictionPool}: initialises a backend, loads the bundle
 * from the files it was given and answers prediction requests. Not a public API.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { deserializeBundle, setRelaxedSimd } from '@glossa/model-core';
import { initBackend } from './init-backend.js';
import type { PoolReply, PoolRequest, PoolWorkerData } from './internal/pool-protocol.js';

const port = parentPort!;
const data = workerData as PoolWorkerData;

function reply(message: PoolReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

try {
  setRelaxedSimd(data.relaxedSimd); // the parent's kernels; V8's flags are the process's
  const report = await initBackend({ backend: data.backend, job: 'predict', relaxedSimd: false });
  const classifier = await deserializeBundle(data.files);
  reply({ type: 'ready', labels: [...classifier.labels], backend: report.backend });
  port.on('message', async (request: PoolRequest) => {
    try {
      const probs = await classifier.predictProbabilities(request.texts, { batchSize: data.batchSize });
      reply({ type: 'result', id: request.id, probs }, [probs.buffer as ArrayBuffer]);
    } catch (error) {
      reply({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) });
    }
  });
} catch (error) {
  reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
