/**
 * A small key → bytes storage, where a runtime keeps bundles. model-core only names the contract (it does no
 * I/O itself); the implementations are `createFileStore` in `@glossa/node-runtime` (one file per key,
 * atomic writes) and `createIndexedDbStore` in `@glossa/web-runtime`, and both pass the same contract test
 * suite (`packages/node-runtime/test/store-contract.ts`).
 *
 * @example
 * ```ts
 * const store: BundleStore = createFileStore('./models'); // or createIndexedDbStore() in a page
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
