/**
 * A Cloudflare Worker that keeps its D1 database migrated.
 *
 * - `scheduled` (the cron in `wrangler.toml`) applies pending migrations to `env.DB`, read from the
 *   bundle built into the deploy, or from KV or R2 (`MIGRATIONS_SOURCE`), and logs what it did.
 *   Each migration runs as one D1 `batch()` with its tracking row inside it, so a failed migration
 *   leaves nothing behind and the next trigger tries it again; an applied one is never re-run.
 * - `fetch` answers `GET /migrations` with the migration status as JSON; anything else is a 404.
 *
 * It is bundled without `nodejs_compat`: nothing here or in viborm's edge entries imports Node.
 */

import { isVibormError } from "viborm";
import { createClient } from "viborm/d1";
import { createMigrationClient, type MigrationClient } from "viborm/migrations";
import type { Env, ScheduledControllerLike } from "./env.js";
import { handleFleetRequest, startFleetFromCron } from "./fleet.js";
import { schema } from "./schema.js";
import { migrationStorage, migrationsSource } from "./storage.js";

export type { Env } from "./env.js";
export { FleetWorkflow } from "./fleet.js";

export default {
  /** Applies pending migrations; a failure is logged and rethrown so the invocation is marked failed. */
  async scheduled(controller: ScheduledControllerLike, env: Env): Promise<void> {
    try {
      const result = await withMigrations(env, (migrations) => migrations.apply());
      log({
        event: "migrations.applied",
        cron: controller.cron,
        source: migrationsSource(env),
        applied: result.applied.map((migration) => migration.id),
        pending: result.pending.map((migration) => migration.id),
      });
    } catch (error) {
      log({ event: "migrations.failed", cron: controller.cron, error: describeError(error) });
      throw error;
    }
    if (env.FLEET_ON_CRON === "true") {
      const id = await startFleetFromCron(env, controller.scheduledTime);
      log({ event: "fleet.started", cron: controller.cron, id });
    }
  },

  /** `GET /migrations` → `[{ id, name, state, appliedAt? }, …]`, oldest first. */
  async fetch(request: Request, env: Env): Promise<Response> {
    const fleet = await handleFleetRequest(request, env);
    if (fleet) return fleet;
    const { pathname } = new URL(request.url);
    if (request.method !== "GET" || pathname !== "/migrations") {
      return Response.json({ error: "not found" }, { status: 404 });
    }
    try {
      return Response.json(await withMigrations(env, (migrations) => migrations.status()));
    } catch (error) {
      return Response.json({ error: describeError(error) }, { status: 500 });
    }
  },
};

// internal

/** A migration client for this invocation; the D1 binding itself stays open (it is the Worker's). */
async function withMigrations<T>(env: Env, run: (migrations: MigrationClient) => Promise<T>): Promise<T> {
  const client = createClient({ schema, database: env.DB });
  try {
    return await run(createMigrationClient(client, { storageDriver: migrationStorage(env) }));
  } finally {
    await client.$close();
  }
}

/** viborm errors keep their stable code and facts; anything else only its message. */
function describeError(error: unknown): { code?: string; message: string; meta?: unknown } {
  if (isVibormError(error)) return { code: error.code, message: error.message, meta: error.meta };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** One JSON line per event, which `wrangler tail` and Workers Logs show as structured fields. */
function log(entry: Record<string, unknown>): void {
  console.log(JSON.stringify(entry));
}
