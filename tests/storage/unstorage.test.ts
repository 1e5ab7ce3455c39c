import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createStorage, defineDriver } from "unstorage";
import fsDriver from "unstorage/drivers/fs";
import memoryDriver from "unstorage/drivers/memory";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testStorageDriver } from "../conformance/storage-driver.js";

let scratch: string;
let counter = 0;
const freshDir = () => join(scratch, `store-${++counter}`);

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "viborm-unstorage-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** An unstorage driver with no raw methods, as many remote drivers are: unstorage falls back to setItem/getItem. */
const textOnlyDriver = defineDriver(() => {
  const data = new Map<string, string>();
  return {
    name: "text-only",
    hasItem: (key: string) => data.has(key),
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    removeItem: (key: string) => void data.delete(key),
    getKeys: () => [...data.keys()],
  };
});

testStorageDriver("unstorage over memory", {
  create: () => createUnstorageDriver(createStorage({ driver: memoryDriver() })),
});

testStorageDriver("unstorage over memory, under a base", {
  create: () => createUnstorageDriver(createStorage({ driver: memoryDriver() }), { base: "app/migrations" }),
});

testStorageDriver("unstorage over its fs driver", {
  create: () => createUnstorageDriver(createStorage({ driver: fsDriver({ base: freshDir() }) })),
});

testStorageDriver("unstorage over a driver without raw support", {
  create: () => createUnstorageDriver(createStorage({ driver: textOnlyDriver(undefined) })),
});

testStorageDriver("unstorage over a read-only fs driver", {
  readOnly: true,
  create: async (files) => {
    const dir = freshDir();
    for (const [key, value] of Object.entries(files)) {
      await mkdir(dirname(join(dir, key)), { recursive: true });
      await writeFile(join(dir, key), value, "utf8");
    }
    return createUnstorageDriver(createStorage({ driver: fsDriver({ base: dir, readOnly: true }) }));
  },
});

