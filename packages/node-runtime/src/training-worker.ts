/**
 * Entry of the worker threads of {@link createTrainingWorkers}: initialises a backend (one thread), then
 * serves gradient requests with model-core's `serveGradientReplica`. Not a public API.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type GradientReply, type GradientRequest, serveGradientReplica, setRelaxedSimd } from '@glossa/model-core';
import { initBackend } from './init-backend.js';
import type { TrainingWorkerData, TrainingWorkerStatus } from './internal/pool-protocol.js';

const port = parentPort!;
const data = workerData as TrainingWorkerData;

try {
  setRelaxedSimd(data.relaxedSimd); // the parent's kernels; V8's flags are the process's
  const report = await initBackend({ backend: data.backend, job: 'train', threads: 1, relaxedSimd: false });
  serveGradientReplica({
    post: (message: GradientReply, transfer: ArrayBuffer[]) => port.postMessage(message, transfer),
    onMessage: (handler: (message: GradientRequest) => void) => port.on('message', handler),
  });
  port.postMessage({ type: 'ready', backend: report.backend } satisfies TrainingWorkerStatus);
} catch (error) {
  port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies TrainingWorkerStatus);
}
