import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { setBackend, version_core } from '@tensorflow/tfjs-core';
import { version_layers } from '@tensorflow/tfjs-layers';
import { registerGlossaKernels, requiredKernels } from '@glossa/model-core';
import { checkTfjsVersions } from './check-tfjs-versions.js';
import { NodeRuntimeError } from './errors.js';
import {
  activateBackend,
  BACKEND_ORDER,
  currentBackendName,
  isRegistered,
  type KnownBackend,
  loadTfjsNode,
  missingKernels,
  serialised,
} from './internal/backends.js';
import { type Logger, silentLogger } from './logger.js';
import { enableRelaxedSimd } from './enable-relaxed-simd.js';

/** A concrete TensorFlow.js backend node-runtime can run on, fastest first: native, WebAssembly, plain JS. */
export type BackendName = KnownBackend;

/** What to run on: a concrete backend, or `'auto'` for the fastest one that works. */
export type BackendChoice = 'auto' | BackendName;

/** What the backend will be used for; recorded in the report and in its reason. */
export type BackendJob = 'train' | 'predict';

/**
 * Options for {@link initBackend}.
 */
export interface InitBackendOptions {
  /** Backend to use. Default `'auto'` (or the `GLOSSA_BACKEND` environment variable when set). */
  backend?: BackendChoice;
  /** What the backend is for. Default `'predict'`. */
  job?: BackendJob;
  /** tfjs kernel names the job needs; a backend lacking one is skipped. Default: `requiredKernels(job)` from model-core (every kernel Glossa's models dispatch for that job). */
  requiredKernels?: readonly string[];
  /** Environment to read `GLOSSA_BACKEND` from. Defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** Threads for the wasm backend (applied before its first initialisation only). */
  threads?: number;
  /**
   * Turn on WebAssembly relaxed SIMD for the process ({@link enableRelaxedSimd}), so Glossa's LSTM and GRU
   * kernels run their fused multiply-add builds, as in the `glossa` CLI, its server and queue workers, and
   * Chromium. Default true; false leaves V8's flags as they are.
   */
  relaxedSimd?: boolean;
  /** Where to report the decision. Default {@link silentLogger}. */
  logger?: Logger;
}

/**
 * One backend considered by {@link initBackend} or {@link listBackends}.
 */
export interface BackendCandidate {
  /** Backend name. */
  name: BackendName;
  /** Whether it initialised (or, when `checked` is false, whether it is at least registered). */
  available: boolean;
  /** Required kernels this backend does not implement. */
  missingKernels: string[];
  /** Why it is unavailable. */
  error?: string;
  /** False when it was not initialised because a faster backend had already been chosen. */
  checked: boolean;
}

/**
 * What {@link initBackend} chose and why.
 */
export interface BackendReport {
  /** The backend now active in tfjs. */
  backend: BackendName;
  /** A sentence explaining the choice, fit to show to a user (`glossa doctor`). */
  reason: string;
  /** The job the backend was chosen for. */
  job: BackendJob;
  /** Every backend considered, fastest first. */
  candidates: BackendCandidate[];
  /** Versions of the pieces in play. */
  versions: { tfjsCore: string; tfjsLayers?: string; tfjsNode?: string; node: string };
  /** Threads the backend computes with, when known (wasm reports its pool size, cpu is 1). */
  threads?: number;
}

const CHOICES: readonly BackendChoice[] = ['auto', ...BACKEND_ORDER];

function isBackendChoice(value: string): value is BackendChoice {
  return (CHOICES as readonly string[]).includes(value);
}

function resolveChoice(options: InitBackendOptions): { choice: BackendChoice; source: string } {
  if (options.backend !== undefined && options.backend !== 'auto') {
    if (!isBackendChoice(options.backend)) {
      throw new NodeRuntimeError('INVALID_OPTION', `initBackend: unknown backend '${String(options.backend)}'. Use one of ${CHOICES.join(', ')}.`);
    }
    return { choice: options.backend, source: 'requested' };
  }
  const env = options.env ?? process.env;
  const fromEnv = env.GLOSSA_BACKEND?.trim();
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isBackendChoice(fromEnv)) {
      throw new NodeRuntimeError(
        'INVALID_OPTION',
        `initBackend: GLOSSA_BACKEND is '${fromEnv}', which is not a backend. Set it to one of ${CHOICES.join(', ')}, or unset it.`,
      );
    }
    return { choice: fromEnv, source: 'set by GLOSSA_BACKEND' };
  }
  return { choice: 'auto', source: 'automatic' };
}

