/**
 * Picks the storage driver the migrations are read from, by the `MIGRATIONS_SOURCE` var: the
 * bundle built into the deploy, or the files uploaded to KV or R2 (through unstorage).
 */
import { createStorage, type Driver } from "unstorage";
import kvBinding from "unstorage/drivers/cloudflare-kv-binding";
import r2Binding from "unstorage/drivers/cloudflare-r2-binding";
import { VibormError } from "viborm";
import type { MigrationStorageDriver } from "viborm/migrations";
import { createBundleStorageDriver } from "viborm/migrations/storage/bundle";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import type { Env, MigrationsSource, StorageBinding } from "./env.js";
import bundledMigrations from "./migrations.generated.js";

/**
 * The key prefix of the migration files in KV and R2. unstorage joins key segments with `:`, so
 * the file `<id>/up.sql` is the KV key (or R2 object) `migrations:<id>:up.sql`.
 */
export const MIGRATIONS_BASE = "migrations";

/** The sources `MIGRATIONS_SOURCE` may name. */
export const MIGRATIONS_SOURCES: readonly MigrationsSource[] = ["bundle", "kv", "r2"];

/**
 * The source `env` asks for; an unknown value fails with `CONFIG_ERROR` rather than falling back,
 * so a typo in `wrangler.toml` cannot silently apply another set of migrations.
 *
 * @example migrationsSource({ DB }) // → "bundle"
 */
export function migrationsSource(env: Env): MigrationsSource {
  const source: unknown = env.MIGRATIONS_SOURCE ?? "bundle";
  if (MIGRATIONS_SOURCES.includes(source as MigrationsSource)) return source as MigrationsSource;
  throw new VibormError(
    "CONFIG_ERROR",
    `MIGRATIONS_SOURCE is ${JSON.stringify(source)}; set it to "bundle", "kv" or "r2" in wrangler.toml.`,
    { path: "wrangler.toml", problem: "unknown MIGRATIONS_SOURCE" },
  );
}

/**
 * The storage driver for `env`'s source. The bundle is read-only, so nothing on the Worker can
 * change the migrations it was deployed with; KV and R2 are read through unstorage.
 *
 * @example const storageDriver = migrationStorage(env);
 */
export function migrationStorage(env: Env): MigrationStorageDriver {
  const source = migrationsSource(env);
  switch (source) {
    case "bundle":
      bundle ??= createBundleStorageDriver(bundledMigrations);
      return bundle;
    case "kv":
      return overUnstorage(kvBinding({ binding: requireBinding(env.MIGRATIONS_KV, "MIGRATIONS_KV", "kv") }));
    case "r2":
      return overUnstorage(r2Binding({ binding: requireBinding(env.MIGRATIONS_R2, "MIGRATIONS_R2", "r2") }));
  }
}

// internal

/** The bundled files never change while the Worker runs: one driver for every invocation. */
let bundle: MigrationStorageDriver | undefined;

function overUnstorage(driver: Driver): MigrationStorageDriver {
  return createUnstorageDriver(createStorage({ driver }), { base: MIGRATIONS_BASE });
}

function requireBinding(binding: StorageBinding | undefined, name: string, source: MigrationsSource): StorageBinding {
  if (binding) return binding;
  throw new VibormError(
    "CONFIG_ERROR",
    `MIGRATIONS_SOURCE is "${source}" but the Worker has no ${name} binding; declare it in wrangler.toml.`,
    { path: "wrangler.toml", problem: `missing ${name} binding` },
  );
}
