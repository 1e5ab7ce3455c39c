/**
 * The Worker's bindings and the few Workers runtime types it uses, written structurally so the
 * example needs no type package: Cloudflare's own `D1Database`, `KVNamespace` and `R2Bucket` fit.
 */
import type { D1DatabaseLike } from "viborm/d1";

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
