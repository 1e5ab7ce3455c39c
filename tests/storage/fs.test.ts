import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createFsStorageDriver } from "viborm/migrations/storage/fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVALID_KEYS, testStorageDriver } from "../conformance/storage-driver.js";

let scratch: string;
let counter = 0;
/** A fresh path under the scratch folder, not created yet (the driver must cope with that). */
const freshDir = () => join(scratch, `store-${++counter}`);

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "viborm-fs-storage-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

testStorageDriver("fs", { create: () => createFsStorageDriver(freshDir()) });

/** Every path under `dir`, relative, folders marked with a trailing "/". */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .map((entry) => {
      const path = join(entry.parentPath, entry.name).slice(dir.length + 1);
      return entry.isDirectory() ? `${path}/` : path;
    })
    .sort();
}

describe("createFsStorageDriver", () => {
  it("stores each key as a file under dir, byte for byte", async () => {
    const dir = freshDir();
    const driver = createFsStorageDriver(dir);
    const text = "CREATE TABLE a (\r\n  x text DEFAULT 'é'\r\n);\r\n";
    await driver.put("20260101000000_init/up.sql", text);
    expect(await tree(dir)).toEqual(["20260101000000_init/", "20260101000000_init/up.sql"]);
    const bytes = await readFile(join(dir, "20260101000000_init", "up.sql"));
    expect(bytes.equals(Buffer.from(text, "utf8"))).toBe(true);
  });

  it("reads files written by other tools, and keeps a BOM", async () => {
    const dir = freshDir();
    await mkdir(join(dir, "m"), { recursive: true });
    await writeFile(join(dir, "m", "up.sql"), Buffer.from("\uFEFFSELECT 1;\r\n", "utf8"));
    expect(await createFsStorageDriver(dir).get("m/up.sql")).toBe("\uFEFFSELECT 1;\r\n");
  });

  it("a migrations folder that is a file fails listing with STORAGE_FAILED, not as a project without migrations", async () => {
    const path = freshDir();
    await writeFile(path, "not a folder");
    const error = await createFsStorageDriver(path)
      .list()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "STORAGE_FAILED", meta: { operation: "list" } });
    expect(await readFile(path, "utf8")).toBe("not a folder");
  });

  it("a folder that is no path is INVALID_ARGUMENT", () => {
    for (const dir of [42, null, "", new URL("https://example.com/migrations")]) {
      expect(() => createFsStorageDriver(dir as never)).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT", meta: expect.objectContaining({ argument: "dir" }) }),
      );
    }
    expect(createFsStorageDriver(pathToFileURL(freshDir()))).toBeDefined();
  });

  it("lists a missing folder as empty and reads nothing from it, without creating it", async () => {
    const dir = freshDir();
    const driver = createFsStorageDriver(dir);
    expect(await driver.list()).toEqual([]);
    expect(await driver.list("a/")).toEqual([]);
    expect(await driver.get("a/up.sql")).toBeNull();
    await driver.delete("a/up.sql");
    await expect(readdir(dir)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("removes the folders a delete leaves empty, up to but not including dir", async () => {
    const dir = freshDir();
    const driver = createFsStorageDriver(dir);
    await driver.put("a/b/c/deep.sql", "x");
    await driver.put("a/keep.sql", "y");
    await driver.delete("a/b/c/deep.sql");
    expect(await tree(dir)).toEqual(["a/", "a/keep.sql"]);
    await driver.delete("a/keep.sql");
    expect(await tree(dir)).toEqual([]);
  });

  it("leaves no temporary file behind, and ignores one left by a crashed write", async () => {
    const dir = freshDir();
    const driver = createFsStorageDriver(dir);
    await Promise.all(Array.from({ length: 10 }, (_, i) => driver.put("same/up.sql", `version ${i}`)));
    expect(await tree(dir)).toEqual(["same/", "same/up.sql"]);
    expect(await driver.get("same/up.sql")).toMatch(/^version \d$/);
    await writeFile(join(dir, "same", ".up.sql.0123.viborm-tmp"), "half a fi");
    expect(await driver.list()).toEqual(["same/up.sql"]);
  });

  it("skips names that are not valid keys and follows links to files, not to folders", async () => {
    const dir = freshDir();
    const driver = createFsStorageDriver(dir);
    await driver.put("m/up.sql", "up");
    await writeFile(join(dir, "m", "odd:name.sql"), "x");
    await writeFile(join(dir, "m", "back\\slash.sql"), "x");
    await symlink(join(dir, "m", "up.sql"), join(dir, "m", "linked.sql"));
    await symlink(dir, join(dir, "m", "loop"));
    expect(await driver.list()).toEqual(["m/linked.sql", "m/up.sql"]);
    expect(await driver.get("m/linked.sql")).toBe("up");
  });

  it("resolves a relative dir once, and accepts a file: URL", async () => {
    const dir = freshDir();
    await createFsStorageDriver(pathToFileURL(dir)).put("u/up.sql", "from url");
    expect(await createFsStorageDriver(dir).get("u/up.sql")).toBe("from url");
    const relative = join(dir, "..", `store-${counter}`, ".", "");
    expect(await createFsStorageDriver(relative).list()).toEqual(["u/up.sql"]);
  });

  it("never touches a path outside dir for an invalid key", async () => {
    const parent = freshDir();
    const dir = join(parent, "inner");
    const driver = createFsStorageDriver(dir);
    for (const key of INVALID_KEYS) {
      await expect(driver.put(key, "x")).rejects.toMatchObject({ code: "INVALID_STORAGE_KEY" });
    }
    await expect(readdir(parent)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("reports file-system failures as STORAGE_FAILED with the cause", async () => {
    const dir = freshDir();
    const driver = createFsStorageDriver(dir);
    await driver.put("taken/file.sql", "x");
    // A folder where the file should go, and a file where a folder should go.
    const intoFolder = driver.put("taken", "x");
    await expect(intoFolder).rejects.toMatchObject({
      code: "STORAGE_FAILED",
      meta: { key: "taken", operation: "put", driver: "fs" },
    });
    await expect(intoFolder.catch((error: Error) => error.cause)).resolves.toMatchObject({ code: expect.any(String) });
    await expect(driver.put("taken/file.sql/below.sql", "x")).rejects.toMatchObject({ code: "STORAGE_FAILED" });
    expect(await driver.list()).toEqual(["taken/file.sql"]);
  });

  it("treats a folder, or a path below a file, as no file: get is null, delete does nothing", async () => {
    const dir = freshDir();
    const driver = createFsStorageDriver(dir);
    await driver.put("f/inner.sql", "x");
    expect(await driver.get("f")).toBeNull();
    expect(await driver.get("f/inner.sql/below.sql")).toBeNull();
    await driver.delete("f/inner.sql/below.sql");
    await driver.delete("f");
    expect(await driver.list()).toEqual(["f/inner.sql"]);
  });
});
