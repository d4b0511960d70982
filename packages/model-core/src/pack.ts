import { unzipSync, zipSync } from 'fflate';
import type { BundleFiles } from './bundle.js';
import { BundleError } from './errors.js';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const MAX_PACKED_FILES = 64;
/** Largest uncompressed entry accepted (a bundle's weights are at most 1 GiB). */
const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;
/** Largest total uncompressed size accepted. */
const MAX_TOTAL_BYTES = 1024 * 1024 * 1024 + 64 * 1024 * 1024;
const SAFE_ENTRY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Why an archive entry is refused before it is decompressed, or undefined when it may be read. */
function refuseEntry(name: string, originalSize: number, compression: number): string | undefined {
  if (!SAFE_ENTRY_NAME.test(name)) {
    const why = name.includes('..')
      ? 'it leaves the bundle ("..")'
      : name.startsWith('/') || /^[A-Za-z]:/.test(name)
        ? 'it is an absolute path'
        : name.includes('/') || name.includes('\\')
          ? 'it is in a sub-directory'
          : 'it is not a plain file name';
    return `unsafe entry name ${JSON.stringify(name.slice(0, 200))}: ${why}`;
  }
  if (compression !== 0 && compression !== 8) return `entry ${name}: unsupported compression method ${compression}`;
  if (!Number.isFinite(originalSize) || originalSize < 0 || originalSize > MAX_ENTRY_BYTES) {
    return `entry ${name}: declares ${originalSize} bytes uncompressed, over the ${MAX_ENTRY_BYTES}-byte limit (a zip bomb or a damaged archive)`;
  }
  return undefined;
}

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
    throw new BundleError('BUNDLE_CORRUPT', 'Bundle: the file is not a packed Glossa bundle (no ZIP header). Pass a .glossa file or a bundle directory.', [
      'not a zip archive',
    ]);
  }
  // Every entry is judged from the central directory BEFORE it is decompressed: names (no "..", no
  // absolute paths, no directories), count, and declared sizes (zip bombs), so a hostile archive never
  // makes us allocate more than the limits.
  const problems: string[] = [];
  let count = 0;
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: ({ name, originalSize, compression }) => {
        if (++count > MAX_PACKED_FILES)
          throw new BundleError('BUNDLE_CORRUPT', `Bundle: the archive holds more than ${MAX_PACKED_FILES} entries; a bundle has a handful.`, [
            'too many entries',
          ]);
        const refused = refuseEntry(name, originalSize, compression);
        if (refused !== undefined) {
          problems.push(refused);
          return false;
        }
        total += originalSize;
        if (total > MAX_TOTAL_BYTES)
          throw new BundleError(
            'BUNDLE_CORRUPT',
            `Bundle: the archive's entries add up to more than ${MAX_TOTAL_BYTES} bytes uncompressed (a zip bomb or a damaged archive).`,
            ['total size over the limit'],
          );
        return problems.length === 0;
      },
    });
  } catch (cause) {
    if (cause instanceof BundleError) throw cause;
    throw new BundleError(
      'BUNDLE_CORRUPT',
      `Bundle: the archive cannot be read (${(cause as Error).message}). It is truncated or damaged; download or save it again.`,
      ['unreadable archive'],
      { cause },
    );
  }
  if (problems.length > 0) {
    throw new BundleError(
      'BUNDLE_CORRUPT',
      `Bundle: the archive has entries a bundle never holds (${problems.slice(0, 3).join('; ')}). Bundles hold plain file names only; re-save the bundle.`,
      problems,
    );
  }
  const files: BundleFiles = {};
  for (const [name, data] of Object.entries(entries)) files[name] = data;
  return files;
}
