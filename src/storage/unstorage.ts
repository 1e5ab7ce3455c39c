/**
 * @module viborm/migrations/storage/unstorage: migration files in any unstorage instance (memory,
 * fs, Cloudflare KV and R2, Redis, S3…), so a Worker can read them from KV or R2.
 */
import { InvalidArgumentError, StorageFailedError, StorageReadOnlyError } from "../errors.js";
import { assertKey, assertPrefix, isValidKey, sortKeys } from "./keys.js";
import type { MigrationStorageDriver } from "./types.js";

export type { MigrationStorageDriver } from "./types.js";

/**
 * The part of an unstorage `Storage` (from `createStorage()`) this adapter uses, so unstorage is
 * never imported here: any version with these methods fits.
 *
 * @example const storage: UnstorageLike = createStorage({ driver: memoryDriver() });
 */
export interface UnstorageLike {
  getItemRaw(key: string): Promise<unknown>;
  setItemRaw(key: string, value: string | Uint8Array): Promise<void>;
  removeItem(key: string): Promise<void>;
  getKeys(base?: string): Promise<string[]>;
  /** Used, when present, to refuse writes that the mounted driver would silently drop. */
  getMount?(key: string): { driver: UnstorageDriverLike };
}

/**
 * What the adapter reads from a mounted unstorage driver to tell whether it can write.
 *
 * @example const { driver }: { driver: UnstorageDriverLike } = storage.getMount("migrations");
 */
export interface UnstorageDriverLike {
  options?: unknown;
  setItem?: unknown;
  setItemRaw?: unknown;
  removeItem?: unknown;
}

/**
 * Options of {@link createUnstorageDriver}.
 *
 * @example const options: UnstorageDriverOptions = { base: "migrations" };
 */
export interface UnstorageDriverOptions {
  /**
   * A key prefix that holds the migrations, `/`- or `:`-separated: with `"migrations"`, the file
   * `<id>/up.sql` is the unstorage key `migrations:<id>:up.sql`, and keys outside it are not seen.
   * @default "" (the storage root)
   */
  base?: string;
}

/**
 * A storage driver over an unstorage instance. Our `/` keys are unstorage's `:` keys (`<id>/up.sql`
 * ↔ `<id>:up.sql`), under `base` when given.
 *
 * - Files are read with `getItemRaw` and decoded as UTF-8 (strings, bytes, `ArrayBuffer`, `Blob`
 *   and streams, as R2 returns them), never with `getItem`, whose JSON parsing would turn a JSON
 *   file into an object and change its checksum.
 * - Files are written with `setItemRaw`, as text, so KV or Redis hold readable SQL.
 * - A mount that would silently ignore a write (unstorage's fs driver with `readOnly: true`, or a
 *   driver without `setItem`/`removeItem`) makes `put`/`delete` throw `STORAGE_READ_ONLY`.
 * - Errors of the underlying storage are thrown as `STORAGE_FAILED` with the original as `cause`.
 * - `clear()` is never called: it would remove what else lives in the storage.
 *
 * Caveat (unstorage 1.17): its `cloudflare-r2-binding` driver lists one R2 page, at most 1,000
 * keys, so keep fewer than about 330 migrations in one R2 base.
 *
 * @example
 * import { createStorage } from "unstorage";
 * import kvBinding from "unstorage/drivers/cloudflare-kv-binding";
 * import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
 *
 * const storage = createStorage({ driver: kvBinding({ binding: env.MIGRATIONS }) });
 * const storageDriver = createUnstorageDriver(storage, { base: "migrations" });
 */
