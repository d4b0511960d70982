import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { version_core } from '@tensorflow/tfjs-core';
import { version_layers } from '@tensorflow/tfjs-layers';
import { NodeRuntimeError } from './errors.js';

/**
 * Versions of the TensorFlow.js packages loaded in this process, keyed by package name.
 */
export type TfjsVersions = Readonly<Record<string, string>>;

/**
 * The versions of the statically imported TensorFlow.js packages (core, layers, cpu and wasm backends).
 *
 * @returns a map from package name to the version it reports at run time
 * @example
 * ```ts
 * loadedTfjsVersions()['@tensorflow/tfjs-core']; // '4.22.0'
 * ```
 */
export function loadedTfjsVersions(): TfjsVersions {
  return {
    '@tensorflow/tfjs-core': version_core,
    '@tensorflow/tfjs-layers': version_layers,
    '@tensorflow/tfjs-backend-cpu': version_cpu,
    '@tensorflow/tfjs-backend-wasm': version_wasm,
  };
}

/**
 * Checks that every TensorFlow.js package agrees with `@tensorflow/tfjs-core` in version. Mismatched
 * packages register kernels and layers in different copies of tfjs-core, which fails later with confusing
 * "no backend found" errors; this check fails early with a clear message instead. Called by
 * {@link initBackend}.
 *
 * @param versions - versions to compare; defaults to {@link loadedTfjsVersions}. Must contain
 *   `@tensorflow/tfjs-core`.
 * @returns the tfjs-core version all packages agree on
 * @throws {@link NodeRuntimeError} with code `VERSION_MISMATCH` naming every package whose version differs
 * @example
 * ```ts
 * checkTfjsVersions(); // '4.22.0'
 * checkTfjsVersions({ '@tensorflow/tfjs-core': '4.22.0', '@tensorflow/tfjs-layers': '4.21.0' }); // throws
 * ```
 */
export function checkTfjsVersions(versions: TfjsVersions = loadedTfjsVersions()): string {
  const core = versions['@tensorflow/tfjs-core'];
  if (core === undefined) {
    throw new NodeRuntimeError(
      'VERSION_MISMATCH',
      'checkTfjsVersions: no version for @tensorflow/tfjs-core was given. Pass the tfjs-core version together with the versions to compare.',
    );
  }
  const mismatched = Object.entries(versions).filter(([, version]) => version !== core);
  if (mismatched.length > 0) {
    const seen = Object.entries(versions)
      .map(([name, version]) => `${name}@${version}`)
      .join(', ');
    throw new NodeRuntimeError(
      'VERSION_MISMATCH',
      `checkTfjsVersions: TensorFlow.js packages disagree in version (${seen}); ` +
        `${mismatched.map(([name]) => name).join(', ')} ${mismatched.length === 1 ? 'differs' : 'differ'} from @tensorflow/tfjs-core@${core}. ` +
        `Install the same version of every @tensorflow/* package (e.g. pin them all to ${core}) and make sure only one copy of @tensorflow/tfjs-core is installed (\`npm ls @tensorflow/tfjs-core\` or \`pnpm why @tensorflow/tfjs-core\`).`,
    );
  }
  return core;
}
