/**
 * @module viborm/migrations/storage/fs: migration files in a folder on disk (Node only; the edge
 * entries use the unstorage or bundle drivers instead).
 */
import { randomUUID } from "node:crypto";
import type { Dirent } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidArgumentError, StorageFailedError } from "../errors.js";
import { assertKey, assertPrefix, isValidKey, sortKeys } from "./keys.js";
import type { MigrationStorageDriver } from "./types.js";

export type { MigrationStorageDriver } from "./types.js";

/**
 * A storage driver over the folder `dir` (a path, resolved against the current directory now, or a
 * `file:` URL): the key `<id>/up.sql` is the file `dir/<id>/up.sql`.
 *
 * - Text is written and read as UTF-8, byte for byte: no newline conversion, a BOM is kept.
 * - `put` creates missing folders and writes through a temporary file renamed into place, so a
 *   reader (or a crash) never sees half a file.
 * - `delete` removes the folders it leaves empty, up to (not including) `dir`.
 * - `list` walks `dir` recursively and returns sorted `/`-separated keys; a missing `dir` is
 *   empty. It skips names that are not valid keys, the temporary files of unfinished writes
 *   (`*.viborm-tmp`), and symbolic links to folders.
 *
 * File-system errors other than a missing file are thrown as `STORAGE_FAILED` with the original
 * error as `cause`.
 *
 * @example
 * import { createFsStorageDriver } from "viborm/migrations/storage/fs";
 * const storageDriver = createFsStorageDriver("./migrations");
 * await storageDriver.put("20261126184000_add-users/up.sql", "CREATE TABLE users (id text);\n");
 * await storageDriver.list(); // → ["20261126184000_add-users/up.sql"]
 */
export function createFsStorageDriver(dir: string | URL): MigrationStorageDriver {
  if (dir instanceof URL ? dir.protocol !== "file:" : typeof dir !== "string" || dir === "") {
    throw new InvalidArgumentError(
      `createFsStorageDriver takes the migrations folder as a path or a file: URL; it was given ${dir instanceof URL ? `a ${dir.protocol} URL` : dir === "" ? "an empty path" : dir === null ? "null" : `a ${typeof dir}`}.`,
      { argument: "dir", value: dir },
    );
  }
  const root = resolve(typeof dir === "string" ? dir : fileURLToPath(dir));
  const pathOf = (key: string) => join(root, ...key.split("/"));

  return {
    async get(key) {
      assertKey(key);
      try {
        return await readFile(pathOf(key), "utf8");
      } catch (error) {
        if (isMissing(error) || errorCode(error) === "EISDIR") return null;
        throw failed(root, key, "get", error);
      }
    },
    async put(key, value) {
      assertKey(key);
      try {
        await writeAtomically(pathOf(key), value);
      } catch (error) {
        throw failed(root, key, "put", error);
      }
    },
    async delete(key) {
      assertKey(key);
      const path = pathOf(key);
      try {
        await unlink(path);
      } catch (error) {
        if (isMissing(error) || (await isDirectory(path))) return;
        throw failed(root, key, "delete", error);
      }
      await removeEmptyFolders(root, dirname(path));
    },
    async list(prefix = "") {
      assertPrefix(prefix);
      try {
        const keys = await walk(prefix ? pathOf(prefix.slice(0, -1)) : root, prefix, !prefix);
        return sortKeys(keys.filter(isValidKey));
      } catch (error) {
        throw failed(root, prefix, "list", error);
      }
    },
  };
}

// internal

/** The suffix of in-flight temporary files, which `list` never reports. */
const TEMP_SUFFIX = ".viborm-tmp";

async function writeAtomically(path: string, value: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID()}${TEMP_SUFFIX}`);
  // A concurrent `delete` may remove the folder between `mkdir` and the write (it prunes empty
  // folders), so a vanished folder is created again a few times before giving up.
  for (let attempt = 1; ; attempt++) {
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temp, value, { encoding: "utf8", flag: "wx" });
      break;
    } catch (error) {
      if (errorCode(error) !== "ENOENT" || attempt >= 3) throw error;
    }
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Removes `folder` and its parents while they are empty, stopping at `root`. */
async function removeEmptyFolders(root: string, folder: string): Promise<void> {
  let current = folder;
  while (current !== root && current.startsWith(root + sep)) {
    try {
      await rmdir(current);
    } catch {
      // Not empty (the usual case), already gone, or not ours to remove: the file itself is
      // deleted, and an empty folder left behind is harmless.
      return;
    }
    current = dirname(current);
  }
}

/**
 * The keys under `folder`. A folder not made yet holds none; but a migrations folder that is a file
 * (`isRoot`) is a mistake to report, not a project without migrations.
 */
async function walk(folder: string, keyPrefix: string, isRoot = false): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error) && !(isRoot && errorCode(error) === "ENOTDIR")) return [];
    throw error;
  }
  const nested = await Promise.all(
    entries.map(async (entry): Promise<string[]> => {
      const key = `${keyPrefix}${entry.name}`;
      if (entry.isDirectory()) return walk(join(folder, entry.name), `${key}/`);
      if (entry.name.endsWith(TEMP_SUFFIX)) return [];
      if (entry.isFile()) return [key];
      // A symbolic link counts when it points at a file; links to folders are not followed, so
      // a link cycle cannot make `list` loop.
      if (entry.isSymbolicLink() && (await isFile(join(folder, entry.name)))) return [key];
      return [];
    }),
  );
  return nested.flat();
}

function failed(root: string, key: string, operation: "get" | "put" | "delete" | "list", error: unknown) {
  const verb = { get: "read", put: "write", delete: "delete", list: "list" }[operation];
  const reason = error instanceof Error ? error.message : String(error);
  return new StorageFailedError(
    `Could not ${verb} ${JSON.stringify(key)} in the migrations folder ${root}: ${reason}`,
    { key, operation, driver: "fs" },
    { cause: error },
  );
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

/** A missing file, or a path through something that is not a folder. */
function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === "ENOENT" || code === "ENOTDIR";
}

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}
