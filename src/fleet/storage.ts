/**
 * The shared migration set, read once per fleet call: every tenant reads the same files, so the
 * listing and each file are fetched once and shared (one KV or R2 read per file, not one per
 * tenant). Writes pass through and drop what was cached.
 */
import type { MigrationStorageDriver } from "../storage/types.js";

/**
 * A read-through view of `storage` for the length of one fleet call.
 *
 * @example const shared = memoizeStorage(storageDriver); await loadMigrations(shared);
 */
export function memoizeStorage(storage: MigrationStorageDriver): MigrationStorageDriver {
  const files = new Map<string, Promise<string | null>>();
  const listings = new Map<string, Promise<string[]>>();
  const remember = <T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key);
    if (!hit) {
      hit = read();
      cache.set(key, hit);
      // A failed read is not cached: the next tenant asks the storage again.
      hit.catch(() => cache.delete(key));
    }
    return hit;
  };
  const forget = () => {
    files.clear();
    listings.clear();
  };
  return {
    get: (key) => remember(files, key, () => storage.get(key)),
    list: (prefix) => remember(listings, prefix ?? "", () => storage.list(prefix)),
    async put(key, value) {
      forget();
      await storage.put(key, value);
    },
    async delete(key) {
      forget();
      await storage.delete(key);
    },
  };
}
