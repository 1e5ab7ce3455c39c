/**
 * Finds and loads `viborm.config.{ts,mts,js,mjs}` (TypeScript through jiti, no build step) and
 * turns it, with the flags that override it, into what the migration client needs.
 */

import { existsSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ConfigClient, MigrationsConfig, VibormConfig } from "../config.js";
import { type VibormClient, VibormError } from "../index.js";
import type { MigrationClientOptions } from "../runtime/index.js";
import { createFsStorageDriver } from "../storage/fs.js";
import { closest } from "./closest.js";

/** The file names looked for in the working directory, in this order. */
export const CONFIG_FILES = ["viborm.config.ts", "viborm.config.mts", "viborm.config.js", "viborm.config.mjs"] as const;

/** The migrations folder when the config names neither `dir` nor `storageDriver`. */
export const DEFAULT_MIGRATIONS_DIR = "migrations";

/** The flags that override the config. */
export interface ConfigFlags {
  /** `--config PATH`. */
  config?: string;
  /** `--dir DIR`: the migrations folder, relative to the working directory. */
  dir?: string;
  /** `--table-name NAME`. */
  tableName?: string;
}

/** The loaded set-up of one run. */
export interface Setup {
  /** The config file used. */
  configPath: string;
  client: VibormClient;
  /** The options for `createMigrationClient` (storage, tracking table, lock timeout). */
  options: MigrationClientOptions;
  /** The migrations folder, when storage is a folder (for messages); absent for a configured storageDriver. */
  migrationsDir?: string;
}

/**
 * The config file: `--config PATH` (relative to `cwd`), else the first of {@link CONFIG_FILES} in
 * `cwd`. Throws `CONFIG_ERROR` naming the paths tried.
 *
 * @example findConfig(process.cwd()) // → "/app/viborm.config.ts"
 */
export function findConfig(cwd: string, explicit?: string): string {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (existsSync(path)) return path;
    throw configError(path, `the config file ${path} (from --config) does not exist`);
  }
  const tried = CONFIG_FILES.map((name) => resolve(cwd, name));
  const found = tried.find((path) => existsSync(path));
  if (found) return found;
  throw configError(
    tried[0]!,
    `no viborm config found in ${cwd} (tried ${CONFIG_FILES.join(", ")}); create viborm.config.ts or pass --config PATH`,
  );
}

/**
 * Loads the config file and checks its shape. Throws `CONFIG_ERROR` (with the loader's error as
 * `cause`) when it cannot be imported or exports no valid config.
 */
export async function loadConfigFile(path: string): Promise<VibormConfig> {
  let loaded: unknown;
  try {
    const module = (await importConfig(path)) as { default?: unknown };
    loaded = module.default;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw configError(path, `the config file ${path} failed to load: ${reason}`, error);
  }
  return checkConfig(path, loaded);
}

/**
 * An `.mjs` config is imported natively; others load the TypeScript loader (jiti),
 * which costs start-up time. jiti resolves from the config's folder, so the config's imports resolve
 * as they would for the user's own code (their node_modules, their viborm).
 */
async function importConfig(path: string): Promise<unknown> {
  // `.js` may be CommonJS-wrapped ESM in a package without "type": "module": jiti copes, Node does not.
  if (path.endsWith(".mjs")) return import(pathToFileURL(path).href);
  const { createJiti } = await import("jiti");
  return createJiti(path, { interopDefault: false }).import(path);
}

/**
 * Finds and loads the config, makes the client, and resolves the storage: `--dir` overrides the
 * config's `dir`; a configured `storageDriver` with `--dir` (or with `dir`) is a `CONFIG_ERROR`.
 */
export async function loadSetup(cwd: string, flags: ConfigFlags): Promise<Setup> {
  const configPath = findConfig(cwd, flags.config);
  const config = await loadConfigFile(configPath);
  const migrations: MigrationsConfig = config.migrations ?? {};
  const storage = resolveStorage(cwd, configPath, migrations, flags.dir);
  if (config.client === undefined) {
    throw configError(
      configPath,
      `the config in ${configPath} has only a \`fleet\`, which only \`viborm fleet …\` uses; add a \`client\` for this command`,
    );
  }
  const client = await makeClient(configPath, config.client);
  const tableName = flags.tableName ?? migrations.tableName;
  return {
    configPath,
    client,
    options: {
      storageDriver: storage.driver,
      ...(tableName === undefined ? {} : { tableName }),
      ...(migrations.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: migrations.lockTimeoutMs }),
    },
    ...(storage.dir === undefined ? {} : { migrationsDir: storage.dir }),
  };
}

