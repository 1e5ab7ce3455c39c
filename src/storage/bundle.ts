/**
 * @module viborm/migrations/storage/bundle: a read-only storage driver over migration files that a
 * bundler inlined into the code, for a Worker that applies migrations without any file system.
 */
import { InvalidArgumentError, StorageReadOnlyError } from "../errors.js";
import { assertKey, assertPrefix, sortKeys } from "./keys.js";
import type { MigrationStorageDriver } from "./types.js";

export type { MigrationStorageDriver } from "./types.js";

/**
 * A read-only storage driver over `files`, an object from storage key to file text (such as
 * `{ "20261126184000_add-users/up.sql": "CREATE TABLE …" }`). The object is copied, so later changes
 * to it are not seen.
 *
 * `get` and `list` read the copy; `put` and `delete` throw `STORAGE_READ_ONLY`, so a `generate` or
 * a cleanup aimed at a bundle fails loudly instead of losing its files. Every key is checked as
 * the other drivers check theirs (`INVALID_STORAGE_KEY`), and every value must be a string
 * (`INVALID_ARGUMENT`).
 *
 * @example
 * import { createBundleStorageDriver } from "viborm/migrations/storage/bundle";
 * import up from "../migrations/20261126184000_add-users/up.sql"; // text modules (a wrangler "Text" rule)
 * import down from "../migrations/20261126184000_add-users/down.sql";
 *
 * const storageDriver = createBundleStorageDriver({
 *   "20261126184000_add-users/up.sql": up,
 *   "20261126184000_add-users/down.sql": down,
 * });
 */
export function createBundleStorageDriver(files: Readonly<Record<string, string>>): MigrationStorageDriver {
  const contents = copyFiles(files);
  const sortedKeys = sortKeys([...contents.keys()]);

  return {
    async get(key) {
      assertKey(key);
      return contents.get(key) ?? null;
    },
    async put(key) {
      assertKey(key);
      throw readOnly(key, "put");
    },
    async delete(key) {
      assertKey(key);
      throw readOnly(key, "delete");
    },
    async list(prefix = "") {
      assertPrefix(prefix);
      return sortedKeys.filter((key) => key.startsWith(prefix));
    },
  };
}

// internal

function copyFiles(files: Readonly<Record<string, string>>): Map<string, string> {
  if (typeof files !== "object" || files === null || Array.isArray(files)) {
    throw new InvalidArgumentError("createBundleStorageDriver expects an object from storage key to file text.", {
      argument: "files",
    });
  }
  const contents = new Map<string, string>();
  for (const [key, value] of Object.entries(files)) {
    assertKey(key);
    if (typeof value !== "string") {
      throw new InvalidArgumentError(
        `Bundled file ${JSON.stringify(key)} is not text (got ${typeof value}); import it as a string (a text module or "?raw").`,
        { argument: `files[${JSON.stringify(key)}]`, value: typeof value },
      );
    }
    contents.set(key, value);
  }
  return contents;
}

function readOnly(key: string, operation: "put" | "delete"): StorageReadOnlyError {
  return new StorageReadOnlyError(
    `Cannot ${operation} ${JSON.stringify(key)}: the bundle storage driver is read-only; write migrations with the fs or unstorage driver and bundle them again.`,
    { key, operation },
  );
}