function threadsOf(backend: BackendName): number | undefined {
  if (backend === 'cpu') return 1;
  if (backend === 'wasm') {
    try {
      return getThreadsCount();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function whyNot(candidate: BackendCandidate): string {
  if (!candidate.available) return `${candidate.name} unavailable: ${candidate.error ?? 'unknown error'}`;
  return `${candidate.name} lacks kernels ${candidate.missingKernels.join(', ')}`;
}

/**
 * Chooses, initialises and activates the TensorFlow.js backend (`tf.setBackend` + `tf.ready`).
 *
 * With `'auto'` it tries, in order, `'tensorflow'` (native `@tensorflow/tfjs-node`, when installed),
 * `'wasm'` and `'cpu'`, and keeps the first that initialises and implements every kernel in
 * `requiredKernels`. `GLOSSA_BACKEND` in `env` replaces `'auto'`. Checks first that the tfjs packages agree
 * in version. Calls are serialised, so concurrent calls never interleave backend switches. Unless
 * `relaxedSimd: false`, it also turns on WebAssembly relaxed SIMD ({@link enableRelaxedSimd}) first.
 *
 * @param options - see {@link InitBackendOptions}
 * @returns a {@link BackendReport} saying what was chosen and why
 * @throws {@link NodeRuntimeError} `BACKEND_UNAVAILABLE` when an explicitly requested backend fails or
 *   lacks a required kernel (or no backend qualifies), `VERSION_MISMATCH` when tfjs packages disagree,
 *   `INVALID_OPTION` for an unknown backend name
 * @example
 * ```ts
 * const report = await initBackend({ job: 'train' });
 * console.log(`${report.backend}: ${report.reason}`);
 * ```
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendReport> {
  return serialised(() => initBackendNow(options));
}

async function initBackendNow(options: InitBackendOptions): Promise<BackendReport> {
  const logger = options.logger ?? silentLogger;
  if (options.relaxedSimd !== false) enableRelaxedSimd();
  const job = options.job ?? 'predict';
  const required = options.requiredKernels ?? requiredKernels(job);
  checkTfjsVersions();
  const { choice, source } = resolveChoice(options);
  const previous = currentBackendName();

  const order: readonly BackendName[] = choice === 'auto' ? BACKEND_ORDER : [choice];
  const candidates: BackendCandidate[] = [];
  let chosen: BackendName | undefined;
  for (const name of order) {
    if (chosen !== undefined) {
      candidates.push({
        name,
        available: isRegistered(name),
        missingKernels: missingKernels(name, required),
        checked: false,
      });
      continue;
    }
    const outcome = await activateBackend(name, options.threads);
    const candidate: BackendCandidate = outcome.ok
      ? { name, available: true, missingKernels: missingKernels(name, required), checked: true }
      : { name, available: false, missingKernels: [], error: outcome.error, checked: true };
    candidates.push(candidate);
    logger.debug?.(`initBackend: ${candidate.available ? `${name} initialised` : whyNot(candidate)}`);
    if (candidate.available && candidate.missingKernels.length === 0) chosen = name;
  }

  if (chosen === undefined) {
    if (previous !== undefined && previous !== currentBackendName()) {
      await setBackend(previous).catch(() => false);
    }
    const alternatives = BACKEND_ORDER.filter((name) => !order.includes(name));
    const details = candidates.map(whyNot).join('; ');
    const message =
      choice === 'auto'
        ? `initBackend: no backend can run this ${job} job (${details}). Install @tensorflow/tfjs-node or ask for fewer kernels.`
        : `initBackend: backend '${choice}' (${source}) cannot be used (${details}). ` +
          `Use one of ${alternatives.join(', ')} or 'auto' instead${source === 'set by GLOSSA_BACKEND' ? ' (change or unset GLOSSA_BACKEND)' : ''}` +
          `${choice === 'tensorflow' ? ', or install @tensorflow/tfjs-node (Node 20/22, its native build must succeed)' : ''}.`;
    throw new NodeRuntimeError('BACKEND_UNAVAILABLE', message);
  }

  // Glossa's faster kernels for the chosen backend (e.g. XNNPACK for transposed matmuls on wasm).
  registerGlossaKernels(chosen);
  const tfjsNode = await tfjsNodeVersion(chosen);
  if (tfjsNode !== undefined) {
    checkTfjsVersions({ '@tensorflow/tfjs-core': version_core, '@tensorflow/tfjs-node': tfjsNode });
  }
  const skipped = candidates.filter((c) => c.checked && c.name !== chosen);
  const reason =
    choice === 'auto'
      ? `Chose '${chosen}' for ${job}: the fastest backend that initialised and has every required kernel` +
        (skipped.length > 0 ? ` (${skipped.map(whyNot).join('; ')}).` : '.')
      : `Using '${chosen}' for ${job}, ${source}.`;
  const threads = threadsOf(chosen);
  const threadNote =
    options.threads !== undefined && threads !== undefined && threads !== options.threads
      ? ` Asked for ${options.threads} threads; ${chosen} runs with ${threads} (${chosen === 'wasm' ? 'multi-threaded WebAssembly is not available here, or the backend was initialised earlier' : 'it is single-threaded'}).`
      : '';
  const fullReason = reason + threadNote;
  logger.info(fullReason);
  const report: BackendReport = {
    backend: chosen,
    reason: fullReason,
    job,
    candidates,
    versions: {
      tfjsCore: version_core,
      tfjsLayers: version_layers,
      ...(tfjsNode === undefined ? {} : { tfjsNode }),
      node: process.versions.node,
    },
    ...(threads === undefined ? {} : { threads }),
  };
  return report;
}

async function tfjsNodeVersion(chosen: BackendName): Promise<string | undefined> {
  if (chosen !== 'tensorflow') return undefined;
  const loaded = await loadTfjsNode();
  return loaded.ok ? loaded.version : undefined;
}
