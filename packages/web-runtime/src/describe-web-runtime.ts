import { getBackend } from '@tensorflow/tfjs-core';
import { MODEL_CORE_VERSION } from '@glossa/model-core';

/**
 * A one-line description of the runtime: Glossa version and the active tfjs backend.
 *
 * @returns E.g. `"Glossa 0.1.0 on TensorFlow.js backend webgl"`.
 * @example
 * ```ts
 * document.title = describeWebRuntime();
 * ```
 */
export function describeWebRuntime(): string {
  let backend = 'none';
  try {
    backend = getBackend() ?? 'none';
  } catch {
    backend = 'none';
  }
  return `Glossa ${MODEL_CORE_VERSION} on TensorFlow.js backend ${backend}`;
}