/** A path for messages: relative to `cwd` when inside it. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/**
 * The storage of the config's migrations: a folder (`--dir`, else `migrations.dir` relative to the
 * config file) or the configured `storageDriver`; both at once is a `CONFIG_ERROR`.
 */
export function resolveStorage(
  cwd: string,
  configPath: string,
  migrations: MigrationsConfig,
  dirFlag: string | undefined,
): { driver: NonNullable<MigrationClientOptions["storageDriver"]>; dir?: string } {
  if (migrations.storageDriver !== undefined) {
    if (dirFlag !== undefined) {
      throw configError(
        configPath,
        `${configPath} configures migrations.storageDriver, so --dir ${dirFlag} has nothing to point; drop the flag, or remove storageDriver from the config`,
      );
    }
    if (migrations.dir !== undefined) {
      throw configError(
        configPath,
        `${configPath} configures both migrations.dir and migrations.storageDriver; keep one of them`,
      );
    }
    return { driver: migrations.storageDriver };
  }
  const dir =
    dirFlag !== undefined
      ? resolve(cwd, dirFlag)
      : resolve(dirname(configPath), migrations.dir ?? DEFAULT_MIGRATIONS_DIR);
  return { driver: createFsStorageDriver(dir), dir };
}

/** A `CONFIG_ERROR` naming the config file and the problem. */
export function configError(path: string, problem: string, cause?: unknown): VibormError<"CONFIG_ERROR"> {
  // One sentence: a problem that already ends it (a question: "did you mean `x`?") gets no period.
  const message = `${problem.charAt(0).toUpperCase()}${problem.slice(1)}${/[.?!]$/.test(problem) ? "" : "."}`;
  return new VibormError("CONFIG_ERROR", message, { path, problem }, cause === undefined ? undefined : { cause });
}

// internal

function checkConfig(path: string, loaded: unknown): VibormConfig {
  if (typeof loaded !== "object" || loaded === null) {
    throw configError(
      path,
      `the config file ${path} has no default export; write \`export default defineConfig({ client, migrations })\``,
    );
  }
  const config = loaded as Partial<VibormConfig>;
  if (config.fleet !== undefined && !isPlainObject(config.fleet)) {
    throw optionError(path, "fleet", config.fleet, "an object ({ tenants, concurrency, canary, maxFailures })");
  }
  if ((config.client === undefined || config.client === null) && config.fleet === undefined) {
    throw configError(path, `the config in ${path} has no \`client\` (make one with createClient from viborm/pg, …)`);
  }
  if (config.migrations !== undefined && (typeof config.migrations !== "object" || config.migrations === null)) {
    throw configError(path, `\`migrations\` in ${path} must be an object ({ dir, tableName, storageDriver })`);
  }
  checkKeys(path, "", config, CONFIG_KEYS);
  if (config.migrations) {
    checkKeys(path, "migrations.", config.migrations, MIGRATIONS_KEYS);
    const { dir, tableName, lockTimeoutMs, storageDriver } = config.migrations;
    if (dir !== undefined && (typeof dir !== "string" || dir.trim() === ""))
      throw optionError(path, "migrations.dir", dir, "a folder path (a non-empty string)");
    if (tableName !== undefined && (typeof tableName !== "string" || tableName === ""))
      throw optionError(path, "migrations.tableName", tableName, "a table name (a non-empty string)");
    if (lockTimeoutMs !== undefined && !(Number.isFinite(lockTimeoutMs) && lockTimeoutMs >= 0))
      throw optionError(path, "migrations.lockTimeoutMs", lockTimeoutMs, "a number of milliseconds, 0 or more");
    if (storageDriver !== undefined && (typeof storageDriver !== "object" || storageDriver === null))
      throw optionError(path, "migrations.storageDriver", storageDriver, "a storage driver object");
  }
  if (config.fleet) checkFleet(path, config.fleet);
  return config as VibormConfig;
}

