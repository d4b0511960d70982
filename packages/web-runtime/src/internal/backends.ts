import { engine, findBackendFactory, getKernel, ready, setBackend } from '@tensorflow/tfjs-core';
import { setWasmPaths } from './register-backends.js';

/** The backends web-runtime knows, fastest first. */
export const WEB_BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

/** One of {@link WEB_BACKEND_ORDER}. */
export type KnownWebBackend = (typeof WEB_BACKEND_ORDER)[number];

/** Outcome of trying to make a backend current. */
export type InitOutcome = { ok: true } | { ok: false; error: string };

let queue: Promise<unknown> = Promise.resolve();
let wasmReady = false;

/** Runs `task` after every previously queued task, so backend switches never interleave. */
export function serialised<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

/** The message of anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}

/** The backend tfjs is currently set to, without triggering tfjs's own automatic initialisation. */
export function currentBackendName(): string | undefined {
  const name: unknown = (engine() as unknown as { backendName?: unknown }).backendName;
  return typeof name === 'string' ? name : undefined;
}

/** True when the backend has a factory registered in tfjs-core (webgpu registers only where `navigator.gpu` exists). */
export function isRegistered(name: string): boolean {
  return findBackendFactory(name) !== null;
}

/** The kernels in `required` that `backend` has no implementation for. */
export function missingKernels(backend: string, required: readonly string[]): string[] {
  return required.filter((kernel) => (getKernel(kernel, backend) as unknown) === undefined);
}

/** Points the wasm backend at its binaries; only effective before the backend's first successful start. */
export function applyWasmPaths(paths: string | Record<string, string>): string | undefined {
  if (wasmReady) return undefined;
  try {
    setWasmPaths(paths);
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

function hint(name: KnownWebBackend, error: string): string {
  if (name === 'wasm' && /fetch|wasm|WebAssembly|magic|MIME|404/i.test(error)) {
    return `${error} — the .wasm binaries were not found: pass wasmPaths (see the README, "Serving the wasm files")`;
  }
  if (name === 'webgpu' && !isRegistered('webgpu')) return 'WebGPU is not supported here (no navigator.gpu)';
  return error;
}

/** Makes `name` the current tfjs backend (`tf.setBackend` + `tf.ready`). Never throws. */
export async function activateBackend(name: KnownWebBackend): Promise<InitOutcome> {
  if (!isRegistered(name)) {
    return { ok: false, error: hint(name, `the ${name} backend is not registered in this environment`) };
  }
  try {
    const ok = await setBackend(name);
    if (!ok) {
      return { ok: false, error: hint(name, `tf.setBackend('${name}') reported failure (TensorFlow.js logged the cause as a warning)`) };
    }
    await ready();
  } catch (error) {
    return { ok: false, error: hint(name, describeError(error)) };
  }
  if (name === 'wasm') wasmReady = true;
  return { ok: true };
}
