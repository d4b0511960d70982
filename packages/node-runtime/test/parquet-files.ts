import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { type ColumnSource, type ParquetWriteOptions, parquetWriteFile } from 'hyparquet-writer';

/** Codecs the test files are written with. */
export type TestCodec = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'ZSTD' | 'BROTLI';

/** Whether Debian's `zstd` command is installed (for really compressed zstd pages; else raw zstd blocks). */
export const HAS_ZSTD_COMMAND = ['/usr/bin/zstd', '/usr/local/bin/zstd'].some((path) => existsSync(path));

/**
 * Zstandard frames of raw (stored) blocks: valid zstd that every decoder reads, written without a zstd
 * compressor (Node 20 has none). Frame: magic, a single-segment header with a 4-byte content size, blocks
 * of at most 128 KiB.
 */
export function zstdRawFrame(input: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(input.length / 131_072));
  const out = new Uint8Array(4 + 1 + 4 + blocks * 3 + input.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xfd2fb528, true);
  out[4] = 0xa0; // 4-byte frame content size, single segment
  view.setUint32(5, input.length, true);
  let at = 9;
  for (let b = 0; b < blocks; b++) {
    const chunk = input.subarray(b * 131_072, (b + 1) * 131_072);
    const header = (b === blocks - 1 ? 1 : 0) | (chunk.length << 3); // raw block
    out[at] = header & 0xff;
    out[at + 1] = (header >> 8) & 0xff;
    out[at + 2] = (header >> 16) & 0xff;
    out.set(chunk, at + 3);
    at += 3 + chunk.length;
  }
  return out;
}

/** Real zstd compression through the `zstd` command (see {@link HAS_ZSTD_COMMAND}). */
export function zstdCommand(input: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync('zstd', ['-q', '-c', '-3'], { input }));
}

/** Compressors for hyparquet-writer: gzip and brotli from Node's zlib, zstd as {@link zstdRawFrame} unless `realZstd`. */
export function testCompressors(realZstd = false): NonNullable<ParquetWriteOptions['compressors']> {
  return {
    GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)),
    BROTLI: (input: Uint8Array) => new Uint8Array(brotliCompressSync(input)),
    ZSTD: realZstd ? zstdCommand : zstdRawFrame,
  };
}

/** Options of {@link writeParquetFile}. */
export interface TestParquetOptions {
  codec?: TestCodec;
  /** Rows per row group (default: hyparquet-writer's 1000 then 100,000). */
  rowGroupSize?: number | number[];
  /** Target page size in bytes. */
  pageSize?: number;
  /** Write offset indexes (default true, as hyparquet-writer; Spark before 3 and pyarrow by default write none). */
  offsetIndex?: boolean;
  /** Compress zstd pages with the `zstd` command. */
  realZstd?: boolean;
  /** An explicit schema (root first), for types the column list cannot say. */
  schema?: ParquetWriteOptions['schema'];
}

/**
 * Writes a Parquet file with hyparquet-writer, for tests.
 *
 * @param path - Where.
 * @param columns - `{ name, data, type? }` per column (`type`: STRING, INT32, INT64, DOUBLE, BOOLEAN, TIMESTAMP, JSON…).
 * @param options - Codec, row-group and page sizes, offset indexes.
 */
export function writeParquetFile(path: string, columns: readonly ColumnSource[], options: TestParquetOptions = {}): void {
  const offsetIndex = options.offsetIndex ?? true;
  parquetWriteFile({
    filename: path,
    columnData: columns.map((column) => ({ ...column, offsetIndex })),
    codec: options.codec ?? 'SNAPPY',
    compressors: testCompressors(options.realZstd === true),
    ...(options.rowGroupSize === undefined ? {} : { rowGroupSize: options.rowGroupSize }),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.schema === undefined ? {} : { schema: options.schema }),
  });
}

/**
 * Reads a whole (small) Parquet file with hyparquet, for checking what was written: the rows as objects,
 * each top-level column's physical type, and the row-group sizes.
 */
export async function readParquetFile(path: string): Promise<{ rows: Array<Record<string, unknown>>; types: Record<string, string>; rowGroups: number[] }> {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const types = Object.fromEntries(parquetSchema(metadata).children.map(({ element }) => [element.name, element.type ?? 'GROUP']));
  return { rows: await parquetReadObjects({ file, metadata }), types, rowGroups: metadata.row_groups.map((group) => Number(group.num_rows)) };
}
