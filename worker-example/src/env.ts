/**
 * The Worker's bindings and the few Workers runtime types it uses, written structurally so the
 * example needs no type package: Cloudflare's own `D1Database`, `KVNamespace` and `R2Bucket` fit.
 */
import type { D1DatabaseLike } from "viborm/d1";
import type { WorkflowBindingLike } from "viborm/fleet/workflow";

/** Where the cron handler reads migrations from (the `MIGRATIONS_SOURCE` var). */
export type MigrationsSource = "bundle" | "kv" | "r2";

/** The bindings declared in `wrangler.toml`. */
export interface Env {
  /** The D1 database the migrations are applied to. */
  DB: D1DatabaseLike;
  /** Migration files under the keys `migrations:<id>:up.sql`, … (read when the source is `"kv"`). */
  MIGRATIONS_KV?: StorageBinding;
  /** Migration files as objects with the same keys as in KV (read when the source is `"r2"`). */
  MIGRATIONS_R2?: StorageBinding;
  /** @default "bundle" (the migrations built into the deploy) */
  MIGRATIONS_SOURCE?: MigrationsSource;
  /** The fleet Workflow (`FleetWorkflow`), which migrates every tenant database. */
  FLEET_WORKFLOW?: WorkflowBindingLike;
  /** "true": each cron firing also starts a fleet run. @default "false" */
  FLEET_ON_CRON?: string;
  /** The account whose D1 databases named `FLEET_D1_NAME_PREFIX…` are tenants too, over the HTTP API. */
  FLEET_D1_ACCOUNT_ID?: string;
  /** The API token for them (a secret: `wrangler secret put FLEET_D1_API_TOKEN`). */
  FLEET_D1_API_TOKEN?: string;
  /** @default "https://api.cloudflare.com/client/v4" */
  FLEET_D1_API_BASE?: string;
  /** @default "tenant-" */
  FLEET_D1_NAME_PREFIX?: string;
  /** Retries of each fleet step. @default "3" */
  FLEET_RETRY_LIMIT?: string;
  /** The first retry's delay (then doubling): milliseconds, or text such as "5 seconds". @default "5 seconds" */
  FLEET_RETRY_DELAY?: string;
  /** Steps one Workflow instance may take (the plan's limit: 1,024 Free, 10,000 Paid by default). @default "1000" */
  FLEET_MAX_STEPS_PER_INSTANCE?: string;
  /** Part instances of a large fleet running at once. @default "10" */
  FLEET_PARALLEL_INSTANCES?: string;
  // Tenant databases are the D1 bindings named TENANT_DB_* (see fleet-tenants.ts).
}

/**
 * A KV namespace or an R2 bucket: the methods unstorage's Cloudflare drivers call on them. They
 * are handed to unstorage as they are; this type only keeps `Env` honest.
 */
export interface StorageBinding {
  get(key: string, options?: unknown): Promise<unknown>;
  put(key: string, value: never, options?: unknown): Promise<unknown>;
  delete(key: string): Promise<unknown>;
  list(options?: unknown): Promise<unknown>;
}

/** The part of the `scheduled` handler's controller the Worker reads. */
export interface ScheduledControllerLike {
  /** The cron pattern that fired, e.g. `"*\/5 * * * *"`. */
  cron: string;
  /** When the trigger was scheduled, in milliseconds since the epoch. */
  scheduledTime: number;
}
