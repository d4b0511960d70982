import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Reads the `version` field of a package.json that `require` can resolve from here.
 *
 * @param specifier - e.g. `@glossa/node-runtime/package.json` or a relative path.
 * @returns The version, or undefined when the file is missing or has none.
 * @example
 * ```ts
 * readPackageVersion('../package.json');
 * ```
 */
export function readPackageVersion(specifier: string): string | undefined {
  try {
    const pkg = require(specifier) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The CLI's own version, read from its package.json (one directory above both `src/` and `dist/`).
 *
 * @returns A semver string.
 * @example
 * ```ts
 * cliVersion(); // '0.1.0'
 * ```
 */
export function cliVersion(): string {
  return readPackageVersion('../package.json') ?? '0.0.0';
}
