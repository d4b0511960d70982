declare const __GLOSSA_VERSION__: string | undefined;

/**
 * The version of `@glossa/model-core` (written into every bundle's manifest as `createdBy.version`).
 *
 * @example
 * ```ts
 * console.log(MODEL_CORE_VERSION); // e.g. "0.1.0"
 * ```
 */
export const MODEL_CORE_VERSION: string = typeof __GLOSSA_VERSION__ === 'string' ? __GLOSSA_VERSION__ : '0.0.0-dev';
