/**
 * A model bundle as a set of named files: file name → bytes. Names are flat (no directories). The same
 * shape is produced and consumed by `@glossa/model-core`.
 *
 * @example
 * ```ts
 * const files: BundleFiles = { 'manifest.json': new TextEncoder().encode('{}') };
 * ```
 */
export type BundleFiles = Record<string, Uint8Array>;

/**
 * A small key → bytes storage. Implementations: {@link createFileStore} here, IndexedDB in
 * `@glossa/web-runtime`. Every implementation passes the same contract test suite
 * (`test/store-contract.ts`).
 *
 * @example
 * ```ts
 * const store: BundleStore = createFileStore('./models');
 * await store.write('sentiment.bundle', bytes);
 * ```
 */
export interface BundleStore {
  /** The bytes stored under `key`, or `undefined` if there are none. */
  read(key: string): Promise<Uint8Array | undefined>;
  /** Stores `bytes` under `key`, replacing any previous value atomically. */
  write(key: string, bytes: Uint8Array): Promise<void>;
  /** Every key, sorted. */
  list(): Promise<string[]>;
  /** Deletes `key`; does nothing if it does not exist. */
  remove(key: string): Promise<void>;
}
