/** Shared by the worker pools (prediction, training): where a worker's entry is and how it is started. */
import { usesRelaxedSimd } from '@glossa/model-core';
import { enableRelaxedSimd } from '../enable-relaxed-simd.js';

/**
 * Whether a pool's workers run the relaxed-SIMD builds of the kernels: relaxed SIMD is turned on for the
 * process first (as `initBackend` does; the workers share V8's flags), then the parent's `GLOSSA_RELAXED_SIMD`
 * decides, so workers compute what the parent would (`setRelaxedSimd(false)` reaches them too).
 */
export function parentKernels(): { relaxedSimd: boolean } {
  enableRelaxedSimd();
  return { relaxedSimd: usesRelaxedSimd() };
}

/** A worker entry built next to the package's modules (`dist/<name>.js`), also when running from sources. */
export function workerEntry(name: string): URL {
  const here = import.meta.url;
  // Run from sources (tests with the `@glossa/source` condition): use the built worker.
  return here.endsWith('.ts') ? new URL(`../../dist/${name}.js`, here) : new URL(`./${name}.js`, here);
}

/**
 * This process's Node flags for a worker, without a test runner's source conditions (the built worker resolves
 * packages as published) and without V8's WebAssembly feature flags (`--experimental-wasm-…`, e.g. relaxed SIMD):
 * a worker refuses V8 flags in its `execArgv`, and it has them anyway (V8's flags are per process).
 */
export function workerExecArgv(): string[] {
  return process.execArgv.filter(
    (a, i, all) =>
      !a.startsWith('--conditions') && !a.startsWith('-C') && !(all[i - 1] === '--conditions' || all[i - 1] === '-C') && !/^--(no-)?experimental-wasm-/.test(a),
  );
}
