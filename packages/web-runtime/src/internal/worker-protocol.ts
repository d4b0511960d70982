import type { FitOptions, LabeledText, TextClassifierOptions, TrainingEvent } from '@glossa/model-core';
import type { InitWebBackendOptions } from '../init-web-backend.js';

/** Tag on every message of the protocol, so other messages sharing the worker are ignored. */
export const PROTOCOL = 'glossa/worker@1';

/** Fit options that cross the worker boundary (callbacks and signals cannot be cloned). */
export type WorkerFitOptions = Omit<FitOptions, 'onProgress' | 'signal' | 'validationData'> & { validationData?: LabeledText[] };

/** Messages from the page to the worker. `cancel` names the id of the train request to stop. */
export type WorkerRequest = { protocol: typeof PROTOCOL; id: number } & (
  | { type: 'init'; options: Omit<InitWebBackendOptions, 'requiredKernels'> & { requiredKernels?: string[] } }
  | { type: 'train'; examples: LabeledText[]; classifier?: TextClassifierOptions; fit?: WorkerFitOptions }
  | { type: 'cancel' }
  | { type: 'load'; bundle: Uint8Array }
  | { type: 'predict'; texts: string[] }
  | { type: 'explain'; text: string; options?: { label?: string } }
);

/** An error as it crosses the boundary. */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  problems?: string[];
}

/** Messages from the worker to the page. */
export type WorkerResponse = { protocol: typeof PROTOCOL; id: number } & (
  | { type: 'progress'; event: TrainingEvent }
  | { type: 'result'; value: unknown }
  | { type: 'error'; error: SerializedError }
);

/** True for a message of this protocol. */
export function isProtocolMessage(data: unknown): data is { protocol: typeof PROTOCOL; id: number; type: string } {
  return (
    typeof data === 'object' && data !== null && (data as { protocol?: unknown }).protocol === PROTOCOL && typeof (data as { id?: unknown }).id === 'number'
  );
}

/** Turns anything thrown into a cloneable error with name, code and message. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code: unknown = (error as { code?: unknown }).code;
    const problems: unknown = (error as { problems?: unknown }).problems;
    return {
      name: error.name,
      code: typeof code === 'string' ? code : 'WORKER_FAILED',
      message: error.message,
      ...(Array.isArray(problems) ? { problems: problems.map(String) } : {}),
    };
  }
  return { name: 'Error', code: 'WORKER_FAILED', message: String(error) };
}

/** An error thrown in the worker, re-created in the page. */
export type RemoteError = Error & { code: string; problems?: readonly string[] };

/** Re-creates a worker's error in the page as an `Error` with the same name, code and message. */
export function deserializeError(error: SerializedError): RemoteError {
  const result = new Error(error.message) as RemoteError;
  result.name = error.name;
  result.code = error.code;
  if (error.problems !== undefined) result.problems = error.problems;
  return result;
}