describe("createUnstorageDriver", () => {
  it("maps / keys to : keys under the base, and back", async () => {
    const storage = createStorage({ driver: memoryDriver() });
    const driver = createUnstorageDriver(storage, { base: "migrations" });
    await driver.put("20260101000000_init/up.sql", "SELECT 1;");
    expect(await storage.getKeys()).toEqual(["migrations:20260101000000_init:up.sql"]);
    expect(await storage.getItemRaw("migrations:20260101000000_init:up.sql")).toBe("SELECT 1;");
    expect(await driver.list()).toEqual(["20260101000000_init/up.sql"]);
  });

  it("accepts the base with / or : separators and edge separators", async () => {
    const storage = createStorage({ driver: memoryDriver() });
    await createUnstorageDriver(storage, { base: "a/b" }).put("m/up.sql", "1");
    for (const base of ["a:b", "/a/b/", ":a:b:", "a/b/"]) {
      expect(await createUnstorageDriver(storage, { base }).list(), base).toEqual(["m/up.sql"]);
    }
    expect(await createUnstorageDriver(storage, { base: "" }).list()).toEqual(["a/b/m/up.sql"]);
  });

  it("refuses a driver passed where the storage belongs, or anything else", () => {
    for (const storage of [textOnlyDriver(undefined), null, {}]) {
      expect(() => createUnstorageDriver(storage as never)).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT", meta: { argument: "storage" } }),
      );
    }
  });

  it("refuses an invalid base", () => {
    const storage = createStorage({ driver: memoryDriver() });
    for (const base of ["../up", "a/../b", "a\\b", "a?b"]) {
      expect(() => createUnstorageDriver(storage, { base }), base).toThrow(
        expect.objectContaining({ code: "INVALID_STORAGE_KEY" }),
      );
    }
  });

  it("sees nothing outside its base, and never removes it", async () => {
    const storage = createStorage({ driver: memoryDriver() });
    await storage.setItem("cache:page", "<html>");
    await storage.setItem("migrations-old:m:up.sql", "old");
    await storage.setItem("migrations", "a key equal to the base");
    const driver = createUnstorageDriver(storage, { base: "migrations" });
    await driver.put("m/up.sql", "new");
    expect(await driver.list()).toEqual(["m/up.sql"]);
    await driver.delete("m/up.sql");
    expect((await storage.getKeys()).sort()).toEqual(["cache:page", "migrations", "migrations-old:m:up.sql"]);
  });

  it("reads files written as bytes, ArrayBuffer, Blob or stream, as UTF-8", async () => {
    const storage = createStorage({ driver: memoryDriver() });
    const text = "\uFEFFCREATE TABLE é (x int);\r\n-- 🎉\n";
    const bytes = new TextEncoder().encode(text);
    await storage.setItemRaw("bytes", bytes);
    await storage.setItemRaw("buffer", bytes.slice().buffer);
    await storage.setItemRaw("view", new DataView(bytes.slice().buffer));
    await storage.setItemRaw("blob", new Blob([bytes]));
    await storage.setItemRaw("stream", new Blob([bytes]).stream());
    const driver = createUnstorageDriver(storage);
    for (const key of ["bytes", "buffer", "view", "blob", "stream"]) expect(await driver.get(key), key).toBe(text);
  });

  it("keeps a JSON file a string, where getItem would parse it", async () => {
    const storage = createStorage({ driver: memoryDriver() });
    const driver = createUnstorageDriver(storage);
    const json = '{ "b": 1, "a": [1, 2] }\n';
    await driver.put("m/migration.json", json);
    expect(typeof (await storage.getItem("m:migration.json"))).toBe("object");
    expect(await driver.get("m/migration.json")).toBe(json);
  });

  it("stores text as readable text, even without raw support", async () => {
    const storage = createStorage({ driver: textOnlyDriver(undefined) });
    const driver = createUnstorageDriver(storage);
    await driver.put("m/up.sql", "CREATE TABLE a (x int);\n");
    await driver.put("m/odd.sql", "base64:not really");
    const raw = storage.getMount("").driver.getItem("m:up.sql", {});
    expect(raw).toBe("CREATE TABLE a (x int);\n");
    expect(await driver.get("m/odd.sql")).toBe("base64:not really");
  });

  it("writes through unstorage's fs driver byte for byte", async () => {
    const dir = freshDir();
    const driver = createUnstorageDriver(createStorage({ driver: fsDriver({ base: dir }) }), { base: "migrations" });
    await driver.put("m/up.sql", "SELECT 'é';\r\n");
    expect(await readFile(join(dir, "migrations", "m", "up.sql"), "utf8")).toBe("SELECT 'é';\r\n");
  });

  it("refuses to write to a mount that would silently drop the write", async () => {
    const storage = createStorage({ driver: memoryDriver() });
    storage.mount("frozen", fsDriver({ base: freshDir(), readOnly: true }));
    const driver = createUnstorageDriver(storage);
    await driver.put("open/up.sql", "ok");
    await expect(driver.put("frozen/up.sql", "x")).rejects.toMatchObject({
      code: "STORAGE_READ_ONLY",
      meta: { key: "frozen/up.sql", operation: "put" },
    });
    await expect(driver.delete("frozen/up.sql")).rejects.toMatchObject({ code: "STORAGE_READ_ONLY" });
    expect(await driver.list()).toEqual(["open/up.sql"]);
  });

  it("reports a value that is not text, and errors of the storage, as STORAGE_FAILED", async () => {
    const data = new Map<string, unknown>([["m:up.sql", { parsed: true }]]);
    const failing = defineDriver(() => ({
      name: "failing",
      hasItem: () => false,
      getItem: () => null,
      getItemRaw: (key: string) => data.get(key) ?? null,
      setItemRaw: () => {
        throw new Error("quota exceeded");
      },
      removeItem: () => undefined,
      getKeys: () => {
        throw new Error("network down");
      },
    }));
    const driver = createUnstorageDriver(createStorage({ driver: failing(undefined) }));
    await expect(driver.get("m/up.sql")).rejects.toMatchObject({ code: "STORAGE_FAILED", meta: { operation: "get" } });
    const put = driver.put("m/up.sql", "x").catch((error: Error) => error);
    await expect(put).resolves.toMatchObject({ code: "STORAGE_FAILED", meta: { key: "m/up.sql", operation: "put" } });
    expect(((await put) as Error).cause).toMatchObject({ message: "quota exceeded" });
    await expect(driver.list()).rejects.toMatchObject({ code: "STORAGE_FAILED", meta: { operation: "list" } });
  });
});
