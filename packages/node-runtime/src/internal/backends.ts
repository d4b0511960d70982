import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { engine, findBackendFactory, getKernel, ready, setBackend } from '@tensorflow/tfjs-core';
// Registers the cpu backend and its kernels with tfjs-core.
import '@tensorflow/tfjs-backend-cpu';

/** The backends node-runtime knows, fastest first. */
export const BACKEND_ORDER = ['tensorflow', 'wasm', 'cpu'] as const;

/** One of {@link BACKEND_ORDER}. */
export type KnownBackend = (typeof BACKEND_ORDER)[number];

/** Outcome of trying to make a backend current. */
export type InitOutcome = { ok: true } | { ok: false; error: string };

/** Result of trying to load `@tensorflow/tfjs-node`. */
export type TfjsNodeLoad = { ok: true; version?: string } | { ok: false; error: string };

let tfjsNodeLoad: Promise<TfjsNodeLoad> | undefined;
let wasmPrepared = false;
let wasmInitialised = false;
let queue: Promise<unknown> = Promise.resolve();

/** Runs `task` after every previously queued task, so backend switches never interleave. */
export function serialised<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}

/**
 * Loads the optional native backend once. The specifier is computed so that bundlers and tsc do not try
 * to resolve a package that is usually absent.
 */
export function loadTfjsNode(): Promise<TfjsNodeLoad> {
  tfjsNodeLoad ??= (async (): Promise<TfjsNodeLoad> => {
    const specifier = ['@tensorflow', 'tfjs-node'].join('/');
    let mod: unknown;
    try {
      mod = await import(specifier);
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
      const notInstalled = code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (package|module)|Could not resolve/.test(describe(error));
      return {
        ok: false,
        // Not installed is the usual case (it is optional): say so without the resolver's internal paths.
        error: notInstalled ? `${specifier} is not installed (optional)` : `cannot load ${specifier} (${describe(error)})`,
      };
    }
    if (findBackendFactory('tensorflow') === null) {
      return {
        ok: false,
        error:
          `${specifier} loaded but registered its backend in a different copy of @tensorflow/tfjs-core; ` +
          'install @tensorflow/tfjs-node at the same version as @tensorflow/tfjs-core so only one copy exists',
      };
    }
    const version = readTfjsNodeVersion(mod);
    return version === undefined ? { ok: true } : { ok: true, version };
  })();
  return tfjsNodeLoad;
}

function readTfjsNodeVersion(mod: unknown): string | undefined {
  if (typeof mod !== 'object' || mod === null || !('version' in mod)) return undefined;
  const version: unknown = mod.version;
  if (typeof version !== 'object' || version === null || !('tfjs-node' in version)) return undefined;
  const value: unknown = version['tfjs-node'];
  return typeof value === 'string' ? value : undefined;
}

/** Directory holding the wasm binaries of `@tensorflow/tfjs-backend-wasm`, or undefined if not found. */
export function wasmBinaryDir(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    const dir = dirname(entry);
    return existsSync(join(dir, 'tfjs-backend-wasm.wasm')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Points the wasm backend at its binaries (resolved from the installed package, so it also works when the
 * backend's JavaScript has been bundled elsewhere) and applies the thread count before first init.
 */
function prepareWasm(threads: number | undefined): string | undefined {
  if (!wasmPrepared) {
    const dir = wasmBinaryDir();
    if (dir === undefined) {
      return 'cannot find the .wasm binaries of @tensorflow/tfjs-backend-wasm (is the package installed completely?)';
    }
    setWasmPaths(dir + sep);
    wasmPrepared = true;
  }
  if (threads !== undefined && !wasmInitialised) setThreadsCount(threads);
  return undefined;
}

/** The backend tfjs is currently set to, without triggering tfjs's own automatic initialisation. */
export function currentBackendName(): string | undefined {
  const name: unknown = (engine() as unknown as { backendName?: unknown }).backendName;
  return typeof name === 'string' ? name : undefined;
}

/** True when the backend has a factory registered in tfjs-core (does not initialise it). */
export function isRegistered(name: string): boolean {
  return findBackendFactory(name) !== null;
}

/** Makes `name` the current tfjs backend (`tf.setBackend` + `tf.ready`). Never throws. */
export async function activateBackend(name: KnownBackend, threads: number | undefined): Promise<InitOutcome> {
  if (name === 'tensorflow') {
    const loaded = await loadTfjsNode();
    if (!loaded.ok) return loaded;
  }
  if (name === 'wasm') {
    const problem = prepareWasm(threads);
    if (problem !== undefined) return { ok: false, error: problem };
  }
  try {
    const ok = await setBackend(name);
    if (!ok) {
      return {
        ok: false,
        error: `tf.setBackend('${name}') reported failure (TensorFlow.js logged the cause as a warning)`,
      };
    }
    await ready();
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
  if (name === 'wasm') wasmInitialised = true;
  if (name === 'cpu') silenceCpuBanner();
  return { ok: true };
}

/**
 * tfjs's cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js… install tfjs-node" on
 * stderr at its first use. node-runtime chose the backend knowingly (and `glossa doctor` explains the
 * choice), so the banner is noise in scripts and CLI output: mark the backend as already used.
 */
function silenceCpuBanner(): void {
  const backend = engine().registry.cpu as { firstUse?: boolean } | undefined;
  if (backend && typeof backend.firstUse === 'boolean') backend.firstUse = false;
}

/** The kernels in `required` that `backend` has no implementation for. */
export function missingKernels(backend: string, required: readonly string[]): string[] {
  return required.filter((kernel) => (getKernel(kernel, backend) as unknown) === undefined);
}
