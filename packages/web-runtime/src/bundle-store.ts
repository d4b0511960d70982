/**
 * A small key → bytes storage, structurally identical to `BundleStore` in `@glossa/node-runtime` (whose
 * file store and this package's IndexedDB store pass the same contract test suite).
 *
 * @example
 * ```ts
 * const store: BundleStore = createIndexedDbStore();
 * await store.write('sentiment.glossa', bytes);
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
