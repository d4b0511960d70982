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
let wasmPathsGiven = false;

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
    wasmPathsGiven = true;
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

function hint(name: KnownWebBackend, error: string): string {
  if (name !== 'wasm') return error;
  return wasmPathsGiven
    ? `${error} — check that the wasmPaths URLs serve the three .wasm files with Content-Type application/wasm`
    : `${error} — the .wasm binaries were probably not found: pass wasmPaths (see the README, "Serving the wasm files")`;
}

/** Renderer names of WebGL implemented on the CPU (SwiftShader, Mesa llvmpipe/softpipe, Microsoft's Basic Render Driver). */
const SOFTWARE_RENDERER = /SwiftShader|llvmpipe|softpipe|Software|Basic Render Driver/i;

function rendererOf(gl: WebGLRenderingContext | WebGL2RenderingContext | null): string | undefined {
  if (gl === null) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer: unknown = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return typeof renderer === 'string' ? renderer : undefined;
}

/**
 * The WebGL renderer's name when it is a software renderer (WebGL emulated on the CPU, e.g. SwiftShader
 * in headless Chromium or with the GPU disabled), else undefined. Works in pages and workers.
 */
export function softwareWebglRenderer(): string | undefined {
  let renderer: string | undefined;
  try {
    if (typeof OffscreenCanvas !== 'undefined') {
      const canvas = new OffscreenCanvas(1, 1);
      renderer = rendererOf(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
    } else {
      const canvas = (globalThis as { document?: Document }).document?.createElement('canvas');
      renderer = canvas ? rendererOf(canvas.getContext('webgl2') ?? canvas.getContext('webgl')) : undefined;
    }
  } catch {
    return undefined;
  }
  return renderer !== undefined && SOFTWARE_RENDERER.test(renderer) ? renderer : undefined;
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/** Why WebGPU cannot start here, found without initialising tfjs's backend, or undefined when an adapter exists. */
async function webgpuProblem(): Promise<string | undefined> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (gpu === undefined) return 'WebGPU is not supported here (no navigator.gpu)';
  try {
    const adapter = await gpu.requestAdapter();
    return adapter === null || adapter === undefined
      ? 'navigator.gpu.requestAdapter() found no adapter (the GPU is disabled, blocklisted or absent)'
      : undefined;
  } catch (error) {
    return `navigator.gpu.requestAdapter() failed: ${describeError(error)}`;
  }
}

/** Makes `name` the current tfjs backend (`tf.setBackend` + `tf.ready`). Never throws. */
export async function activateBackend(name: KnownWebBackend): Promise<InitOutcome> {
  if (name === 'webgpu') {
    const problem = await webgpuProblem();
    if (problem !== undefined) return { ok: false, error: problem };
  }
  if (!isRegistered(name)) {
    return { ok: false, error: `the ${name} backend is not registered in this environment` };
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
