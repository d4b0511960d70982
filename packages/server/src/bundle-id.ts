import { createHash } from 'node:crypto';

/**
 * A short content id of a bundle: sha256 over every file name and its bytes (sorted by name), first
 * 16 hex digits, prefixed `sha256-`. Two bundles with the same id hold the same model.
 *
 * @param files - File name → bytes, as `readBundleFiles` returns them.
 * @returns E.g. `sha256-3f2a9c0d1e4b5a67`.
 * @throws Never.
 * @example
 * ```ts
 * bundleId({ 'manifest.json': new TextEncoder().encode('{}') });
 * ```
 */
export function bundleId(files: Readonly<Record<string, Uint8Array>>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort()) {
    hash.update(name);
    hash.update('\0');
    hash.update(files[name] as Uint8Array);
    hash.update('\0');
  }
  return `sha256-${hash.digest('hex').slice(0, 16)}`;
}
