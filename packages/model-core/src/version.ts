import { version } from '../package.json';

/**
 * The version of `@glossa/model-core` (written into every bundle's manifest as `createdBy.version`).
 * Read from package.json at build time, so it follows changesets' version bumps.
 *
 * @example
 * ```ts
 * console.log(MODEL_CORE_VERSION); // e.g. "0.1.0"
 * ```
 */
export const MODEL_CORE_VERSION: string = version;
