/**
 * The storage seam's conformance suite: every `MigrationStorageDriver` runs the same tests
 * (unstorage's `testDriver`, for our four-method interface).
 *
 * A writable driver's `create()` returns an empty storage; the suite writes what it needs with
 * `put`. A read-only driver's `create(files)` must return a storage holding exactly `files`.
 */
import type { MigrationStorageDriver } from "viborm/migrations/storage/bundle";
import { describe, expect, it } from "vitest";

type MaybePromise<T> = T | Promise<T>;

/** How the suite builds a fresh driver: writable and empty, or read-only and holding `files`. */
export type StorageDriverFactory =
  | { create: () => MaybePromise<MigrationStorageDriver>; readOnly?: false }
  | { create: (files: Readonly<Record<string, string>>) => MaybePromise<MigrationStorageDriver>; readOnly: true };

/** Texts that must come back exactly as written: what breaks naive storage. */
export const TRICKY_TEXTS: Readonly<Record<string, string>> = {
  ascii: "CREATE TABLE users (id text PRIMARY KEY);\n",
  unicode: "INSERT INTO t VALUES ('héllo wörld', '世界', '🎉👩‍👩‍👧', 'e\u0301');\n",
  crlf: "CREATE TABLE a (\r\n  x int\r\n);\r\nSELECT 1;\r\n",
  loneCr: "line one\rline two\r",
  json: '{\n  "id": "20261126184000_add-users",\n  "checksum": "abc",\n  "parents": []\n}\n',
  jsonLiterals: "null",
  number: "123",
  boolean: "true",
  quoted: '"just a string"',
  base64Prefix: "base64:aGVsbG8gd29ybGQ=",
  bom: "\uFEFFSELECT 1;\n",
  empty: "",
  whitespace: "  \n\t\n  ",
  noTrailingNewline: "SELECT 1",
  large: `${"INSERT INTO t VALUES ('row; with text');\n".repeat(6000)}-- end\n`,
};

/** Keys every driver must refuse (INVALID_STORAGE_KEY), before touching storage. */
export const INVALID_KEYS: readonly string[] = [
  "",
  "/absolute.sql",
  "folder/",
  "a//b.sql",
  "./a.sql",
  "a/./b.sql",
  "..",
  "../escape.sql",
  "a/../../escape.sql",
  "a\\b.sql",
  "C:\\migrations\\up.sql",
  "a:b.sql",
  "a?b.sql",
  "a\u0000b.sql",
  "a\nb.sql",
  "meta$",
];

/** Files a read-only driver is created with, and a writable one is filled with. */
export const FIXTURE_FILES: Readonly<Record<string, string>> = {
  "20260101000000_init/up.sql": TRICKY_TEXTS.crlf!,
  "20260101000000_init/down.sql": "DROP TABLE a;\n",
  "20260101000000_init/migration.json": TRICKY_TEXTS.json!,
  "20260202000000_more/up.sql": TRICKY_TEXTS.unicode!,
  "a/1.sql": "one",
  "a/b/2.sql": "two",
  "ab/3.sql": "three",
  "a.sql": "a file next to a folder",
  "ünïcode/ファイル.sql": "ok",
};

/**
 * Declares a vitest suite `name` checking `factory`'s driver against the storage contract.
 *
 * @example testStorageDriver("fs", { create: () => createFsStorageDriver(freshDir()) });
 */
export function testStorageDriver(name: string, factory: StorageDriverFactory): void {
  describe(`storage driver conformance: ${name}`, () => {
    const filled = async (): Promise<MigrationStorageDriver> => {
      if (factory.readOnly) return factory.create(FIXTURE_FILES);
      const driver = await factory.create();
      for (const [key, value] of Object.entries(FIXTURE_FILES)) await driver.put(key, value);
      return driver;
    };

    readingTests(filled);
    if (factory.readOnly) readOnlyTests(filled);
    else writingTests(async () => factory.create());
  });
}

// internal

