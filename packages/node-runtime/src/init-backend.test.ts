import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { NodeRuntimeError } from './errors.js';
import { initBackend } from './init-backend.js';
import { listBackends } from './list-backends.js';

const noEnv = {};

function matmulOnCurrentBackend(): number[] {
  const before = tf.memory().numTensors;
  const values = tf.tidy(() => {
    const a = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tf.tensor2d([
      [0.5, -1],
      [2, 0.25],
      [-3, 1.5],
    ]);
    return tf.softmax(tf.matMul(a, b)).dataSync();
  });
  expect(tf.memory().numTensors).toBe(before);
  return Array.from(values);
}

describe('initBackend', () => {
  it('initialises the cpu backend when asked and reports it', async () => {
    const report = await initBackend({ backend: 'cpu', env: noEnv, job: 'train' });
    expect(tf.getBackend()).toBe('cpu');
    expect(report.backend).toBe('cpu');
    expect(report.job).toBe('train');
    expect(report.threads).toBe(1);
    expect(report.reason).toContain("'cpu'");
    expect(report.versions.tfjsCore).toBe(tf.version_core);
    expect(report.versions.tfjsLayers).toBe(tf.version_core);
    expect(report.versions.node).toBe(process.versions.node);
    expect(report.candidates).toEqual([{ name: 'cpu', available: true, missingKernels: [], checked: true }]);
  });

  it('initialises the wasm backend in Node and reports its thread count', async () => {
    const report = await initBackend({ backend: 'wasm', env: noEnv });
    expect(tf.getBackend()).toBe('wasm');
    expect(report.backend).toBe('wasm');
    expect(report.threads).toBeGreaterThanOrEqual(1);
  });

  it('chooses wasm under auto when tfjs-node is not installed, saying why', async () => {
    const report = await initBackend({ env: noEnv });
    expect(report.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const [tensorflow, wasm, cpu] = report.candidates;
    expect(tensorflow?.name).toBe('tensorflow');
    expect(tensorflow?.available).toBe(false);
    expect(tensorflow?.error).toMatch(/tfjs-node/);
    expect(wasm).toMatchObject({ name: 'wasm', available: true, missingKernels: [], checked: true });
    expect(cpu).toMatchObject({ name: 'cpu', checked: false });
    expect(report.reason).toMatch(/wasm/);
    expect(report.reason).toMatch(/tensorflow unavailable/);
  });

  it('throws BACKEND_UNAVAILABLE naming the error and alternatives when tensorflow is requested', async () => {
    await initBackend({ backend: 'cpu', env: noEnv });
    const error = await initBackend({ backend: 'tensorflow', env: noEnv }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeRuntimeError);
    expect((error as NodeRuntimeError).code).toBe('BACKEND_UNAVAILABLE');
    expect((error as Error).message).toMatch(/'tensorflow'/);
    expect((error as Error).message).toMatch(/tfjs-node is not installed/);
    expect((error as Error).message).toMatch(/wasm, cpu/);
    // The previously active backend is still usable.
    expect(tf.getBackend()).toBe('cpu');
    expect(matmulOnCurrentBackend()).toHaveLength(4);
  });

  it('skips backends missing a required kernel and lists what is missing', async () => {
    const error = await initBackend({ env: noEnv, requiredKernels: ['BatchMatMul', 'NoSuchKernel'] }).catch((e: unknown) => e);
    expect((error as NodeRuntimeError).code).toBe('BACKEND_UNAVAILABLE');
    expect((error as Error).message).toMatch(/wasm lacks kernels NoSuchKernel/);
    expect((error as Error).message).toMatch(/cpu lacks kernels NoSuchKernel/);
  });

  it('falls back to cpu when wasm lacks a kernel the job needs', async () => {
    // Register a kernel on cpu only: wasm is then missing it.
    tf.registerKernel({ kernelName: 'GlossaTestOnlyCpu', backendName: 'cpu', kernelFunc: () => [] });
    try {
      const report = await initBackend({ env: noEnv, requiredKernels: ['BatchMatMul', 'GlossaTestOnlyCpu'] });
      expect(report.backend).toBe('cpu');
      expect(report.candidates.find((c) => c.name === 'wasm')).toMatchObject({
        available: true,
        missingKernels: ['GlossaTestOnlyCpu'],
      });
      expect(report.reason).toMatch(/wasm lacks kernels GlossaTestOnlyCpu/);
    } finally {
      tf.unregisterKernel('GlossaTestOnlyCpu', 'cpu');
    }
  });

  it('rejects an explicit backend that lacks a required kernel', async () => {
    const error = await initBackend({ backend: 'wasm', env: noEnv, requiredKernels: ['NoSuchKernel'] }).catch((e: unknown) => e);
    expect((error as NodeRuntimeError).code).toBe('BACKEND_UNAVAILABLE');
    expect((error as Error).message).toMatch(/wasm lacks kernels NoSuchKernel/);
  });

  it('takes GLOSSA_BACKEND in place of auto but not over an explicit choice', async () => {
    const fromEnv = await initBackend({ env: { GLOSSA_BACKEND: 'cpu' } });
    expect(fromEnv.backend).toBe('cpu');
    expect(fromEnv.reason).toMatch(/GLOSSA_BACKEND/);
    const explicit = await initBackend({ backend: 'wasm', env: { GLOSSA_BACKEND: 'cpu' } });
    expect(explicit.backend).toBe('wasm');
  });

  it('rejects an unknown GLOSSA_BACKEND value', async () => {
    const error = await initBackend({ env: { GLOSSA_BACKEND: 'webgl' } }).catch((e: unknown) => e);
    expect((error as NodeRuntimeError).code).toBe('INVALID_OPTION');
    expect((error as Error).message).toMatch(/webgl/);
  });

  it('computes the same result on cpu and wasm', async () => {
    await initBackend({ backend: 'cpu', env: noEnv });
    const onCpu = matmulOnCurrentBackend();
    await initBackend({ backend: 'wasm', env: noEnv });
    const onWasm = matmulOnCurrentBackend();
    onCpu.forEach((value, i) => {
      expect(onWasm[i]).toBeCloseTo(value, 5);
    });
  });

  it('says so when the requested thread count cannot be honoured', async () => {
    const report = await initBackend({ backend: 'wasm', env: noEnv, threads: 4 });
    expect(report.threads).toBe(1);
    expect(report.reason).toMatch(/Asked for 4 threads; wasm runs with 1/);
  });

  it('sends its decision to the logger', async () => {
    const messages: string[] = [];
    await initBackend({
      backend: 'cpu',
      env: noEnv,
      logger: { info: (m) => messages.push(m), warn: (m) => messages.push(`warn ${m}`) },
    });
    expect(messages).toEqual([expect.stringContaining("Using 'cpu'")]);
  });
});

describe('listBackends', () => {
  it('checks every backend and restores the active one', async () => {
    await initBackend({ backend: 'cpu', env: noEnv });
    const candidates = await listBackends({ requiredKernels: ['Softmax', 'NoSuchKernel'] });
    expect(candidates.map((c) => c.name)).toEqual(['tensorflow', 'wasm', 'cpu']);
    expect(candidates.every((c) => c.checked)).toBe(true);
    expect(candidates[0]?.available).toBe(false);
    expect(candidates[1]).toMatchObject({ available: true, missingKernels: ['NoSuchKernel'] });
    expect(candidates[2]).toMatchObject({ available: true, missingKernels: ['NoSuchKernel'] });
    expect(tf.getBackend()).toBe('cpu');
  });
});
