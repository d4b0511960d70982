/**
 * Glossa's switches as tfjs flags (`env().registerFlag`): the state lives in the tfjs environment, where
 * `tf.env().set(name, value)` and the `tfjsflags` URL parameter reach it, not in a module variable. The
 * public side (names, setters) is `src/flags.ts`.
 */
import { env } from '@tensorflow/tfjs-core';

/** Fused LSTM/GRU recurrences on backends that keep tensors in CPU memory. Default true. */
export const FUSED_RECURRENCES_FLAG = 'GLOSSA_FUSED_RECURRENCES';
/** The WebAssembly SIMD LSTM kernels, where the platform has WebAssembly SIMD. Default true. */
export const WASM_KERNELS_FLAG = 'GLOSSA_WASM_KERNELS';
/** The fused Adam step on backends that keep tensors in CPU memory (`cpu`, `wasm`). Default true. */
export const FUSED_ADAM_FLAG = 'GLOSSA_FUSED_ADAM';

/**
 * The relaxed-SIMD builds of the recurrent kernels (one fused multiply-add per `a · b + c`) where the engine has
 * relaxed SIMD. Default true.
 */
export const RELAXED_SIMD_FLAG = 'GLOSSA_RELAXED_SIMD';

const FLAGS = [FUSED_RECURRENCES_FLAG, WASM_KERNELS_FLAG, FUSED_ADAM_FLAG, RELAXED_SIMD_FLAG] as const;

/** Registers Glossa's flags with the tfjs environment unless they are (idempotent, and silent then). */
export function registerFlags(): void {
  const e = env();
  for (const name of FLAGS) {
    try {
      e.get(name); // throws while the flag is not registered
    } catch {
      e.registerFlag(name, () => true);
    }
  }
}

/** The value of one of Glossa's boolean flags (registering them first). */
export function flagOn(name: (typeof FLAGS)[number]): boolean {
  registerFlags();
  return env().getBool(name);
}

/** Sets one of Glossa's boolean flags (registering them first). */
export function setFlag(name: (typeof FLAGS)[number], on: boolean): void {
  registerFlags();
  env().set(name, on);
}
