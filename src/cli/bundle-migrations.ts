/**
 * `viborm migrate bundle`: turns a migrations folder into an ES module that a bundler inlines, so a
 * Worker reads its migrations through `createBundleStorageDriver(files)` with no file system.
 * Node only (it reads and writes files); the module it writes runs anywhere.
 */
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidArgumentError, InvalidMigrationError } from "../errors.js";
import { MANIFEST_FILE, renderManifest } from "../runtime/index.js";
import { createFsStorageDriver } from "../storage/fs.js";

/** The files every migration folder holds; a folder without one of them cannot be applied. */
export const MIGRATION_FILES = ["up.sql", "down.sql", "migration.json"] as const;

/**
 * Options of {@link bundleMigrations}.
 *
 * @example const options: BundleMigrationsOptions = { dir: "migrations", out: "src/migrations.generated.ts" };
 */
export interface BundleMigrationsOptions {
  /** The migrations folder: the one the fs storage driver (and `viborm migrate generate`) writes. */
  dir: string | URL;
  /** The module to write, `.ts` or `.js` (its folder is created when missing). */
  out: string | URL;
}

/**
 * What {@link bundleMigrations} wrote.
 *
 * @example const { migrations, changed } = await bundleMigrations({ dir, out });
 */
export interface BundleMigrationsResult {
  /** The absolute path of the module. */
  out: string;
  /** The migration ids (folders) bundled, in order. */
  migrations: string[];
  /** The storage keys bundled (`<id>/up.sql`, …, and `manifest.json`), sorted. */
  keys: string[];
  /** The module's size in bytes (UTF-8). */
  bytes: number;
  /** False when the module already held exactly these bytes (the file was left untouched). */
  changed: boolean;
}

/**
 * Reads every migration folder under `dir` and writes `out`, an ES module whose default export maps
 * each storage key to its file text: `export default { "<id>/up.sql": "…", … }`. Keys are sorted
 * and values JSON-escaped, so the same folder always yields the same bytes (a generated file that
 * diffs cleanly in review and can be checked for freshness in CI). An unchanged module is not
 * rewritten.
 *
 * Files whose name starts with `.` (`.DS_Store`, editor files) and loose files beside the folders
 * (a README) are left out. A `manifest.json` of the folders is added (see {@link bundledFiles}), so
 * a Worker's apply with nothing to run checks one small file instead of hashing every migration. A folder missing `up.sql`, `down.sql` or `migration.json` fails with
 * `INVALID_MIGRATION`, and a `dir` that is not a folder with `INVALID_ARGUMENT`, so a typo never
 * ships an empty bundle.
 *
 * @example
 * // in a build script (worker-example/scripts/bundle.ts does this):
 * await bundleMigrations({ dir: "migrations", out: "src/migrations.generated.ts" });
 * // in the Worker:
 * import files from "./migrations.generated.js";
 * const storageDriver = createBundleStorageDriver(files);
 */
export async function bundleMigrations(options: BundleMigrationsOptions): Promise<BundleMigrationsResult> {
  const out = toPath(options.out);
  const files = await bundledFiles(options.dir);
  const text = renderMigrationsModule(files);
  const previous = await readTarget(out);
  const changed = previous !== text;
  if (changed) {
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, text, "utf8");
  }
  const keys = Object.keys(files).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    out,
    migrations: [...new Set(keys.filter((key) => key.includes("/")).map((key) => key.slice(0, key.indexOf("/"))))],
    keys,
    bytes: new TextEncoder().encode(text).byteLength,
    changed,
  };
}

/**
 * What {@link bundleMigrations} writes: the migration files under `dir` (see
 * {@link readMigrationFiles}) and, when there is at least one folder, their `manifest.json`, derived
 * from them (so it always matches them; the folder on disk never holds one to merge).
 *
 * @example await bundledFiles("migrations"); // → { "20260102000000_init/down.sql": "…", …, "manifest.json": "…" }
 */
export async function bundledFiles(dir: string | URL): Promise<Record<string, string>> {
  const files = await readMigrationFiles(dir);
  if (Object.keys(files).length === 0) return files;
  return { ...files, [MANIFEST_FILE]: await renderManifest(files) };
}

