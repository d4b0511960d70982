import { env, getBackend } from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FUSED_RECURRENCES_FLAG, WASM_KERNELS_FLAG, registerGlossaFlags, setFusedLstm, setWasmKernels, usesFusedLstm, usesWasmKernels } from './flags.js';

describe('Glossa’s tfjs flags', () => {
  afterEach(() => {
    setFusedLstm(true);
    setWasmKernels(true);
  });

  it('are registered once, on by default, without tfjs warnings', () => {
    const warn = vi.spyOn(console, 'warn');
    registerGlossaFlags();
    registerGlossaFlags();
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(env().getBool(FUSED_RECURRENCES_FLAG)).toBe(true);
    expect(env().getBool(WASM_KERNELS_FLAG)).toBe(true);
    expect(getBackend()).toBe('cpu');
    expect(usesFusedLstm()).toBe(true);
  });

  it('follow tf.env().set as well as the setters', () => {
    registerGlossaFlags();
    env().set(FUSED_RECURRENCES_FLAG, false);
    expect(usesFusedLstm()).toBe(false);
    setFusedLstm(true);
    expect(env().getBool(FUSED_RECURRENCES_FLAG)).toBe(true);
    expect(usesFusedLstm()).toBe(true);
    setWasmKernels(false);
    expect(env().getBool(WASM_KERNELS_FLAG)).toBe(false);
    expect(usesWasmKernels()).toBe(false);
    env().set(WASM_KERNELS_FLAG, true);
    expect(usesWasmKernels()).toBe(true); // Node ≥ 20 has WebAssembly SIMD
  });
});
