/**
 * The migrations bundle: a migrations folder turned into an ES module for `createBundleStorageDriver`,
 * byte-for-byte deterministic; and the committed sample migrations and bundle are up to date.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isVibormError } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createBundleStorageDriver } from "viborm/migrations/storage/bundle";
import { createFsStorageDriver } from "viborm/migrations/storage/fs";
import { createClient } from "viborm/sqlite3";
import { afterAll, describe, expect, test } from "vitest";
import {
  bundledFiles,
  bundleMigrations,
  GENERATED_HEADER,
  readMigrationFiles,
  renderMigrationsModule,
} from "../../src/cli/bundle-migrations.js";
import { BUNDLE_MODULE } from "../../worker-example/scripts/bundle.js";
import { generateSampleMigrations, MIGRATIONS_DIR } from "../../worker-example/scripts/generate.js";
import { schema } from "../../worker-example/src/schema.js";
import { countingDriver } from "../helpers/storage-ops.js";

const scratch = mkdtempSync(join(tmpdir(), "viborm-bundle-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

/** A fresh folder holding `files` (relative path → text). */
function folder(files: Record<string, string>): string {
  const dir = join(scratch, `case-${++counter}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Imports a written module and returns its default export. */
async function importDefault(path: string): Promise<Record<string, string>> {
  const module = (await import(`${pathToFileURL(path).href}?v=${++counter}`)) as { default: Record<string, string> };
  return module.default;
}

const tricky = "SELECT 'it''s', \"quoted\", `tick`, $$ $body$ \\ back\tslash;\r\n-- ünïcødé ✓ \u2028 end\n";
const migration = (id: string, up = "CREATE TABLE t (id int);\n") => ({
  [`${id}/up.sql`]: up,
  [`${id}/down.sql`]: "DROP TABLE t;\n",
  [`${id}/migration.json`]: '{ "id": "x" }\n',
});

describe("bundleMigrations", () => {
  test("writes a module whose default export is every file, keys sorted, text unchanged", async () => {
    const dir = folder({ ...migration("20260102000000_b", tricky), ...migration("20260101000000_a") });
    const out = join(scratch, `out-${++counter}`, "migrations.generated.js");
    const result = await bundleMigrations({ dir, out });
    expect(result.migrations).toEqual(["20260101000000_a", "20260102000000_b"]);
    expect(result.keys).toEqual([
      "20260101000000_a/down.sql",
      "20260101000000_a/migration.json",
      "20260101000000_a/up.sql",
      "20260102000000_b/down.sql",
      "20260102000000_b/migration.json",
      "20260102000000_b/up.sql",
      "manifest.json",
    ]);
    expect(result.changed).toBe(true);
    const text = readFileSync(out, "utf8");
    expect(result.bytes).toBe(Buffer.byteLength(text));
    expect(text.startsWith(`${GENERATED_HEADER}\n`)).toBe(true);
    const files = await importDefault(out);
    expect(Object.keys(files)).toEqual(result.keys);
    expect(files["20260102000000_b/up.sql"]).toBe(tricky);
  });

  test("is deterministic, and leaves an up-to-date module untouched", async () => {
    const dir = folder(migration("20260101000000_a"));
    const out = join(scratch, `same-${++counter}.js`);
    const first = await bundleMigrations({ dir, out: pathToFileURL(out) });
    const bytes = readFileSync(out);
    const mtime = statSync(out).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await bundleMigrations({ dir: pathToFileURL(dir), out });
    expect(second).toEqual({ ...first, changed: false });
    expect(readFileSync(out)).toEqual(bytes);
    expect(statSync(out).mtimeMs).toBe(mtime);
  });

  test("the same files in any order give the same bytes", () => {
    const files = { ...migration("20260101000000_a"), ...migration("20260102000000_b", tricky) };
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    expect(renderMigrationsModule(reversed)).toBe(renderMigrationsModule(files));
    expect(renderMigrationsModule({})).toMatch(/\nexport default \{\};\n$/);
  });

  test("leaves out hidden files and loose files beside the folders", async () => {
    const dir = folder({
      ...migration("20260101000000_a"),
      "20260101000000_a/.DS_Store": "junk",
      ".gitkeep": "",
      "README.md": "# migrations\n",
    });
    expect(Object.keys(await readMigrationFiles(dir))).toEqual([
      "20260101000000_a/down.sql",
      "20260101000000_a/migration.json",
      "20260101000000_a/up.sql",
    ]);
  });

  test("an empty folder bundles to an empty object", async () => {
    const out = join(scratch, `empty-${++counter}.js`);
    const result = await bundleMigrations({ dir: folder({}), out });
    expect(result.migrations).toEqual([]);
    expect(await importDefault(out)).toEqual({});
  });

  test("a missing folder fails with INVALID_ARGUMENT instead of bundling nothing", async () => {
    const error = await bundleMigrations({ dir: join(scratch, "nope"), out: join(scratch, "nope.js") }).catch(
      (e: unknown) => e,
    );
    expect(isVibormError(error, "INVALID_ARGUMENT")).toBe(true);
    expect((error as { meta: unknown }).meta).toMatchObject({ argument: "dir", problem: "not a folder" });
  });

  test.each(["up.sql", "down.sql", "migration.json"])(
    "a folder without %s fails with INVALID_MIGRATION",
    async (file) => {
      const files = migration("20260101000000_a");
      delete files[`20260101000000_a/${file}`];
      const error = await readMigrationFiles(folder(files)).catch((e: unknown) => e);
      expect(isVibormError(error, "INVALID_MIGRATION")).toBe(true);
      expect((error as { meta: unknown }).meta).toEqual({
        migration: "20260101000000_a",
        file: `20260101000000_a/${file}`,
        problem: "missing file",
      });
    },
  );

  test("a bundle applies exactly like the folder it came from", async () => {
    const out = join(scratch, `roundtrip-${++counter}.js`);
    await bundleMigrations({ dir: MIGRATIONS_DIR, out });
    const [bundleClient, folderClient] = [1, 2].map(() => createClient({ schema, filename: ":memory:" }));
    try {
      const fromBundle = createMigrationClient(bundleClient!, {
        storageDriver: createBundleStorageDriver(await importDefault(out)),
      });
      const fromFolder = createMigrationClient(folderClient!, { storageDriver: createFsStorageDriver(MIGRATIONS_DIR) });
      const [a, b] = [await fromBundle.apply(), await fromFolder.apply()];
      expect(a.applied).toEqual(b.applied);
      expect(a.applied.map((m) => m.name)).toEqual(["init", "add-comments"]);
      expect((await fromBundle.push({ dryRun: true })).statements).toEqual([]);
    } finally {
      await Promise.all([bundleClient!.$close(), folderClient!.$close()]);
    }
  });
});

describe("the bundled manifest", () => {
  test("lets an apply with nothing to run read the listing and the manifest only", async () => {
    const out = join(scratch, `manifest-${++counter}.js`);
    const result = await bundleMigrations({ dir: MIGRATIONS_DIR, out });
    expect(result.keys.at(-1)).toBe("manifest.json");
    expect(result.migrations).toEqual(["20260102000000_init", "20260103000000_add-comments"]);
    const counting = countingDriver(createBundleStorageDriver(await importDefault(out)));
    const client = createClient({ schema, filename: ":memory:" });
    try {
      const migrations = createMigrationClient(client, { storageDriver: counting.driver });
      expect((await migrations.apply()).applied).toHaveLength(2);
      counting.reset();
      expect(await migrations.apply()).toEqual({ applied: [], pending: [] });
      expect(counting.counts).toEqual({ list: 1, get: 1 });
    } finally {
      await client.$close();
    }
  });

  test("is derived from the folders: a manifest.json on disk is neither bundled nor needed", async () => {
    const files = migration("20260101000000_a");
    const dir = folder({ ...files, "manifest.json": "{ stale }" });
    const bundled = await bundledFiles(dir);
    expect(Object.keys(bundled)).toEqual([...Object.keys(files).sort(), "manifest.json"]);
    expect(bundled["manifest.json"]).not.toBe("{ stale }");
    expect(bundled["manifest.json"]).toBe((await bundledFiles(folder(files)))["manifest.json"]);
  });
});

describe("the committed sample migrations", () => {
  test("are what worker-example/scripts/generate.ts writes from the schema (npm run worker:generate)", async () => {
    const dir = join(scratch, "regenerated");
    const migrations = await generateSampleMigrations(dir);
    expect(migrations.map((m) => m.id)).toEqual(["20260102000000_init", "20260103000000_add-comments"]);
    expect(await readMigrationFiles(dir)).toEqual(await readMigrationFiles(MIGRATIONS_DIR));
  });

  test("are what src/migrations.generated.ts bundles (npm run worker:bundle)", async () => {
    const expected = renderMigrationsModule(await bundledFiles(MIGRATIONS_DIR));
    expect(readFileSync(BUNDLE_MODULE, "utf8")).toBe(expected);
  });
});