/**
 * The migration files under `dir` as an object from storage key to text, keys sorted: what
 * `createBundleStorageDriver` takes (and {@link bundleMigrations} writes, with a manifest).
 *
 * @example await readMigrationFiles("migrations"); // → { "20260102000000_init/down.sql": "…", … }
 */
export async function readMigrationFiles(dir: string | URL): Promise<Record<string, string>> {
  const root = toPath(dir);
  const isFolder = await stat(root).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isFolder) {
    throw new InvalidArgumentError(`Migrations folder ${root} does not exist or is not a folder; pass --dir.`, {
      argument: "dir",
      value: root,
      problem: "not a folder",
    });
  }
  const storage = createFsStorageDriver(root);
  const keys = (await storage.list()).filter(isBundled);
  assertComplete(keys);
  const files: Record<string, string> = {};
  for (const key of keys) {
    const text = await storage.get(key);
    // A file removed between list and get is skipped; the completeness check ran on the listing.
    if (text !== null) files[key] = text;
  }
  return files;
}

/**
 * The module text for `files` (storage key → text): sorted keys, JSON-escaped values, 2-space
 * indent, trailing commas and a final newline, so the same files always give the same bytes. A
 * `biome-ignore format` comment keeps formatters from rewriting the strings.
 *
 * @example
 * renderMigrationsModule({ "20260102000000_init/up.sql": "SELECT 1;\n" });
 * // → a header line, then: export default { "20260102000000_init/up.sql": "SELECT 1;\n", };
 */
export function renderMigrationsModule(files: Readonly<Record<string, string>>): string {
  const keys = Object.keys(files).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Formatters would re-quote and re-wrap the JSON strings; the ignore comment keeps the bytes ours.
  const header = `${GENERATED_HEADER}\n// biome-ignore format: generated; bundle the migrations again instead of editing\n`;
  if (keys.length === 0) return `${header}export default {};\n`;
  const entries = keys.map((key) => `  ${JSON.stringify(key)}: ${JSON.stringify(files[key])},\n`);
  return `${header}export default {\n${entries.join("")}};\n`;
}

/**
 * What `out` holds now (`null` when nothing is there), refusing before anything is written: a
 * folder, a path through a file, or a file that a bundle did not write (it would be overwritten).
 */
async function readTarget(out: string): Promise<string | null> {
  const refuse = (problem: string) =>
    new InvalidArgumentError(`Cannot write the bundle to ${out}: ${problem}; pass another --out.`, {
      argument: "out",
      value: out,
      problem,
    });
  const stats = await stat(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOTDIR") throw refuse("a folder on its path is a file");
    return null;
  });
  if (stats === null) {
    for (let parent = dirname(out); parent !== dirname(parent); parent = dirname(parent)) {
      const above = await stat(parent).catch(() => null);
      if (above === null) continue;
      if (!above.isDirectory()) throw refuse(`${parent} is a file, not a folder`);
      break;
    }
    return null;
  }
  if (stats.isDirectory()) throw refuse("it is a folder");
  const previous = await readFile(out, "utf8");
  if (!previous.startsWith(GENERATED_HEADER)) throw refuse("it is an existing file that viborm did not generate");
  return previous;
}

/** The first line of every bundled module: where it came from and how to refresh it. */
export const GENERATED_HEADER =
  "// Generated by `viborm migrate bundle` from a migrations folder: do not edit, bundle again instead.";

// internal

function toPath(path: string | URL): string {
  return resolve(typeof path === "string" ? path : fileURLToPath(path));
}

/** `<folder>/<file>` keys only, without hidden files: what a migration folder is made of. */
function isBundled(key: string): boolean {
  const segments = key.split("/");
  return segments.length === 2 && !segments.some((segment) => segment.startsWith("."));
}

function assertComplete(keys: string[]): void {
  const present = new Set(keys);
  const folders = [...new Set(keys.map((key) => key.slice(0, key.indexOf("/"))))];
  for (const folder of folders) {
    for (const file of MIGRATION_FILES) {
      if (!present.has(`${folder}/${file}`)) {
        throw new InvalidMigrationError(
          `Migration ${folder} has no ${file}; restore it or delete the folder before bundling.`,
          { migration: folder, file: `${folder}/${file}`, problem: "missing file" },
        );
      }
    }
  }
}
