/**
 * `viborm/fleet` on real PostgreSQL: a fleet of databases and a fleet of schemas (`pgSchema`) in
 * one database, with a failing tenant, a resume, maxFailures and the connections actually open
 * on the server bounded by `concurrency`.
 */
import pg from "pg";
import type { Schema, VibormClient } from "viborm";
import { createFleet, type Tenant } from "viborm/fleet";
import type { MigrationStorageDriver } from "viborm/migrations";
import { createClient } from "viborm/pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPgDatabase, requireDatabase, type TempDatabase } from "../helpers/databases.js";
import { generateSet, memoryStorage, SCHEMA_V3 } from "./helpers.js";

const offline = <S extends Schema>(schema: S) =>
  createClient({ schema, databaseUrl: "postgres://nobody@127.0.0.1:9/none" });

let available = false;
let storage: MigrationStorageDriver;
let ids: string[];

beforeAll(async () => {
  available = await requireDatabase("postgres", "PostgreSQL fleet tests");
  storage = memoryStorage();
  ids = await generateSet(offline, storage);
});

describe("a fleet of PostgreSQL databases", () => {
  const databases: TempDatabase[] = [];
  beforeAll(async () => {
    if (!available) return;
    for (let i = 0; i < 4; i++) databases.push(await createPgDatabase("viborm_fleetdb"));
  });
  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });

  test("one database failing stays failed alone; a re-run resumes it after the fix", async (ctx) => {
    if (!available) return ctx.skip();
    const broken = new pg.Client({ connectionString: databases[2]!.url });
    await broken.connect();
    await broken.query("CREATE TABLE comment (id int)");
    const tenants: Tenant[] = databases.map((database, i) => ({
      id: `db${i}`,
      client: () => createClient({ schema: SCHEMA_V3, databaseUrl: database.url }),
    }));
    try {
      const fleet = createFleet({ tenants, storageDriver: storage, concurrency: 2 });
      const report = await fleet.apply();
      expect(report.tenants.map((t) => t.state)).toEqual(["applied", "applied", "failed", "applied"]);
      expect(report.tenants[2]).toMatchObject({ applied: ids.slice(0, 2), error: { code: "MIGRATION_FAILED" } });
      // PostgreSQL rolled the failed migration back whole: only the first two are recorded.
      const tracked = await broken.query('SELECT id FROM "_viborm_migrations" ORDER BY id');
      expect(tracked.rows.map((row) => row.id)).toEqual(ids.slice(0, 2));
      await broken.query("DROP TABLE comment");
      const resumed = await fleet.apply();
      expect(resumed.tenants.map((t) => t.state)).toEqual(["up-to-date", "up-to-date", "applied", "up-to-date"]);
      expect(resumed.tenants[2]!.applied).toEqual([ids[2]]);
    } finally {
      await broken.end();
    }
  });
});

describe("a fleet of PostgreSQL schemas in one database", () => {
  let database: TempDatabase | undefined;
  let watcher: pg.Pool;
  beforeAll(async () => {
    if (!available) return;
    database = await createPgDatabase("viborm_fleetschemas");
    watcher = new pg.Pool({ connectionString: database.url, max: 1 });
  });
  afterAll(async () => {
    await watcher?.end();
    await database?.drop();
  });

  const schemaTenants = (n: number): Tenant[] =>
    Array.from({ length: n }, (_, i) => ({
      id: `tenant_${i}`,
      client: () => createClient({ schema: SCHEMA_V3, databaseUrl: database!.url, pgSchema: `tenant_${i}` }),
    }));

  /** Backends on the database, except the watcher's own (only those running a query or a transaction when `busy`). */
  async function backends(busy = false): Promise<number> {
    const { rows } = await watcher.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()${busy ? " AND state <> 'idle'" : ""}`,
    );
    return rows[0]!.n;
  }

  test("every schema gets the same migration set; connections never exceed `concurrency`", async (ctx) => {
    if (!database) return ctx.skip();
    let peak = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        peak = Math.max(peak, await backends(true));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    let open = 0;
    let peakOpen = 0;
    const tenants = schemaTenants(16).map((tenant) => ({
      ...tenant,
      client: () => {
        const client = (tenant.client as () => VibormClient)();
        open += 1;
        peakOpen = Math.max(peakOpen, open);
        const close = client.$close;
        return Object.assign(client, { $close: () => close().finally(() => (open -= 1)) });
      },
    }));
    const report = await createFleet({ tenants, storageDriver: storage, concurrency: 3 }).apply();
    watching = false;
    await watch;
    expect(report.summary).toMatchObject({ applied: 16, failed: 0 });
    expect(peakOpen).toBe(3);
    expect(peak).toBeGreaterThan(0);
    // A closed connection's backend takes a moment to exit, so the server is asked only about busy
    // ones; on a loaded machine one that is just exiting can still be sampled busy beside the next
    // tenant's. The bound on what the fleet holds open is peakOpen above; the server sees no more
    // than one straggler beyond it.
    expect(peak).toBeLessThanOrEqual(3 + 1);
    // Every client the fleet opened is closed: nothing is left connected.
    expect(open).toBe(0);
    await expect.poll(() => backends(), { timeout: 5_000 }).toBe(0);
    const { rows } = await watcher.query<{ n: number }>(
      "SELECT count(DISTINCT table_schema)::int AS n FROM information_schema.tables WHERE table_name = 'comment'",
    );
    expect(rows[0]!.n).toBe(16);
  });

  test("maxFailures stops new schemas from starting; a re-run after the fix resumes", async (ctx) => {
    if (!database) return ctx.skip();
    const tenants = schemaTenants(6).map((tenant, i) => ({ ...tenant, id: `mf_${i}` }));
    const clientFor = (i: number) =>
      createClient({ schema: SCHEMA_V3, databaseUrl: database!.url, pgSchema: `mf_${i}` });
    const named = tenants.map((tenant, i) => ({ ...tenant, client: () => clientFor(i) }));
    await watcher.query('CREATE SCHEMA mf_1; CREATE TABLE mf_1."user" (x int)');
    const fleet = createFleet({ tenants: named, storageDriver: storage, concurrency: 1, maxFailures: 0 });
    const report = await fleet.apply();
    expect(report.tenants.map((t) => t.state)).toEqual([
      "applied",
      "failed",
      "skipped",
      "skipped",
      "skipped",
      "skipped",
    ]);
    const { rows } = await watcher.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'mf\\_%' ORDER BY 1");
    // Skipped tenants are untouched: their schemas were never even created.
    expect(rows.map((row) => row.nspname)).toEqual(["mf_0", "mf_1"]);
    await watcher.query('DROP TABLE mf_1."user"');
    const resumed = await fleet.apply();
    expect(resumed.summary).toMatchObject({ applied: 5, upToDate: 1, failed: 0 });
  });
});
