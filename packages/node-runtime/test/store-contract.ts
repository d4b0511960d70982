import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BundleStore } from '@glossa/model-core';

/**
 * Options for {@link runBundleStoreContract}.
 */
export interface BundleStoreContractOptions {
  /** Keys the store must reject (by throwing from write/read/remove). Default: `''`, `'../escape'`, `'a/b'`. */
  invalidKeys?: readonly string[];
  /** Called after each test, e.g. to delete the store's directory or database. */
  cleanup?: () => Promise<void> | void;
}

/**
 * The behaviour every {@link BundleStore} must have, as a vitest suite. Call it from a test file with a
 * factory returning a fresh, empty store each time; `@glossa/web-runtime` runs it against IndexedDB.
 *
 * @param name - store name shown in the test report
 * @param makeStore - returns a new empty store for each test
 * @param options - see {@link BundleStoreContractOptions}
 * @example
 * ```ts
 * runBundleStoreContract('createFileStore', async () => createFileStore(await mkdtemp(join(tmpdir(), 's-'))));
 * ```
 */
export function runBundleStoreContract(name: string, makeStore: () => BundleStore | Promise<BundleStore>, options: BundleStoreContractOptions = {}): void {
  const invalidKeys = options.invalidKeys ?? ['', '../escape', 'a/b'];
  const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

  describe(`BundleStore contract: ${name}`, () => {
    let store: BundleStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await options.cleanup?.();
    });

    it('reads undefined for a key never written', async () => {
      expect(await store.read('missing.bin')).toBeUndefined();
    });

    it('lists nothing when empty', async () => {
      expect(await store.list()).toEqual([]);
    });

    it('reads back exactly the bytes written', async () => {
      await store.write('manifest.json', bytes(123, 125));
      await store.write('weights.bin', bytes(0, 255, 1, 254));
      expect(await store.read('manifest.json')).toEqual(bytes(123, 125));
      expect(await store.read('weights.bin')).toEqual(bytes(0, 255, 1, 254));
    });

    it('stores an empty value as empty, not as missing', async () => {
      await store.write('empty', new Uint8Array(0));
      expect(await store.read('empty')).toEqual(new Uint8Array(0));
      expect(await store.list()).toEqual(['empty']);
    });

    it('round-trips a large value', async () => {
      const large = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 31) % 251);
      await store.write('large.bin', large);
      const read = await store.read('large.bin');
      expect(read?.length).toBe(large.length);
      // Element-wise toEqual on megabytes is slow; count differences instead.
      let differences = 0;
      for (let i = 0; i < large.length; i++) if (read![i] !== large[i]) differences++;
      expect(differences).toBe(0);
    });

    it('replaces the value on a second write', async () => {
      await store.write('k', bytes(1, 2, 3));
      await store.write('k', bytes(9));
      expect(await store.read('k')).toEqual(bytes(9));
      expect(await store.list()).toEqual(['k']);
    });

    it('lists every key, sorted', async () => {
      for (const key of ['b.json', 'a.bin', 'c_1-2.txt']) await store.write(key, bytes(1));
      expect(await store.list()).toEqual(['a.bin', 'b.json', 'c_1-2.txt']);
    });

    it('removes a key and ignores removing a missing one', async () => {
      await store.write('a', bytes(1));
      await store.write('b', bytes(2));
      await store.remove('a');
      await store.remove('never-written');
      expect(await store.read('a')).toBeUndefined();
      expect(await store.list()).toEqual(['b']);
    });

    it('keeps its own copy of written bytes', async () => {
      const value = bytes(1, 2, 3);
      await store.write('k', value);
      value[0] = 99;
      expect(await store.read('k')).toEqual(bytes(1, 2, 3));
    });

    it('hands out copies that do not alias the stored value', async () => {
      await store.write('k', bytes(1, 2, 3));
      const first = await store.read('k');
      first![0] = 99;
      expect(await store.read('k')).toEqual(bytes(1, 2, 3));
    });

    it('handles concurrent writes to different keys', async () => {
      const keys = Array.from({ length: 20 }, (_, i) => `key-${String(i).padStart(2, '0')}`);
      await Promise.all(keys.map((key, i) => store.write(key, bytes(i))));
      expect(await store.list()).toEqual(keys);
      for (const [i, key] of keys.entries()) expect(await store.read(key)).toEqual(bytes(i));
    });

    it('ends concurrent writes to one key with one complete value', async () => {
      const a = new Uint8Array(256 * 1024).fill(1);
      const b = new Uint8Array(256 * 1024).fill(2);
      await Promise.all([store.write('k', a), store.write('k', b)]);
      const value = await store.read('k');
      expect(value?.length).toBe(a.length);
      expect(value?.every((x) => x === 1) || value?.every((x) => x === 2)).toBe(true);
      expect(await store.list()).toEqual(['k']);
    });

    it.each(invalidKeys)('rejects the invalid key %j', async (key) => {
      await expect(store.write(key, bytes(1))).rejects.toThrow();
      await expect(store.read(key)).rejects.toThrow();
      await expect(store.remove(key)).rejects.toThrow();
      expect(await store.list()).toEqual([]);
    });
  });
}
