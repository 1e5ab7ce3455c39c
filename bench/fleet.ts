/**
 * Fleet benchmark: one migration set of 3 migrations applied to 1,000 SQLite tenant files and to
 * 100 PostgreSQL schemas of one database, at concurrency 1, 8 and 32. Reports wall time, tenants per
 * second, database round trips per tenant beside those of one plain `apply` on a fresh database
 * (they must be equal: the fleet adds none), and the peak heap above the start. Tenants are
 * streamed from an async generator with clients made on their turn, so memory does not grow with
 * them: a run over a quarter of the tenants is printed for comparison.
 * (BENCH_FLEET_SQLITE=200 and BENCH_FLEET_PG=40 shorten it.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStorage } from "unstorage";
import { type Schema, s, type VibormClient } from "viborm";
import { createFleet, type Tenant } from "viborm/fleet";
import { createMigrationClient, type MigrationStorageDriver } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { createClient as createPgClient } from "viborm/pg";
import { createClient as createSqliteClient } from "viborm/sqlite3";
import { createPgDatabase, isReachable } from "../tests/helpers/databases.js";
import { printTable } from "./harness.js";

const SQLITE_TENANTS = Number(process.env.BENCH_FLEET_SQLITE ?? 1000);
const PG_TENANTS = Number(process.env.BENCH_FLEET_PG ?? 100);
const CONCURRENCY = [1, 8, 32];

const user = s.model({ id: s.int().id().increment(), email: s.string().unique() });
const post = s.model({ id: s.int().id().increment(), title: s.string(), authorId: s.int() });
const comment = s.model({ id: s.int().id().increment(), body: s.string(), postId: s.int() });
const STEPS: Schema[] = [{ user }, { user, post }, { user, post, comment }];
const SCHEMA = STEPS[2]!;

/** Prints the fleet table. */
export async function benchFleet(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  const root = mkdtempSync(join(tmpdir(), "viborm-bench-fleet-"));
  try {
    const sqliteSet = await migrationSet((schema) => createSqliteClient({ schema, filename: ":memory:" }));
    let run = 0;
    const sqlite = (n: number, concurrency: number) => {
      const dir = mkdtempSync(join(root, `run${run++}-`));
      return measure("sqlite3 files", n, concurrency, sqliteSet, (i) =>
        createSqliteClient({ schema: SCHEMA, filename: join(dir, `t${i}.db`) }),
      );
    };
    for (const concurrency of CONCURRENCY) rows.push(await sqlite(SQLITE_TENANTS, concurrency));
    rows.push(await sqlite(Math.ceil(SQLITE_TENANTS / 4), 8));
    if (await isReachable("postgres")) {
      const database = await createPgDatabase("viborm_bench_fleet");
      try {
        const pgSet = await migrationSet((schema) => createPgClient({ schema, databaseUrl: database.url }));
        const pg = (n: number, concurrency: number) => {
          const prefix = `r${run++}_`;
          return measure("pg schemas", n, concurrency, pgSet, (i) =>
            createPgClient({ schema: SCHEMA, databaseUrl: database.url, pgSchema: `${prefix}t${i}` }),
          );
        };
        for (const concurrency of CONCURRENCY) rows.push(await pg(PG_TENANTS, concurrency));
        rows.push(await pg(Math.ceil(PG_TENANTS / 4), 8));
      } finally {
        await database.drop();
      }
    } else {
      console.log("[skip] fleet on pg schemas: PostgreSQL not reachable");
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  printTable("fleet: apply 3 migrations to every tenant", rows);
}

// internal

async function measure(
  kind: string,
  n: number,
  concurrency: number,
  storageDriver: MigrationStorageDriver,
  make: (index: number) => VibormClient,
): Promise<Record<string, string | number>> {
  // One tenant applied alone first: the round trips a plain apply takes, the yardstick.
  const single = counted(make(n));
  await createMigrationClient(single.client, { storageDriver }).apply();
  await single.client.$close();
  const counts = { roundTrips: 0 };
  async function* tenants(): AsyncGenerator<Tenant> {
    // Tenant n was the yardstick's.
    for (let i = 0; i < n; i++) {
      yield {
        id: `t${i}`,
        client: () => {
          const tenant = counted(make(i));
          tenant.onTrip = () => {
            counts.roundTrips += 1;
          };
          return tenant.client;
        },
      };
    }
  }
  (globalThis as { gc?: () => void }).gc?.();
  const heapStart = process.memoryUsage().heapUsed;
  let heapPeak = heapStart;
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 10);
  const started = performance.now();
  const report = await createFleet({ tenants, storageDriver, concurrency }).apply();
  const ms = performance.now() - started;
  clearInterval(sampler);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  if (report.summary.applied !== n) throw new Error(`fleet bench: ${report.summary.failed} tenants failed`);
  return {
    tenants: `${kind} × ${n}`,
    concurrency,
    "wall ms": Math.round(ms),
    "tenants/s": ((n * 1000) / ms).toFixed(1),
    "round trips/tenant": (counts.roundTrips / n).toFixed(2),
    "single apply round trips": single.trips(),
    "peak heap +MB": ((heapPeak - heapStart) / 1024 / 1024).toFixed(1),
  };
}

/** The three migrations, generated for the dialect of the clients `make` returns. */
async function migrationSet(make: (schema: Schema) => VibormClient): Promise<MigrationStorageDriver> {
  const storageDriver = createUnstorageDriver(createStorage());
  for (const [index, schema] of STEPS.entries()) {
    const client = make(schema);
    const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, index + 1));
    await createMigrationClient(client, { storageDriver, now }).generate({ name: `step-${index + 1}` });
    await client.$close();
  }
  return storageDriver;
}

/**
 * A client whose driver counts round trips: each `query` and `queryAll`, each statement on a
 * pinned session, each batch.
 */
function counted(client: VibormClient): { client: VibormClient; trips(): number; onTrip?: () => void } {
  let trips = 0;
  const result: { client: VibormClient; trips(): number; onTrip?: () => void } = {
    client,
    trips: () => trips,
  };
  const trip = () => {
    trips += 1;
    result.onTrip?.();
  };
  const driver = client.$driver;
  const atomic =
    driver.atomic.kind === "session"
      ? {
          kind: "session" as const,
          withSession: <T>(fn: Parameters<typeof driver.atomic.withSession<T>>[0]) =>
            (driver.atomic as Extract<typeof driver.atomic, { kind: "session" }>).withSession<T>((session) =>
              fn({
                query: (sql, params) => {
                  trip();
                  return session.query(sql, params);
                },
              }),
            ),
        }
      : {
          kind: "batch" as const,
          batch: (statements: Parameters<Extract<typeof driver.atomic, { kind: "batch" }>["batch"]>[0]) => {
            trip();
            return (driver.atomic as Extract<typeof driver.atomic, { kind: "batch" }>).batch(statements);
          },
        };
  const wrapped = {
    ...driver,
    atomic,
    query: (sql: string, params?: unknown[]) => {
      trip();
      return driver.query(sql, params);
    },
    queryAll: (statements: Parameters<typeof driver.queryAll>[0]) => {
      trip();
      return driver.queryAll(statements);
    },
  };
  result.client = { ...client, $driver: wrapped, $close: () => client.$close() };
  return result;
}