export function createUnstorageDriver(
  storage: UnstorageLike,
  options: UnstorageDriverOptions = {},
): MigrationStorageDriver {
  assertStorage(storage);
  const base = normalizeBase(options.base ?? "");
  const toStorage = (key: string) => base + key.replaceAll("/", ":");

  return {
    async get(key) {
      assertKey(key);
      const value = await attempt(key, "get", () => storage.getItemRaw(toStorage(key)));
      return attempt(key, "get", () => decodeText(value));
    },
    async put(key, value) {
      assertKey(key);
      assertWritable(storage, toStorage(key), key, "put");
      // Without raw support a driver stores text through `setItem`, and unstorage reads any text
      // starting with "base64:" back as base64 bytes; written as bytes, such text is encoded on
      // the way in and decoded on the way out instead, so it survives unchanged.
      const raw = value.startsWith(BASE64_PREFIX) ? new TextEncoder().encode(value) : value;
      await attempt(key, "put", () => storage.setItemRaw(toStorage(key), raw));
    },
    async delete(key) {
      assertKey(key);
      assertWritable(storage, toStorage(key), key, "delete");
      await attempt(key, "delete", () => storage.removeItem(toStorage(key)));
    },
    async list(prefix = "") {
      assertPrefix(prefix);
      const storageKeys = await attempt(prefix, "list", () => storage.getKeys(toStorage(prefix)));
      const keys = storageKeys
        .filter((storageKey) => storageKey.startsWith(base))
        .map((storageKey) => storageKey.slice(base.length).replaceAll(":", "/"))
        .filter((key) => key.startsWith(prefix) && isValidKey(key));
      return sortKeys([...new Set(keys)]);
    },
  };
}

// internal

const BASE64_PREFIX = "base64:";

function assertStorage(storage: unknown): void {
  const methods = ["getItemRaw", "setItemRaw", "removeItem", "getKeys"] as const;
  const candidate = (typeof storage === "object" && storage !== null ? storage : {}) as Record<string, unknown>;
  const missing = methods.filter((method) => typeof candidate[method] !== "function");
  if (missing.length > 0) {
    throw new InvalidArgumentError(
      `createUnstorageDriver needs an unstorage Storage (missing ${missing.join(", ")}): pass createStorage({ driver }), not the driver itself.`,
      { argument: "storage" },
    );
  }
}

/** `"migrations/"`, `"migrations"` or `":a:b:"` → `"migrations:"` / `"a:b:"`; `""` stays `""`. */
function normalizeBase(base: string): string {
  if (typeof base !== "string") {
    throw new InvalidArgumentError("The unstorage driver's base must be a string.", { argument: "base", value: base });
  }
  const key = base.replaceAll(":", "/").replace(/^\/+|\/+$/g, "");
  if (key === "") return "";
  assertPrefix(`${key}/`);
  return `${key.replaceAll("/", ":")}:`;
}

function assertWritable(storage: UnstorageLike, storageKey: string, key: string, operation: "put" | "delete"): void {
  const driver = storage.getMount?.(storageKey).driver;
  if (!driver) return;
  const options = driver.options;
  const readOnly = typeof options === "object" && options !== null && "readOnly" in options && !!options.readOnly;
  const canWrite = operation === "put" ? !!(driver.setItem || driver.setItemRaw) : !!driver.removeItem;
  if (readOnly || !canWrite) {
    throw new StorageReadOnlyError(
      `Cannot ${operation} ${JSON.stringify(key)}: the unstorage driver mounted for it is read-only and would ignore the change.`,
      { key, operation },
    );
  }
}

/** A raw unstorage value as text: strings as they are, bytes as UTF-8 (a leading BOM kept). */
async function decodeText(value: unknown): Promise<string | null> {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  // unstorage's fs driver returns (rather than throws) a read error such as ENOTDIR.
  if (value instanceof Error) throw value;
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  if (value instanceof ArrayBuffer) return decoder.decode(value);
  if (ArrayBuffer.isView(value)) return decoder.decode(value);
  if (value instanceof Blob) return decoder.decode(await value.arrayBuffer());
  if (value instanceof ReadableStream) return decoder.decode(await new Response(value).arrayBuffer());
  throw new TypeError(`the stored value is ${describeValue(value)}, not text or bytes`);
}

function describeValue(value: unknown): string {
  if (typeof value !== "object") return `a ${typeof value}`;
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

async function attempt<T>(
  key: string,
  operation: "get" | "put" | "delete" | "list",
  run: () => Promise<T> | T,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StorageFailedError(
      `Could not ${operation} ${JSON.stringify(key)} in unstorage: ${reason}`,
      { key, operation, driver: "unstorage" },
      { cause: error },
    );
  }
}
