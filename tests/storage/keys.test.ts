import { describe, expect, it } from "vitest";
import { assertKey, assertPrefix, isValidKey, sortKeys } from "../../src/storage/keys.js";
import { INVALID_KEYS } from "../conformance/storage-driver.js";

const VALID_KEYS = [
  "up.sql",
  "20261126184000_add-users/up.sql",
  "20261126184000_add-users/migration.json",
  ".gitkeep",
  "a/.hidden/b",
  "...",
  "a..b/c..d.sql",
  "with space/and-dash_underscore.sql",
  "ünïcode/ファイル.sql",
  "$dollar/mid$dle.sql",
  "a/b/c/d/e/f/g.sql",
];

describe("assertKey", () => {
  it.each(VALID_KEYS)("accepts %j", (key) => {
    expect(() => assertKey(key)).not.toThrow();
    expect(isValidKey(key)).toBe(true);
  });

  it.each(INVALID_KEYS)("refuses %j with INVALID_STORAGE_KEY, naming the key and the problem", (key) => {
    expect(() => assertKey(key)).toThrow(
      expect.objectContaining({
        name: "InvalidStorageKeyError",
        code: "INVALID_STORAGE_KEY",
        meta: { key, problem: expect.any(String) },
      }),
    );
    expect(isValidKey(key)).toBe(false);
  });

  it("refuses a key that is not a string", () => {
    expect(() => assertKey(42 as unknown as string)).toThrow(expect.objectContaining({ code: "INVALID_STORAGE_KEY" }));
    expect(isValidKey(undefined as unknown as string)).toBe(false);
  });
});

describe("assertPrefix", () => {
  it("accepts the empty prefix and folders ending with /", () => {
    for (const prefix of ["", "a/", "20261126184000_add-users/", "a/b/"])
      expect(() => assertPrefix(prefix)).not.toThrow();
  });

  it("refuses a prefix that is not a folder, or whose folder is not a valid key", () => {
    for (const prefix of ["a", "2026", "/", "/a/", "a//", "../", "a/../", "a\\/", "a:b/"]) {
      expect(() => assertPrefix(prefix), prefix).toThrow(
        expect.objectContaining({ code: "INVALID_STORAGE_KEY", meta: expect.objectContaining({ key: prefix }) }),
      );
    }
  });
});

describe("sortKeys", () => {
  it("sorts by code unit, whatever the locale", () => {
    expect(sortKeys(["b", "a/b", "a-b", "B", "a", "é", "z"])).toEqual(["B", "a", "a-b", "a/b", "b", "z", "é"]);
  });
});
