import { unzipSync, zipSync } from 'fflate';
import type { BundleFiles } from './bundle.js';
import { BundleError } from './errors.js';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const MAX_PACKED_FILES = 64;

/**
 * Packs bundle files into one byte array (the single-file `.glossa` form, a standard ZIP archive), for
 * downloads, uploads and drag-and-drop.
 *
 * @param files - Bundle files.
 * @returns The archive bytes.
 * @example
 * ```ts
 * const bytes = packBundle(await serializeBundle(classifier));
 * ```
 */
export function packBundle(files: BundleFiles): Uint8Array {
  const entries: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [name, bytes] of Object.entries(files)) {
    entries[name] = [bytes, { level: name.endsWith('.json') ? 6 : 0 }];
  }
  // A fixed timestamp keeps the archive bytes a function of the contents alone.
  return zipSync(entries, { mtime: new Date('2000-01-01T00:00:00Z') });
}

/**
 * Whether `bytes` look like a packed bundle (a ZIP archive).
 *
 * @param bytes - File contents.
 * @returns True for the single-file form.
 * @example
 * ```ts
 * if (isPackedBundle(bytes)) files = unpackBundle(bytes);
 * ```
 */
export function isPackedBundle(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Unpacks the single-file form into bundle files. Entries must be plain names (no directories, no `..`).
 *
 * @param bytes - A `.glossa` archive.
 * @returns Bundle files.
 * @throws {@link BundleError} `BUNDLE_CORRUPT` for bytes that are not a readable archive or hold unsafe names.
 * @example
 * ```ts
 * const classifier = await deserializeBundle(unpackBundle(bytes));
 * ```
 */
export function unpackBundle(bytes: Uint8Array): BundleFiles {
  if (!isPackedBundle(bytes)) {
    throw new BundleError('BUNDLE_CORRUPT', 'Bundle: the file is not a packed Glossa bundle (no ZIP header). Pass a .glossa file or a bundle directory.', ['not a zip archive']);
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (cause) {
    throw new BundleError('BUNDLE_CORRUPT', `Bundle: the archive cannot be read (${(cause as Error).message}). It is truncated or damaged; download or save it again.`, ['unreadable archive'], { cause });
  }
  const names = Object.keys(entries);
  if (names.length > MAX_PACKED_FILES) {
    throw new BundleError('BUNDLE_CORRUPT', `Bundle: the archive holds ${names.length} entries; a bundle has a handful.`, ['too many entries']);
  }
  const bad = names.filter((n) => !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(n));
  if (bad.length > 0) {
    throw new BundleError('BUNDLE_CORRUPT', `Bundle: the archive has entries with unsafe names (${bad.slice(0, 3).join(', ')}). Bundles hold plain file names only.`, bad.map((b) => `unsafe entry name: ${b}`));
  }
  return entries;
}
