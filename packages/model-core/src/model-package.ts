/**
 * Model packages: npm packages that carry a trained bundle, such as `@glossa/model-sentiment-en`. Their
 * `package.json` names the bundle file in `"glossa": { "bundle": "model.glossa" }`. Shared by the Node
 * loader (which finds installed packages) and the browser loader (which fetches them from a CDN).
 */

/** `name`, `@scope/name`, optionally `@version` (a version, range or tag), as npm allows names. */
const SPEC = /^((?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*)(?:@([^/@\s]+))?$/;

/** A model package reference. */
export interface ModelPackageSpec {
  /** The package name, e.g. `@glossa/model-sentiment-en`. */
  name: string;
  /** A version, range or dist-tag after `@`, if given. */
  version?: string;
}

/**
 * Reads a bundle argument as a model package reference, if it can be one: `name` or `@scope/name`,
 * optionally `@version`, not ending in `.glossa`. Loaders try it as a package only when it is not a path
 * (Node) or URL (browser) that exists.
 *
 * @param spec - What the user gave.
 * @returns The reference, or undefined when it cannot be a package name.
 * @example
 * ```ts
 * parseModelPackageSpec('@glossa/model-sentiment-en@0.1.0'); // { name: '@glossa/model-sentiment-en', version: '0.1.0' }
 * parseModelPackageSpec('./model.glossa');                   // undefined
 * ```
 */
export function parseModelPackageSpec(spec: string): ModelPackageSpec | undefined {
  if (spec.endsWith('.glossa')) return undefined;
  const match = SPEC.exec(spec);
  if (match === null) return undefined;
  return match[2] === undefined ? { name: match[1]! } : { name: match[1]!, version: match[2] };
}

/**
 * The bundle file a model package's `package.json` names.
 *
 * @param manifest - The parsed `package.json`.
 * @param name - The package name, for the message.
 * @returns The bundle's path inside the package (e.g. `model.glossa`).
 * @throws Error naming the package when it is not a Glossa model package.
 * @example
 * ```ts
 * modelPackageBundle({ name: 'x', glossa: { bundle: 'model.glossa' } }, 'x'); // 'model.glossa'
 * ```
 */
export function modelPackageBundle(manifest: unknown, name: string): string {
  const bundle = (manifest as { glossa?: { bundle?: unknown } } | null)?.glossa?.bundle;
  if (typeof bundle !== 'string' || bundle === '' || bundle.startsWith('/') || bundle.split(/[\\/]/).includes('..')) {
    throw new Error(`${name} is not a Glossa model package: its package.json has no "glossa": { "bundle": "<file>" }`);
  }
  return bundle;
}
