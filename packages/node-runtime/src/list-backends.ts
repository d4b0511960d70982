import { setBackend } from '@tensorflow/tfjs-core';
import { activateBackend, BACKEND_ORDER, currentBackendName, missingKernels, serialised } from './internal/backends.js';
import type { BackendCandidate } from './init-backend.js';

/**
 * Options for {@link listBackends}.
 */
export interface ListBackendsOptions {
  /** Kernel names to check each backend for. */
  requiredKernels?: readonly string[];
  /** Threads for the wasm backend (applied before its first initialisation only). */
  threads?: number;
}

/**
 * Tries every backend node-runtime knows (`tensorflow`, `wasm`, `cpu`) and reports which initialise and
 * which required kernels each lacks — what `glossa doctor` prints. The backend that was active before the
 * call is active again afterwards.
 *
 * @param options - see {@link ListBackendsOptions}
 * @returns one {@link BackendCandidate} per backend, fastest first, all with `checked: true`
 * @throws never for an unavailable backend (that is reported in the candidate); only for tfjs internal errors
 * @example
 * ```ts
 * for (const candidate of await listBackends({ requiredKernels: ['MatMul'] })) {
 *   console.log(candidate.name, candidate.available ? 'ok' : candidate.error);
 * }
 * ```
 */
export function listBackends(options: ListBackendsOptions = {}): Promise<BackendCandidate[]> {
  return serialised(async () => {
    const required = options.requiredKernels ?? [];
    const previous = currentBackendName();
    const candidates: BackendCandidate[] = [];
    for (const name of BACKEND_ORDER) {
      const outcome = await activateBackend(name, options.threads);
      candidates.push(
        outcome.ok
          ? { name, available: true, missingKernels: missingKernels(name, required), checked: true }
          : { name, available: false, missingKernels: [], error: outcome.error, checked: true },
      );
    }
    if (previous !== undefined && previous !== currentBackendName()) await setBackend(previous);
    return candidates;
  });
}
