/**
 * Round trips of one migration's atomic unit, counted (never timed) on the session drivers that
 * send several statements in one round trip: a transaction unit takes two whatever its length
 * (BEGIN + lock + precheck, then statements + tracking + COMMIT); MySQL's compensating unit sends
 * each progress record with its statement. The same unit on a session without scripts (the path a
 * failure re-runs, and what a driver without multi-statements takes) is counted beside it.
 * Failures inside a joined unit are in tests/conformance/atomic.test.ts.
 */
import mysql from "mysql2/promise";
import { createStorage } from "unstorage";
import { s, type VibormClient } from "viborm";
import { createMigrationClient, type MigrationStorageDriver } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { createClient as createMysqlClient } from "viborm/mysql2";
import { describe, expect, test } from "vitest";
import { tables } from "../helpers/catalog.js";
import { createMysqlDatabase, requireDatabase } from "../helpers/databases.js";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";
import { clock } from "../migrate/helpers.js";

const v1 = { user: s.model({ id: s.int().id(), email: s.string() }) };
const v2 = {
  user: s.model({ id: s.int().id(), email: s.string(), name: s.string().nullable() }).index("email"),
  post: s.model({ id: s.int().id(), title: s.string() }).index("title"),
  tag: s.model({ id: s.int().id(), label: s.string() }).index("label"),
  note: s.model({ id: s.int().id(), body: s.string() }).index("body"),
  link: s.model({ id: s.int().id(), href: s.string() }).index("href"),
};

/**
 * Session round trips of one unit of `n` statements, with and without scripts. MySQL's count
 * includes the lock-free progress read every command starts with (`recover`).
 */
function expectedRoundTrips(dialect: string, n: number, scripts: boolean): number {
  // GET_LOCK, progress read, precheck, each statement with its record, tracking + clear, RELEASE_LOCK.
  if (dialect === "mysql") return 1 + (scripts ? n + 5 : 2 * n + 8);
  // BEGIN + lock_timeout + lock + precheck, then the statements + tracking + COMMIT.
  if (dialect === "postgres") return scripts ? 2 : n + 6;
  // BEGIN IMMEDIATE + precheck, then the statements + tracking + COMMIT.
  return scripts ? 2 : n + 4;
}

const SESSION_DRIVERS = DRIVERS.filter((driver) => ["pg", "pglite", "sqlite3", "mysql2"].includes(driver.name));
if (SESSION_DRIVERS.length === 0) test.skip("no session driver selected (VIBORM_DRIVERS)", () => undefined);

interface Counts {
  /** Round trips made on pinned sessions (the atomic units). */
  session: number;
  /** Statements sent on them (a script counts each of its statements). */
  statements: number;
}

type SessionCapability = Extract<VibormClient["$driver"]["atomic"], { kind: "session" }>;
type Session = Parameters<Parameters<SessionCapability["withSession"]>[0]>[0];

/** The client with its sessions counted; `scripts: false` hides `script`, as a driver without it would. */
function counting(client: VibormClient, scripts = true): { client: VibormClient; counts: Counts } {
  const counts: Counts = { session: 0, statements: 0 };
  const driver = client.$driver;
  const atomic = driver.atomic;
  if (atomic.kind !== "session") throw new Error("session driver expected");
  const count = (session: Session): Session => {
    const script = session.script;
    return {
      query: (sql, params) => {
        counts.session++;
        counts.statements++;
        return session.query(sql, params);
      },
      ...(script && scripts
        ? {
            script: (statements: readonly string[]) => {
              counts.session++;
              counts.statements += statements.length;
              return script(statements);
            },
          }
        : {}),
    };
  };
  const withSession: SessionCapability["withSession"] = (fn) => atomic.withSession((session) => fn(count(session)));
  return { client: { ...client, $driver: { ...driver, atomic: { kind: "session", withSession } } }, counts };
}

/** Storage holding "one" (applied) and "two" (pending, several statements). */
async function prepare(make: <S extends Record<string, unknown>>(schema: S) => VibormClient) {
  const storageDriver: MigrationStorageDriver = createUnstorageDriver(createStorage());
  const now = clock("2026-01-01T00:00:00Z");
  const one = await createMigrationClient(make(v1), { storageDriver, now }).generate({ name: "one" });
  const two = await createMigrationClient(make(v2), { storageDriver, now }).generate({ name: "two" });
  await createMigrationClient(make(v2), { storageDriver }).apply({ to: one.migration!.id });
  return { storageDriver, up: two.up.length, down: two.down.length, upStatements: two.up };
}

describe.each(SESSION_DRIVERS)("round trips of a migration on $name", (driver) => {
  const db = useFreshDatabase(driver);

  test.each([true, false])("scripts %s: apply and rollback of a multi-statement unit", async (scripts) => {
    const make = <S extends Record<string, unknown>>(schema: S) => db.client(schema as never) as VibormClient;
    const { storageDriver, up, down, upStatements } = await prepare(make);
    expect(up).toBeGreaterThanOrEqual(5);
    const { client, counts } = counting(make(v2), scripts);
    const migrations = createMigrationClient(client, { storageDriver });
    expect((await migrations.apply()).applied.map((m) => m.name)).toEqual(["two"]);
    const applied = { ...counts };
    expect((await tables(make(v1), driver.dialect)).filter((t) => !t.startsWith("_viborm_"))).toEqual([
      "link",
      "note",
      "post",
      "tag",
      "user",
    ]);
    expect(applied.session, `${up} statements`).toBe(expectedRoundTrips(driver.dialect, up, scripts));

    if (driver.dialect === "sqlite") {
      // SQLite keeps each CREATE as sent: joined statements must read back exactly as alone.
      const stored = await make(v1).$queryRaw<{ sql: string }>(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE '_viborm_%' AND name NOT LIKE 'user%'",
      );
      const sent = new Set(upStatements);
      expect(stored.length).toBeGreaterThan(0);
      for (const { sql } of stored) expect(sent.has(sql), sql).toBe(true);
    }

    // Rollback is a unit too: the down statements and the tracking delete.
    counts.session = 0;
    expect((await migrations.rollback()).rolledBack.map((m) => m.name)).toEqual(["two"]);
    expect((await tables(make(v1), driver.dialect)).filter((t) => !t.startsWith("_viborm_"))).toEqual(["user"]);
    expect(counts.session, `${down} statements`).toBe(expectedRoundTrips(driver.dialect, down, scripts));
  });
});

describe("mysql2 on a pool without multipleStatements", () => {
  test("takes the statement-by-statement path and applies", async (ctx) => {
    if (!(await requireDatabase("mysql", "mysql2 pool test"))) return ctx.skip();
    const database = await createMysqlDatabase();
    const pool = mysql.createPool({ uri: database.url });
    try {
      const make = <S extends Record<string, unknown>>(schema: S) =>
        createMysqlClient({ schema: schema as never, pool: pool as never }) as VibormClient;
      const { storageDriver, up } = await prepare(make);
      const { client, counts } = counting(make(v2));
      expect((await createMigrationClient(client, { storageDriver }).apply()).applied.map((m) => m.name)).toEqual([
        "two",
      ]);
      expect(counts.session).toBe(expectedRoundTrips("mysql", up, false));
    } finally {
      await pool.end();
      await database.drop();
    }
  });
});
