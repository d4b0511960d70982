/**
 * The switches of Glossa's fast paths, for benchmarks and debugging: each is a tfjs flag (on by default),
 * so `tf.env().set(FUSED_RECURRENCES_FLAG, false)` (after {@link registerGlossaFlags}), the helpers below,
 * or tfjs's `?tfjsflags=GLOSSA_WASM_KERNELS:false` URL parameter in a page turn it off. Results agree to
 * float rounding either way.
 */
import { FUSED_ADAM_FLAG, FUSED_RECURRENCES_FLAG, RELAXED_SIMD_FLAG, WASM_KERNELS_FLAG, flagOn, registerFlags, setFlag } from './internal/flag-state.js';
import { usesCpuMemory } from './internal/recurrent.js';
import { wasmKernelsCompile } from './internal/lstm-wasm.js';
import { relaxedSimdChosen, relaxedSimdSupported } from './internal/wasm-module.js';

export { FUSED_ADAM_FLAG, FUSED_RECURRENCES_FLAG, RELAXED_SIMD_FLAG, WASM_KERNELS_FLAG } from './internal/flag-state.js';
export { relaxedSimdSupported } from './internal/wasm-module.js';
export { usesFusedAdam } from './internal/fused-adam.js';

/**
 * Registers Glossa's tfjs flags (`GLOSSA_FUSED_RECURRENCES`, `GLOSSA_WASM_KERNELS`, `GLOSSA_FUSED_ADAM`,
 * `GLOSSA_RELAXED_SIMD`), so `tf.env().set` can
 * change them. Idempotent; the setters below and every use register them too.
 *
 * @example
 * ```ts
 * registerGlossaFlags();
 * tf.env().set('GLOSSA_WASM_KERNELS', false);
 * ```
 */
export function registerGlossaFlags(): void {
  registerFlags();
}

/**
 * Turns the fused recurrences (LSTM and GRU) on or off: the `GLOSSA_FUSED_RECURRENCES` tfjs flag (on by
 * default; off runs the same math as tfjs ops). Weights and results are the same either way.
 *
 * @param on - Whether to use the fused path where the backend allows.
 * @example
 * ```ts
 * setFusedLstm(false); // compare against the op-by-op path
 * ```
 */
export function setFusedLstm(on: boolean): void {
  setFlag(FUSED_RECURRENCES_FLAG, on);
}

/**
 * Whether the fused recurrences run on the active backend: one that keeps tensors in CPU memory (`cpu`,
 * `wasm`, `tensorflow`), with `GLOSSA_FUSED_RECURRENCES` on.
 *
 * @returns True when recurrent models use the fused ops.
 * @example
 * ```ts
 * console.log(usesFusedLstm());
 * ```
 */
export function usesFusedLstm(): boolean {
  return flagOn(FUSED_RECURRENCES_FLAG) && usesCpuMemory();
}

/**
 * Turns Glossa's WebAssembly SIMD LSTM kernels (training and prediction) on or off: the
 * `GLOSSA_WASM_KERNELS` tfjs flag (on by default; off runs the same math in JavaScript with tfjs matrix
 * multiplies).
 *
 * @param on - Whether to use the kernels.
 * @example
 * ```ts
 * setWasmKernels(false); // measure the JavaScript path
 * ```
 */
export function setWasmKernels(on: boolean): void {
  setFlag(WASM_KERNELS_FLAG, on);
}

/**
 * Whether the WebAssembly SIMD LSTM kernels run here: `GLOSSA_WASM_KERNELS` on and the module compiles on
 * this platform.
 *
 * @returns True when lstm training and prediction use the kernels.
 * @example
 * ```ts
 * console.log(usesWasmKernels());
 * ```
 */
export function usesWasmKernels(): boolean {
  return flagOn(WASM_KERNELS_FLAG) && wasmKernelsCompile();
}

/**
 * Turns the fused Adam step on or off: the `GLOSSA_FUSED_ADAM` tfjs flag (on by default; off applies tfjs's
 * AdamOptimizer, a chain of elementwise kernels per weight). The trained weights are the same bits either
 * way; only the time differs.
 *
 * @param on - Whether training on `cpu`/`wasm` applies the fused step.
 * @example
 * ```ts
 * setFusedAdam(false); // the next fit applies tfjs's AdamOptimizer
 * ```
 */
export function setFusedAdam(on: boolean): void {
  setFlag(FUSED_ADAM_FLAG, on);
}

/**
 * Turns the relaxed-SIMD builds of the LSTM, GRU and matrix-product kernels on or off: the `GLOSSA_RELAXED_SIMD` tfjs flag (on
 * by default). Where the engine has relaxed SIMD ({@link relaxedSimdSupported}: Chromium, Firefox, Node 22+;
 * Node 20 once `@glossa/node-runtime`'s `initBackend` or `enableRelaxedSimd()` has run), their matrix
 * products and activations use one fused multiply-add per `a · b + c`, which is faster and rounds once, so
 * results differ from the plain-SIMD build in the last bits (about 1e-7 relative). Turn it off to get the plain
 * build's bits on every engine. Takes effect for kernels made after the change: the next fit, and models whose
 * fast predictor is built after it.
 *
 * @param on - Whether to run the relaxed-SIMD builds where the engine has relaxed SIMD.
 * @example
 * ```ts
 * setRelaxedSimd(false); // the same bits as an engine without relaxed SIMD
 * ```
 */
export function setRelaxedSimd(on: boolean): void {
  setFlag(RELAXED_SIMD_FLAG, on);
}

/**
 * Whether the LSTM, GRU and matrix-product kernels made now use their relaxed-SIMD builds: `GLOSSA_RELAXED_SIMD` on and the
 * engine has relaxed SIMD.
 *
 * @returns True when new kernels use fused multiply-adds.
 * @example
 * ```ts
 * console.log(usesRelaxedSimd());
 * ```
 */
export function usesRelaxedSimd(): boolean {
  return relaxedSimdChosen();
}
