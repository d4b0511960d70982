import { requiredKernels } from '@glossa/model-core';
import { getBackend, version_core } from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { WebRuntimeError } from './errors.js';
import { initWebBackend } from './init-web-backend.js';

// Node has neither WebGPU nor WebGL, so 'auto' falls through to wasm here: the order and the reasons are
// what is under test. Chromium's choice is measured in test/browser.
afterAll(async () => {
  await initWebBackend({ backend: 'cpu' });
});

describe('initWebBackend', () => {
  it('tries webgpu, webgl, wasm, cpu in order and keeps the first that starts with every kernel', async () => {
    const report = await initWebBackend({ job: 'train' });
    expect(report.candidates.map((c) => c.name)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(report.backend).toBe('wasm');
    expect(getBackend()).toBe('wasm');
    expect(report.candidates.slice(0, 2).every((c) => c.checked && !c.available && c.error !== undefined)).toBe(true);
    expect(report.candidates[3]).toMatchObject({ name: 'cpu', checked: false, available: true });
    expect(report.reason).toMatch(/^Chose 'wasm' for train: .*webgpu unavailable: WebGPU is not supported here/);
    expect(report.versions).toEqual({ tfjsCore: version_core, glossa: expect.any(String) });
    expect(report.job).toBe('train');
  });

  it('uses a requested backend and says so', async () => {
    const report = await initWebBackend({ backend: 'cpu', job: 'predict' });
    expect(report).toMatchObject({ backend: 'cpu', job: 'predict', reason: "Using 'cpu' for predict, as requested." });
    expect(report.candidates).toHaveLength(1);
    expect(getBackend()).toBe('cpu');
  });

  it('skips a backend that lacks a required kernel and names the kernel', async () => {
    // 'FFT' is a kernel tfjs-backend-cpu has and tfjs-backend-wasm lacks.
    const report = await initWebBackend({ requiredKernels: [...requiredKernels('predict'), 'FFT'] });
    expect(report.backend).toBe('cpu');
    expect(report.candidates.find((c) => c.name === 'wasm')?.missingKernels).toEqual(['FFT']);
    expect(report.reason).toMatch(/wasm lacks kernels FFT/);
  });

  it('fails with BACKEND_UNAVAILABLE when nothing qualifies and keeps the previous backend', async () => {
    await initWebBackend({ backend: 'cpu' });
    const error = await initWebBackend({ requiredKernels: ['NoSuchKernel'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebRuntimeError);
    expect(error).toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringMatching(/no backend can run this predict job \(.*cpu lacks kernels NoSuchKernel/),
    });
    expect(getBackend()).toBe('cpu');
  });

  it('fails with BACKEND_UNAVAILABLE for a requested backend that cannot start here', async () => {
    await expect(initWebBackend({ backend: 'webgl' })).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringMatching(/backend 'webgl' cannot be used/),
    });
  });

  it('rejects an unknown backend and a malformed wasmPaths with INVALID_OPTION', async () => {
    await expect(initWebBackend({ backend: 'tpu' as 'cpu' })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/unknown backend "tpu"/),
    });
    await expect(initWebBackend({ wasmPaths: { 'tfjs-backend-wasm.wasm': '/a.wasm' } as never })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/wasmPaths must be/),
    });
  });

  it('serialises concurrent calls so the last one wins', async () => {
    const [a, b] = await Promise.all([initWebBackend({ backend: 'wasm' }), initWebBackend({ backend: 'cpu' })]);
    expect([a.backend, b.backend]).toEqual(['wasm', 'cpu']);
    expect(getBackend()).toBe('cpu');
  });
});
