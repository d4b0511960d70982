import type { BundleFiles } from '@glossa/model-core';
import type { BackendChoice } from '../init-backend.js';

/** What a prediction worker starts with. */
export interface PoolWorkerData {
  files: BundleFiles;
  backend: BackendChoice;
  batchSize: number;
  /** Whether the worker runs the kernels' relaxed-SIMD builds: the parent's choice (`parentKernels` in worker-threads.ts). */
  relaxedSimd: boolean;
}

/** A request to a prediction worker. */
export interface PoolRequest {
  id: number;
  texts: string[];
}

/** A message from a prediction worker. */
export type PoolReply =
  | { type: 'ready'; labels: string[]; backend: string }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; probs: Float32Array }
  | { type: 'error'; id: number; message: string };

/** What a training worker starts with. */
export interface TrainingWorkerData {
  backend: BackendChoice;
  /** Whether the worker runs the kernels' relaxed-SIMD builds: the parent's choice (`parentKernels` in worker-threads.ts). */
  relaxedSimd: boolean;
}

/** A training worker's first message: its backend is ready, or it could not start one. */
export type TrainingWorkerStatus = { type: 'ready'; backend: string } | { type: 'failed'; message: string };
