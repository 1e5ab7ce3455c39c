/**
 * @module viborm/config: `defineConfig` for `viborm.config.ts`, the file the `viborm` CLI loads.
 *
 * Runtime-agnostic (imports nothing at run time), so a Worker may share its client set-up with it.
 */
import type { VibormClient } from "./drivers/client.js";
import type { TenantSource } from "./fleet/types.js";
import type { MigrationStorageDriver } from "./storage/types.js";

/** The client the CLI works on: a viborm client, or a function making one (called once, only when needed). */
export type ConfigClient = VibormClient | (() => VibormClient | Promise<VibormClient>);

/** Where migration files live and how they are tracked. */
export interface MigrationsConfig {
  /**
   * The folder of migration folders, relative to the config file (the CLI's `--dir` overrides it).
   * Give `dir` or `storageDriver`, not both.
   * @default "migrations"
   */
  dir?: string;
  /** The tracking table (the CLI's `--table-name` overrides it). @default "_viborm_migrations" */
  tableName?: string;
  /**
   * Any storage driver instead of a folder, e.g. `createUnstorageDriver(storage)`. With it, the
   * CLI refuses a `--dir` flag instead of silently choosing one of the two.
   */
  storageDriver?: MigrationStorageDriver;
  /** How long `apply`, `rollback` and `reset` wait for another process's migration lock. @default 30000 */
  lockTimeoutMs?: number;
}

/**
 * The databases `viborm fleet apply | status | rollback` migrate, all from the one migration set of
 * `migrations`. The `--concurrency`, `--canary` and `--max-failures` flags override the numbers.
 */
export interface FleetConfig {
  /** An array of `{ id, client }`, an async iterable of them, or a function returning either (see `viborm/fleet`). */
  tenants: TenantSource;
  /** @default 8 */
  concurrency?: number;
  /** @default 0 */
  canary?: number;
  /** @default Infinity */
  maxFailures?: number;
}

/** What `viborm.config.ts` exports by default: a `client`, a `fleet`, or both. */
export type VibormConfig = {
  /** Migration files and tracking. @default { dir: "migrations" } */
  migrations?: MigrationsConfig;
} & (
  | {
      /** The database and schema: the client from `createClient` of a driver entry, or a function making it. */
      client: ConfigClient;
      /** Many databases for `viborm fleet …`, beside the one `client` the other commands use. */
      fleet?: FleetConfig;
    }
  | {
      client?: undefined;
      /** Many databases for `viborm fleet …`; without a `client`, only the fleet commands work. */
      fleet: FleetConfig;
    }
);

/**
 * Declares the CLI's configuration. It returns its argument unchanged: it exists so the editor
 * checks the shape of the config.
 *
 * @example
 * // viborm.config.ts
 * import { defineConfig } from "viborm/config";
 * import { createClient } from "viborm/pg";
 * import { schema } from "./src/schema.js";
 *
 * export default defineConfig({
 *   client: createClient({ schema, databaseUrl: process.env.DATABASE_URL }),
 *   migrations: { dir: "migrations" },
 * });
 */
export function defineConfig(config: VibormConfig): VibormConfig {
  return config;
}