const CONFIG_KEYS = ["client", "migrations", "fleet"];
const MIGRATIONS_KEYS = ["dir", "tableName", "storageDriver", "lockTimeoutMs"];
const FLEET_KEYS = ["tenants", "concurrency", "canary", "maxFailures"];

/** An unknown key (a typo such as `migration:`) is an error naming the nearest valid one, not ignored. */
function checkKeys(path: string, prefix: string, object: object, known: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const near = closest(key, known);
    throw configError(
      path,
      `${path} has an unknown option \`${prefix}${key}\`${near ? `: did you mean \`${prefix}${near}\`?` : ` (known: ${known.map((k) => prefix + k).join(", ")})`}`,
    );
  }
}

/**
 * `fleet`'s options, checked as `createFleet` would check them but named as the config names them:
 * `tenants` a list or a function returning one, `concurrency` at least 1, `canary` and
 * `maxFailures` whole numbers (`maxFailures` may be Infinity).
 */
function checkFleet(path: string, fleet: NonNullable<VibormConfig["fleet"]>): void {
  checkKeys(path, "fleet.", fleet, FLEET_KEYS);
  if (fleet.tenants === undefined) {
    throw configError(path, `\`fleet\` in ${path} has no \`tenants\` (${TENANTS_EXPECTED})`);
  }
  if (typeof fleet.tenants !== "function" && !isTenantList(fleet.tenants)) {
    throw optionError(path, "fleet.tenants", fleet.tenants, TENANTS_EXPECTED);
  }
  const limits = { concurrency: 1, canary: 0, maxFailures: 0 } as const;
  for (const [key, minimum] of Object.entries(limits) as [keyof typeof limits, number][]) {
    const value: unknown = fleet[key];
    if (value === undefined || (key === "maxFailures" && value === Number.POSITIVE_INFINITY)) continue;
    if (!(typeof value === "number" && Number.isInteger(value) && value >= minimum)) {
      throw optionError(path, `fleet.${key}`, value, `a whole number, ${minimum} or more`);
    }
  }
}

/** What `fleet.tenants` may be, for messages. */
const TENANTS_EXPECTED = "an array of { id, client }, an async iterable of them, or a function returning either";

/**
 * `CONFIG_ERROR` naming `fleet.tenants` unless its function returned a list of tenants.
 *
 * @example const list = checkTenantsResult(configPath, await tenants());
 */
export function checkTenantsResult(path: string, value: unknown): Iterable<unknown> | AsyncIterable<unknown> {
  if (isTenantList(value)) return value;
  throw configError(
    path,
    `the \`fleet.tenants\` function in ${path} returned ${describeValue(value)}; it must return an array of { id, client } or an async iterable of them`,
  );
}

function isTenantList(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  if (typeof value !== "object" || value === null) return false;
  return Symbol.asyncIterator in value || Symbol.iterator in value;
}

function isPlainObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionError(path: string, option: string, value: unknown, expected: string): VibormError<"CONFIG_ERROR"> {
  return configError(path, `\`${option}\` in ${path} must be ${expected}, not ${describeValue(value)}`);
}

/** A config value as a message shows it: strings quoted, numbers as written, anything else by kind. */
function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined)
    return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "function" ? "a function" : "an object";
}

async function makeClient(path: string, given: ConfigClient): Promise<VibormClient> {
  let client: unknown;
  try {
    client = typeof given === "function" ? await given() : given;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw configError(path, `the client function in ${path} failed: ${reason}`, error);
  }
  const candidate = client as Partial<VibormClient> | null;
  if (!candidate || typeof candidate !== "object" || !candidate.$driver || !candidate.$snapshot) {
    throw configError(
      path,
      `\`client\` in ${path} is not a viborm client: make it with createClient from a driver entry (viborm/pg, viborm/sqlite3, …)`,
    );
  }
  return candidate as VibormClient;
}
