/**
 * The package's export map, as a user installs it: every subpath resolves to a built file (npm
 * test builds first), imports under the package's own name, and shares one errors module.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as {
  exports: Record<string, string | { types: string; import: string }>;
};

/** What each subpath must export at least (DESIGN's contract). */
const CONTRACT: Record<string, string[]> = {
  ".": ["s", "createClient", "VibormError", "isVibormError"],
  "./pg": ["createClient"],
  "./mysql2": ["createClient"],
  "./sqlite3": ["createClient"],
  "./pglite": ["createClient"],
  "./planetscale": ["createClient"],
  "./neon-http": ["createClient"],
  "./d1": ["createClient"],
  "./d1-http": ["createClient"],
  "./migrations": ["createMigrationClient", "applyMigrations", "migrationStatus", "rollbackMigrations"],
  "./migrations/storage/fs": ["createFsStorageDriver"],
  "./migrations/storage/unstorage": ["createUnstorageDriver"],
  "./migrations/storage/bundle": ["createBundleStorageDriver"],
  "./config": ["defineConfig"],
  "./fleet": ["createFleet"],
  "./fleet/workflow": ["createFleetWorkflow", "startFleetWorkflow", "readFleetWorkflow"],
};

const subpaths = Object.entries(pkg.exports).filter(([path]) => path !== "./package.json");

describe("package exports", () => {
  test.each(subpaths)("%s points at built files", (_path, target) => {
    const { types, import: entry } = target as { types: string; import: string };
    expect(existsSync(ROOT + entry), entry).toBe(true);
    expect(existsSync(ROOT + types), types).toBe(true);
  });

  test("every contract subpath is exported", () => {
    for (const path of Object.keys(CONTRACT)) expect(Object.keys(pkg.exports)).toContain(path);
  });

  test("each subpath imports by the package name and exports its contract", { timeout: 60_000 }, () => {
    const script = `
      const contract = ${JSON.stringify(CONTRACT)};
      const out = {};
      for (const [path, names] of Object.entries(contract)) {
        const mod = await import(path === "." ? "viborm" : "viborm" + path.slice(1));
        out[path] = names.filter((name) => !(name in mod));
      }
      console.log(JSON.stringify(out));
    `;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const missing = JSON.parse(output) as Record<string, string[]>;
    for (const names of Object.values(missing)) expect(names).toEqual([]);
  });

  test("all entries share one errors module, so instanceof holds across them", { timeout: 60_000 }, () => {
    const script = `
      const { VibormError } = await import("viborm");
      const { createBundleStorageDriver } = await import("viborm/migrations/storage/bundle");
      try { await createBundleStorageDriver({}).put("a.sql", "x"); } catch (e) { console.log(e instanceof VibormError); }
    `;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(output.trim()).toBe("true");
  });
});
