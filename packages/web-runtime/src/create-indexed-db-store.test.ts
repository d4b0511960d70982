import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { runBundleStoreContract } from '../../node-runtime/test/store-contract.js';
import { createIndexedDbStore } from './create-indexed-db-store.js';
import { WebRuntimeError } from './errors.js';

// The shared contract suite (the one node-runtime's file store passes), on fake-indexeddb: a complete
// IndexedDB implementation in memory. A fresh factory per test means a fresh, empty database.
runBundleStoreContract('createIndexedDbStore (fake-indexeddb)', () => createIndexedDbStore({ indexedDB: new IDBFactory() }), {
  invalidKeys: ['', '../escape', 'a/b', '/etc/passwd', 'a\\b', '.hidden', 'with space', 'C:evil', 'x'.repeat(256)],
});

describe('createIndexedDbStore', () => {
  it('keeps values across store instances on the same database and separates databases', async () => {
    const indexedDB = new IDBFactory();
    await createIndexedDbStore({ indexedDB, dbName: 'one' }).write('model.glossa', new Uint8Array([1, 2, 3]));
    expect(await createIndexedDbStore({ indexedDB, dbName: 'one' }).read('model.glossa')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await createIndexedDbStore({ indexedDB, dbName: 'two' }).list()).toEqual([]);
  });

  it('stores only the viewed bytes of a subarray', async () => {
    const store = createIndexedDbStore({ indexedDB: new IDBFactory() });
    const backing = new Uint8Array([9, 9, 1, 2, 9]);
    await store.write('k', backing.subarray(2, 4));
    const read = await store.read('k');
    expect(read).toEqual(new Uint8Array([1, 2]));
    expect(read?.buffer.byteLength).toBe(2);
  });

  it('lets another connection delete the database and reopens on next use', async () => {
    const indexedDB = new IDBFactory();
    const store = createIndexedDbStore({ indexedDB, dbName: 'gone' });
    await store.write('a', new Uint8Array([1]));
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase('gone');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('blocked: the store did not close its connection'));
    });
    expect(await store.list()).toEqual([]);
    await store.write('b', new Uint8Array([2]));
    expect(await store.list()).toEqual(['b']);
  });

  it('rejects an unsafe key with INVALID_KEY and explains why', async () => {
    const store = createIndexedDbStore({ indexedDB: new IDBFactory() });
    const error = await store.write('../x', new Uint8Array([1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebRuntimeError);
    expect(error).toMatchObject({ code: 'INVALID_KEY', message: expect.stringMatching(/createIndexedDbStore\.write: the key "\.\.\/x".*path separator/) });
  });

  it('fails with STORAGE when IndexedDB is missing', async () => {
    const store = createIndexedDbStore();
    await expect(store.list()).rejects.toMatchObject({
      name: 'WebRuntimeError',
      code: 'STORAGE',
      message: expect.stringMatching(/IndexedDB is not available/),
    });
  });
});
