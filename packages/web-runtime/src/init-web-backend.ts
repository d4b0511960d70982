import { type Job, MODEL_CORE_VERSION, registerGlossaKernels, requiredKernels } from '@glossa/model-core';
import { setBackend, version_core } from '@tensorflow/tfjs-core';
import { version_layers } from '@tensorflow/tfjs-layers';
import { WebRuntimeError } from './errors.js';
import {
  activateBackend,
  applyWasmPaths,
  currentBackendName,
  isRegistered,
  missingKernels,
  serialised,
  softwareWebglRenderer,
  WEB_BACKEND_ORDER,
} from './internal/backends.js';
import { version_cpu, version_wasm, version_webgl } from './internal/register-backends.js';

/** A TensorFlow.js backend web-runtime can run on, fastest first: WebGPU, WebGL, WebAssembly, plain JS. */
export type WebBackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** The three binaries of `@tensorflow/tfjs-backend-wasm`. */
export type WasmBinaryName = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

/**
 * Where the wasm backend finds its binaries: a URL prefix ending in `/` (a directory holding the three
 * files), or one URL per binary (what `import url from '…/tfjs-backend-wasm.wasm?url'` gives in Vite).
 */
export type WasmPaths = string | Record<WasmBinaryName, string>;

/** Options of {@link initWebBackend}. */
export interface InitWebBackendOptions {
  /** Backend to use. Default `'auto'`: the first of webgpu, webgl, wasm, cpu that starts and has every required kernel. */
  backend?: 'auto' | WebBackendName;
  /** What the backend is for: training needs more kernels than prediction. Default `'predict'`. */
  job?: Job;
  /** tfjs kernel names the job needs; a backend lacking one is skipped. Default `requiredKernels(job)` from model-core. */
  requiredKernels?: readonly string[];
  /** Where the wasm binaries are served (applied before the wasm backend first starts). See the README. */
  wasmPaths?: WasmPaths;
}

/** One backend considered by {@link initWebBackend}. */
export interface WebBackendCandidate {
  /** Backend name. */
  name: WebBackendName;
  /** Whether it started (or, when `checked` is false, whether it is at least registered). */
  available: boolean;
  /** Required kernels this backend does not implement. */
  missingKernels: string[];
  /** Why it is unavailable. */
  error?: string;
  /** False when it was not started because a faster backend had already been chosen. */
  checked: boolean;
  /** Why `'auto'` passed over a backend that works (WebGL rendered in software is slower than wasm and cpu). */
  skipped?: string;
}

/** What {@link initWebBackend} chose and why. */
export interface WebBackendReport {
  /** The backend now active in tfjs. */
  backend: WebBackendName;
  /** A sentence explaining the choice, fit to show to a user. */
  reason: string;
  /** The job the backend was chosen for. */
  job: Job;
  /** Every backend considered, fastest first. */
  candidates: WebBackendCandidate[];
  /** Versions in play: `@tensorflow/tfjs-core` and Glossa. */
  versions: { tfjsCore: string; glossa: string };
}

const CHOICES: readonly string[] = ['auto', ...WEB_BACKEND_ORDER];

function whyNot(candidate: WebBackendCandidate): string {
  if (candidate.skipped !== undefined) return `${candidate.name} skipped: ${candidate.skipped}`;
  if (!candidate.available) return `${candidate.name} unavailable: ${candidate.error ?? 'unknown error'}`;
  return `${candidate.name} lacks kernels ${candidate.missingKernels.join(', ')}`;
}

function checkVersions(): void {
  const versions: Record<string, string> = {
    '@tensorflow/tfjs-core': version_core,
    '@tensorflow/tfjs-layers': version_layers,
    '@tensorflow/tfjs-backend-cpu': version_cpu,
    '@tensorflow/tfjs-backend-wasm': version_wasm,
    '@tensorflow/tfjs-backend-webgl': version_webgl,
  };
  const mismatched = Object.entries(versions).filter(([, version]) => version !== version_core);
  if (mismatched.length > 0) {
    const seen = Object.entries(versions)
      .map(([name, version]) => `${name}@${version}`)
      .join(', ');
    throw new WebRuntimeError(
      'VERSION_MISMATCH',
      `initWebBackend: TensorFlow.js packages disagree in version (${seen}). Install the same version of every @tensorflow/* package and make sure only one copy of @tensorflow/tfjs-core is bundled (Vite: resolve.dedupe).`,
    );
  }
}

function checkWasmPaths(paths: unknown): asserts paths is WasmPaths {
  const names: WasmBinaryName[] = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
  if (typeof paths === 'string' && paths !== '') return;
  if (typeof paths === 'object' && paths !== null && names.every((n) => typeof (paths as Record<string, unknown>)[n] === 'string')) return;
  throw new WebRuntimeError(
    'INVALID_OPTION',
    `initWebBackend: wasmPaths must be a URL prefix ending in "/" or an object with a URL for each of ${names.join(', ')} (got ${JSON.stringify(paths)}). See the README, "Serving the wasm files".`,
  );
}

