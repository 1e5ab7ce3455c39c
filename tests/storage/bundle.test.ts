import { createBundleStorageDriver } from "viborm/migrations/storage/bundle";
import { describe, expect, it } from "vitest";
import { testStorageDriver } from "../conformance/storage-driver.js";

testStorageDriver("bundle", { readOnly: true, create: (files) => createBundleStorageDriver(files) });

describe("createBundleStorageDriver", () => {
  it("copies the object, so later changes to it are not seen", async () => {
    const files: Record<string, string> = { "m/up.sql": "SELECT 1;" };
    const driver = createBundleStorageDriver(files);
    files["m/up.sql"] = "changed";
    files["m/down.sql"] = "added";
    expect(await driver.get("m/up.sql")).toBe("SELECT 1;");
    expect(await driver.list()).toEqual(["m/up.sql"]);
  });

  it("works empty", async () => {
    const driver = createBundleStorageDriver({});
    expect(await driver.list()).toEqual([]);
    expect(await driver.get("m/up.sql")).toBeNull();
  });

  it("refuses a bundle with an invalid key, naming it", () => {
    expect(() => createBundleStorageDriver({ "./migrations/m/up.sql": "x" })).toThrow(
      expect.objectContaining({
        code: "INVALID_STORAGE_KEY",
        meta: expect.objectContaining({ key: "./migrations/m/up.sql" }),
      }),
    );
  });

  it("refuses a value that is not text (a module object instead of its default export)", () => {
    const files = { "m/up.sql": { default: "SELECT 1;" } } as unknown as Record<string, string>;
    expect(() => createBundleStorageDriver(files)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });

  it("refuses something that is not an object of files", () => {
    for (const files of [null, "x", ["m/up.sql"]]) {
      expect(() => createBundleStorageDriver(files as unknown as Record<string, string>)).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
    }
  });

  it("throws a typed error a caller can check by code and print as JSON", async () => {
    const error = await createBundleStorageDriver({})
      .put("m/up.sql", "x")
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "StorageReadOnlyError", code: "STORAGE_READ_ONLY" });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      code: "STORAGE_READ_ONLY",
      meta: { key: "m/up.sql", operation: "put" },
    });
  });
});