const sorted = (keys: string[]) => [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function readingTests(filled: () => Promise<MigrationStorageDriver>): void {
  it("reads every file back exactly, as a string", async () => {
    const driver = await filled();
    for (const [key, value] of Object.entries(FIXTURE_FILES)) {
      const text = await driver.get(key);
      expect(typeof text, key).toBe("string");
      expect(text, key).toBe(value);
    }
  });

  it("returns null for a missing file and for a folder", async () => {
    const driver = await filled();
    expect(await driver.get("missing.sql")).toBeNull();
    expect(await driver.get("20260101000000_init/missing.sql")).toBeNull();
    expect(await driver.get("20260101000000_init")).toBeNull();
  });

  it("lists every key, sorted by code unit", async () => {
    const driver = await filled();
    expect(await driver.list()).toEqual(sorted(Object.keys(FIXTURE_FILES)));
    expect(await driver.list("")).toEqual(sorted(Object.keys(FIXTURE_FILES)));
  });

  it("lists a folder prefix without matching a sibling that shares its first letters", async () => {
    const driver = await filled();
    expect(await driver.list("a/")).toEqual(["a/1.sql", "a/b/2.sql"]);
    expect(await driver.list("a/b/")).toEqual(["a/b/2.sql"]);
    expect(await driver.list("20260101000000_init/")).toEqual([
      "20260101000000_init/down.sql",
      "20260101000000_init/migration.json",
      "20260101000000_init/up.sql",
    ]);
    expect(await driver.list("missing/")).toEqual([]);
    expect(await driver.list("a.sql/")).toEqual([]);
  });

  it("refuses invalid keys and prefixes with INVALID_STORAGE_KEY", async () => {
    const driver = await filled();
    for (const key of INVALID_KEYS) {
      await expect(driver.get(key), JSON.stringify(key)).rejects.toMatchObject({
        code: "INVALID_STORAGE_KEY",
        meta: { key },
      });
    }
    for (const prefix of ["a", "/a/", "../", "a//", "a\\"]) {
      await expect(driver.list(prefix), JSON.stringify(prefix)).rejects.toMatchObject({ code: "INVALID_STORAGE_KEY" });
    }
  });
}

function writingTests(create: () => Promise<MigrationStorageDriver>): void {
  it("starts empty", async () => {
    const driver = await create();
    expect(await driver.list()).toEqual([]);
    expect(await driver.get("20260101000000_init/up.sql")).toBeNull();
  });

  it("round-trips tricky text exactly: unicode, CRLF, JSON, BOM, empty, large", async () => {
    const driver = await create();
    for (const [name, value] of Object.entries(TRICKY_TEXTS)) await driver.put(`texts/${name}.txt`, value);
    for (const [name, value] of Object.entries(TRICKY_TEXTS)) {
      const text = await driver.get(`texts/${name}.txt`);
      expect(typeof text, name).toBe("string");
      expect(text, name).toBe(value);
    }
    expect(await driver.list("texts/")).toEqual(sorted(Object.keys(TRICKY_TEXTS).map((name) => `texts/${name}.txt`)));
  });

  it("overwrites a file in place", async () => {
    const driver = await create();
    await driver.put("x/up.sql", "first");
    await driver.put("x/up.sql", "second, longer than the first");
    await driver.put("x/up.sql", "3rd");
    expect(await driver.get("x/up.sql")).toBe("3rd");
    expect(await driver.list()).toEqual(["x/up.sql"]);
  });

  it("deletes a file, leaves its neighbours, and deleting a missing file is not an error", async () => {
    const driver = await create();
    await driver.put("m/a.sql", "a");
    await driver.put("m/n/b.sql", "b");
    await driver.delete("m/n/b.sql");
    expect(await driver.get("m/n/b.sql")).toBeNull();
    expect(await driver.list()).toEqual(["m/a.sql"]);
    await driver.delete("m/n/b.sql");
    await driver.delete("never/was.sql");
    await driver.put("m/n/b.sql", "again");
    expect(await driver.list()).toEqual(["m/a.sql", "m/n/b.sql"]);
    await driver.delete("m/a.sql");
    await driver.delete("m/n/b.sql");
    expect(await driver.list()).toEqual([]);
  });

  it("writes many files into one new folder at once", async () => {
    const driver = await create();
    const keys = Array.from({ length: 20 }, (_, i) => `batch/${String(i).padStart(2, "0")}.sql`);
    await Promise.all(keys.map((key) => driver.put(key, key)));
    expect(await driver.list()).toEqual(keys);
    for (const key of keys) expect(await driver.get(key)).toBe(key);
  });

  it("refuses invalid keys with INVALID_STORAGE_KEY and writes nothing", async () => {
    const driver = await create();
    for (const key of INVALID_KEYS) {
      await expect(driver.put(key, "x"), JSON.stringify(key)).rejects.toMatchObject({
        code: "INVALID_STORAGE_KEY",
        meta: { key },
      });
      await expect(driver.delete(key), JSON.stringify(key)).rejects.toMatchObject({ code: "INVALID_STORAGE_KEY" });
    }
    expect(await driver.list()).toEqual([]);
  });
}

function readOnlyTests(filled: () => Promise<MigrationStorageDriver>): void {
  it("refuses put and delete with STORAGE_READ_ONLY and changes nothing", async () => {
    const driver = await filled();
    const before = await driver.list();
    const key = "20260101000000_init/up.sql";
    await expect(driver.put(key, "changed")).rejects.toMatchObject({
      code: "STORAGE_READ_ONLY",
      meta: { key, operation: "put" },
    });
    await expect(driver.put("new/file.sql", "x")).rejects.toMatchObject({ code: "STORAGE_READ_ONLY" });
    await expect(driver.delete(key)).rejects.toMatchObject({
      code: "STORAGE_READ_ONLY",
      meta: { key, operation: "delete" },
    });
    await expect(driver.delete("missing.sql")).rejects.toMatchObject({ code: "STORAGE_READ_ONLY" });
    expect(await driver.list()).toEqual(before);
    expect(await driver.get(key)).toBe(FIXTURE_FILES[key]);
    expect(await driver.get("new/file.sql")).toBeNull();
  });

  it("checks keys before refusing the write (INVALID_STORAGE_KEY first)", async () => {
    const driver = await filled();
    await expect(driver.put("../x.sql", "x")).rejects.toMatchObject({ code: "INVALID_STORAGE_KEY" });
    await expect(driver.delete("../x.sql")).rejects.toMatchObject({ code: "INVALID_STORAGE_KEY" });
  });
}
