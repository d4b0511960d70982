import type { BundleStore } from '@glossa/model-core';
import { WebRuntimeError } from './errors.js';
import { assertSafeKey } from './internal/safe-key.js';

/** Options of {@link createIndexedDbStore}. */
export interface IndexedDbStoreOptions {
  /** Name of the IndexedDB database. Default `'glossa'`. */
  dbName?: string;
  /** The IndexedDB factory. Default `globalThis.indexedDB` (pass `fake-indexeddb`'s in Node tests). */
  indexedDB?: IDBFactory;
}

const OBJECT_STORE = 'bundles';

function storageError(what: string, dbName: string, error: unknown): WebRuntimeError {
  if (error instanceof WebRuntimeError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const fix = /Quota/i.test(detail)
    ? 'Free space (delete stored bundles) or ask the browser for persistent storage (navigator.storage.persist()).'
    : 'Check that storage is allowed for this site (private windows may forbid IndexedDB).';
  return new WebRuntimeError('STORAGE', `createIndexedDbStore: ${what} in database "${dbName}" failed (${detail}). ${fix}`, { cause: error });
}

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function completed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error('transaction aborted'));
  });
}

/**
 * A {@link BundleStore} in IndexedDB: one database (`dbName`) with one object store, values kept as
 * `ArrayBuffer`s. The same contract as node-runtime's file store: keys are flat safe names (letters, digits,
 * `_`, `-`, `.`), a write replaces the value atomically (one IndexedDB transaction, resolved on commit),
 * reads return fresh copies. The connection is opened on first use and closed when another tab deletes or
 * upgrades the database.
 *
 * @param options - Database name and IndexedDB factory.
 * @returns The store.
 * @throws {@link WebRuntimeError} from its methods: `INVALID_KEY` for an unsafe key, `STORAGE` when
 *   IndexedDB is missing or fails (quota, private mode).
 * @example
 * ```ts
 * const store = createIndexedDbStore({ dbName: 'my-app' });
 * await saveBundleToStore(classifier, store, 'sentiment.glossa');
 * console.log(await store.list()); // ['sentiment.glossa']
 * ```
 */
export function createIndexedDbStore(options: IndexedDbStoreOptions = {}): BundleStore {
  const dbName = options.dbName ?? 'glossa';
  let opening: Promise<IDBDatabase> | undefined;

  function open(): Promise<IDBDatabase> {
    opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
      if (factory === undefined) {
        reject(
          new WebRuntimeError(
            'STORAGE',
            `createIndexedDbStore: IndexedDB is not available here. Pass options.indexedDB (e.g. from fake-indexeddb outside browsers).`,
          ),
        );
        return;
      }
      const request = factory.open(dbName, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(OBJECT_STORE)) request.result.createObjectStore(OBJECT_STORE);
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => {
          db.close();
          opening = undefined;
        };
        db.onclose = () => {
          opening = undefined;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('another tab holds an older version of the database open'));
    }).catch((error: unknown) => {
      opening = undefined;
      throw storageError('opening', dbName, error);
    });
    return opening;
  }

  async function run<T>(what: string, mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await open();
    try {
      const transaction = db.transaction(OBJECT_STORE, mode);
      const done = completed(transaction);
      const result = promised(body(transaction.objectStore(OBJECT_STORE)));
      const [value] = await Promise.all([result, done]);
      return value;
    } catch (error) {
      throw storageError(what, dbName, error);
    }
  }

  return {
    async read(key) {
      assertSafeKey(key, 'createIndexedDbStore.read');
      const value: unknown = await run(`reading "${key}"`, 'readonly', (store) => store.get(key));
      if (value === undefined) return undefined;
      if (value instanceof ArrayBuffer) return new Uint8Array(value);
      if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
      throw new WebRuntimeError(
        'STORAGE',
        `createIndexedDbStore.read: the value under "${key}" in "${dbName}" is not bytes (${typeof value}). Remove it and save again.`,
      );
    },
    async write(key, bytes) {
      assertSafeKey(key, 'createIndexedDbStore.write');
      if (!(bytes instanceof Uint8Array)) {
        throw new WebRuntimeError('STORAGE', `createIndexedDbStore.write: value for "${key}" must be a Uint8Array (got ${typeof bytes}).`);
      }
      // A copy of exactly the viewed bytes: cloning a view would store its whole backing buffer.
      const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      await run(`writing "${key}"`, 'readwrite', (store) => store.put(copy, key));
    },
    async list() {
      const keys = await run('listing keys', 'readonly', (store) => store.getAllKeys());
      return keys.filter((key): key is string => typeof key === 'string').sort();
    },
    async remove(key) {
      assertSafeKey(key, 'createIndexedDbStore.remove');
      await run(`removing "${key}"`, 'readwrite', (store) => store.delete(key));
    },
  };
}
