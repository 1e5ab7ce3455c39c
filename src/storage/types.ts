/**
 * The storage seam: text files by relative, `/`-separated key. Migrations live as `<id>/up.sql`,
 * `<id>/down.sql` and `<id>/migration.json` at the storage root.
 */
export interface MigrationStorageDriver {
  /** The file's text, or `null` when there is none. */
  get(key: string): Promise<string | null>;
  /** Writes (or overwrites) the file. A read-only driver throws `STORAGE_READ_ONLY`. */
  put(key: string, value: string): Promise<void>;
  /** Removes the file; removing a missing file is not an error. A read-only driver throws `STORAGE_READ_ONLY`. */
  delete(key: string): Promise<void>;
  /** Every key under `prefix` (all keys when omitted), sorted. */
  list(prefix?: string): Promise<string[]>;
}
