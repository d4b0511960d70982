// tfjs's wasm backend for the tests that need it (the backend Glossa trains on in Node). model-core does not
// depend on tfjs-backend-wasm; node-runtime does, and the tests load it from there.
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ready, setBackend } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect } from 'vitest';

interface WasmBackendModule {
  setWasmPaths(prefix: string): void;
  setThreadsCount(threads: number): void;
}

let loaded = false;

/** Makes tfjs-backend-wasm (one thread) the active backend; returns whether tfjs accepted it. */
export async function useWasmBackend(): Promise<boolean> {
  if (!loaded) {
    const entry = createRequire(new URL('../../node-runtime/package.json', import.meta.url)).resolve('@tensorflow/tfjs-backend-wasm');
    const wasm = (await import(pathToFileURL(entry).href)) as WasmBackendModule;
    wasm.setWasmPaths(dirname(entry) + sep);
    wasm.setThreadsCount(1);
    loaded = true;
  }
  const ok = await setBackend('wasm');
  await ready();
  return ok;
}

/** Runs the enclosing `describe` block's tests on tfjs-backend-wasm (which tfjs must accept), and the cpu backend again after them. */
export function onWasmBackend(): void {
  beforeAll(async () => {
    expect(await useWasmBackend()).toBe(true);
  });
  afterAll(async () => {
    await setBackend('cpu');
  });
}