/**
 * Chooses, starts and activates the TensorFlow.js backend for this page or worker (`tf.setBackend` +
 * `tf.ready`).
 *
 * With `'auto'` it tries WebGPU, WebGL, WebAssembly and plain JavaScript in that order (fastest first) and
 * keeps the first that starts and implements every kernel in `requiredKernels`. WebGL rendered in
 * software (SwiftShader, llvmpipe: no usable GPU) is passed over, because it is slower than wasm and cpu;
 * request `'webgl'` explicitly to use it anyway. Checks first that the
 * tfjs packages agree in version. Calls are serialised, so concurrent calls never interleave backend
 * switches. When nothing qualifies, the previous backend stays active.
 *
 * @param options - See {@link InitWebBackendOptions}.
 * @returns A {@link WebBackendReport} saying what was chosen and why.
 * @throws {@link WebRuntimeError} `BACKEND_UNAVAILABLE` when the requested backend (or, with `'auto'`,
 *   every backend) cannot run the job; `INVALID_OPTION` for an unknown backend or a malformed `wasmPaths`;
 *   `VERSION_MISMATCH` when tfjs packages disagree.
 * @example
 * ```ts
 * import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
 * import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
 * import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
 *
 * const report = await initWebBackend({
 *   job: 'predict',
 *   wasmPaths: { 'tfjs-backend-wasm.wasm': wasm, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threaded },
 * });
 * console.log(report.backend, report.reason);
 * ```
 */
export function initWebBackend(options: InitWebBackendOptions = {}): Promise<WebBackendReport> {
  return serialised(() => initNow(options));
}

async function initNow(options: InitWebBackendOptions): Promise<WebBackendReport> {
  const choice = options.backend ?? 'auto';
  if (!CHOICES.includes(choice)) {
    throw new WebRuntimeError('INVALID_OPTION', `initWebBackend: unknown backend ${JSON.stringify(choice)}. Use one of ${CHOICES.join(', ')}.`);
  }
  const job: Job = options.job ?? 'predict';
  if (job !== 'train' && job !== 'predict') {
    throw new WebRuntimeError('INVALID_OPTION', `initWebBackend: job must be 'train' or 'predict' (got ${JSON.stringify(job)}).`);
  }
  const required = options.requiredKernels ?? requiredKernels(job);
  checkVersions();
  let wasmPathProblem: string | undefined;
  if (options.wasmPaths !== undefined) {
    checkWasmPaths(options.wasmPaths);
    wasmPathProblem = applyWasmPaths(options.wasmPaths);
  }
  const previous = currentBackendName();
  const order: readonly WebBackendName[] = choice === 'auto' ? WEB_BACKEND_ORDER : [choice];
  const candidates: WebBackendCandidate[] = [];
  let chosen: WebBackendName | undefined;
  for (const name of order) {
    if (chosen !== undefined) {
      candidates.push({ name, available: isRegistered(name), missingKernels: missingKernels(name, required), checked: false });
      continue;
    }
    if (name === 'webgl' && choice === 'auto') {
      // Measured in headless Chromium (SwiftShader): training ran ~10× slower on software WebGL than on
      // wasm, and slower than cpu. Such a WebGL is passed over; ask for 'webgl' explicitly to use it anyway.
      const renderer = softwareWebglRenderer();
      if (renderer !== undefined) {
        candidates.push({
          name,
          available: isRegistered(name),
          missingKernels: missingKernels(name, required),
          checked: true,
          skipped: `WebGL is rendered in software ("${renderer}"), slower than wasm and cpu`,
        });
        continue;
      }
    }
    const outcome = await activateBackend(name);
    const candidate: WebBackendCandidate = outcome.ok
      ? { name, available: true, missingKernels: missingKernels(name, required), checked: true }
      : {
          name,
          available: false,
          missingKernels: [],
          error: name === 'wasm' && wasmPathProblem !== undefined ? `${outcome.error} (setWasmPaths: ${wasmPathProblem})` : outcome.error,
          checked: true,
        };
    candidates.push(candidate);
    if (candidate.available && candidate.missingKernels.length === 0) chosen = name;
  }

  if (chosen === undefined) {
    if (previous !== undefined && previous !== currentBackendName()) await setBackend(previous).catch(() => false);
    const details = candidates.map(whyNot).join('; ');
    const message =
      choice === 'auto'
        ? `initWebBackend: no backend can run this ${job} job (${details}). Serve the wasm binaries (wasmPaths) or ask for fewer kernels.`
        : `initWebBackend: backend '${choice}' cannot be used for ${job} here (${details}). Use 'auto' or another of ${WEB_BACKEND_ORDER.filter((n) => n !== choice).join(', ')}.`;
    throw new WebRuntimeError('BACKEND_UNAVAILABLE', message);
  }

  // Glossa's faster kernels for the chosen backend (e.g. XNNPACK for transposed matmuls on wasm).
  registerGlossaKernels(chosen);
  const skipped = candidates.filter((c) => c.checked && c.name !== chosen);
  const reason =
    choice === 'auto'
      ? `Chose '${chosen}' for ${job}: the fastest backend that started and has every required kernel` +
        (skipped.length > 0 ? ` (${skipped.map(whyNot).join('; ')}).` : '.')
      : `Using '${chosen}' for ${job}, as requested.`;
  return { backend: chosen, reason, job, candidates, versions: { tfjsCore: version_core, glossa: MODEL_CORE_VERSION } };
}
