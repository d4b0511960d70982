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
 * The CLI's own version, read from its package.json.
 *
 * @returns A semver string.
 * @example
 * ```ts
 * cliVersion(); // '0.1.0'
 * ```
 */
export function cliVersion(): string {
  // dist/*.js and src/*.ts sit one level below package.json; src/internal/*.ts two levels.
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: unknown; version?: unknown };
      if (pkg.name === '@glossa/cli' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}
