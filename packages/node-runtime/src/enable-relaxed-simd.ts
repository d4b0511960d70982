import { setFlagsFromString } from 'node:v8';
import { relaxedSimdSupported } from '@glossa/model-core';

/**
 * Turns on WebAssembly relaxed SIMD in this Node process, so Glossa's LSTM and GRU kernels run their
 * relaxed-SIMD builds (one fused multiply-add per `a · b + c`: faster, and different from the plain build in
 * the last bits). Node 22 and later have relaxed SIMD already; Node 20 needs V8's
 * `--experimental-wasm-relaxed-simd`, which this sets at run time (the same as passing it to `node`). Worker
 * threads started afterwards share it. `initBackend` calls it (unless `relaxedSimd: false`), so the CLI, the
 * server, queue workers and the worker pools run the relaxed builds; call it yourself before the first fit or
 * prediction when you use no `initBackend`. `setRelaxedSimd(false)` keeps the plain build even so.
 *
 * @returns Whether relaxed SIMD is available now.
 * @example
 * ```ts
 * import { enableRelaxedSimd } from '@glossa/node-runtime';
 *
 * console.log(enableRelaxedSimd() ? 'relaxed SIMD kernels' : 'plain SIMD kernels');
 * ```
 */
export function enableRelaxedSimd(): boolean {
  if (relaxedSimdSupported()) return true;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return relaxedSimdSupported();
}
