/**
 * push and the migrate workflow on viborm/planetscale, counted in HTTP requests to the local endpoint.
 *
 * PlanetScale's Execute takes one statement per request and MySQL DDL commits implicitly, so a
 * migration runs statement by statement with undo (src/atomic/compensating.ts): the "2 + k"
 * budget of the batch drivers cannot hold. What each request is for is printed and asserted.
 */
import { createStorage } from "unstorage";
import { isVibormError, type Schema, s } from "viborm";
import { createMigrationClient, type MigrationStorageDriver } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { createClient } from "viborm/planetscale";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { tables } from "../../helpers/catalog.js";
import { requireDatabase } from "../../helpers/databases.js";
import { clock } from "../../migrate/helpers.js";
import { sharedPlanetScaleEndpoint } from "../fixtures/planetscale-endpoint.js";
import { byPurpose, type EndpointDatabase, endpointDatabase } from "./helpers.js";

/** A schema of `count` small tables. */
function manyTables(count: number): Schema {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `t${i}`,
      s.model({ id: s.int().id().increment(), label: s.string().unique(), at: s.dateTime().now() }),
    ]),
  );
}

const base = { user: s.model({ id: s.int().id().increment(), email: s.string() }) };
const withPosts = {
  user: s.model({ id: s.int().id().increment(), email: s.string(), name: s.string().nullable() }),
  post: s.model({ id: s.int().id().increment(), title: s.string() }),
};

function memoryStorage(): MigrationStorageDriver {
  return createUnstorageDriver(createStorage());
}

/** The statements of a stored up.sql (one per `;`-terminated line group, as generate writes them). */
async function upStatements(storage: MigrationStorageDriver, id: string): Promise<string[]> {
  const up = (await storage.get(`${id}/up.sql`)) ?? "";
  return up
    .split(/;\s*\n/)
    .map((statement) => statement.replace(/^\s*--.*$/gm, "").trim())
    .filter((statement) => statement.length > 0);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("viborm/planetscale migrations", () => {
  let db: EndpointDatabase;
  let skip = false;
  beforeEach(async (ctx) => {
    skip = !(await requireDatabase("mysql", "planetscale migration tests"));
    if (skip) ctx.skip();
    db = await endpointDatabase();
  });
  afterEach(async () => {
    if (!skip) await db.drop();
  });

  test("round trips: no-op push and status do not grow with the tables; apply of k is 2 + Σ(8 + 2·statements)", async () => {
    const report: Record<string, unknown>[] = [];
    const noopPush: number[] = [];
    const statusCounts: number[] = [];
    const storageDriver = memoryStorage();
    const now = clock("2026-03-01T00:00:00Z");
    // The tracking table exists from the first apply on; counted here is every apply after it.
    await createMigrationClient(createClient({ schema: base, url: db.url }), { storageDriver }).apply();
    for (const [k, size] of [
      [1, 2],
      [2, 12],
    ] as const) {
      // k migrations (the last one creates `size` tables), then apply, status and a no-op push.
      for (let i = 0; i < k; i++) {
        const schema = manyTables(size - (k - 1 - i));
        await createMigrationClient(createClient({ schema, url: db.url }), { storageDriver, now }).generate();
      }
      const migrations = createMigrationClient(createClient({ schema: manyTables(size), url: db.url }), {
        storageDriver,
        now,
      });
      const pending = (await migrations.status()).filter((m) => m.state === "pending").length;
      db.mark();
      await migrations.apply();
      const apply = db.requests();
      db.mark();
      await migrations.status();
      const status = db.requests();
      db.mark();
      expect((await migrations.push()).applied).toBe(false);
      const push = db.requests();
      statusCounts.push(status.length);
      noopPush.push(push.length);

      const purposes = byPurpose(apply);
      const statements = purposes.statement ?? 0;
      // A lock-free progress read (anything a killed run left?) and one tracking read, then per
      // migration: lock, progress read, tracking re-read under the lock, each statement and its
      // progress row, BEGIN, tracking row, progress cleanup, COMMIT, unlock. The first migration
      // ever also creates the progress table (its read found none).
      const created = purposes["progress table"] ?? 0;
      expect(created).toBe(report.length === 0 ? 1 : 0);
      expect(apply.length).toBe(2 + pending * 8 + 2 * statements + created);
      expect(purposes).toMatchObject({ lock: pending, unlock: pending, transaction: 2 * pending });
      expect(purposes["progress write"]).toBe(statements);
      report.push({ tables: size, pending, apply: apply.length, ...purposes });
      // status also reads the progress table, to report an interrupted run.
      expect(byPurpose(status)).toEqual({ "tracking read": 1, "progress read": 1 });
      expect(byPurpose(push)).toEqual({ "progress read": 1, introspection: push.length - 1 });
    }
    console.log("PlanetScale round trips (HTTP requests) per apply:");
    console.table(report);
    console.log(
      `no-op push: ${noopPush.join(" / ")} requests; status: ${statusCounts.join(" / ")} requests (2 vs 12 tables)`,
    );
    expect(noopPush[0]).toBe(noopPush[1]);
    expect(noopPush[0]).toBeLessThanOrEqual(6);
    expect(statusCounts).toEqual([2, 2]);
  });

  test("a statement failing mid-migration is undone by compensation: schema and tracking as before", async () => {
    const storageDriver = memoryStorage();
    const migrations = createMigrationClient(createClient({ schema: withPosts, url: db.url }), {
      storageDriver,
      now: clock("2026-01-01T00:00:00Z"),
    });
    const { migration } = await migrations.generate({ name: "init" });
    const [first, ...rest] = await upStatements(storageDriver, migration!.id);
    // The bad statement sits between generated ones: the first is undone, the rest never run.
    const up = [first, "INSERT INTO no_such_table (x) VALUES (1)", ...rest].map((sql) => `${sql};\n`).join("\n");
    await storageDriver.put(`${migration!.id}/up.sql`, up);
    const error = await migrations.apply().catch((e: unknown) => e);
    expect(isVibormError(error, "MIGRATION_FAILED")).toBe(true);
    const meta = (error as { meta: Record<string, unknown> }).meta as {
      failed: { statementIndex: number; sql: string };
      compensated: string[];
      notCompensated: unknown[];
      notExecuted: string[];
    };
    expect(meta.failed).toMatchObject({ statementIndex: 1, sql: expect.stringMatching(/no_such_table/) });
    expect(meta.compensated).toEqual([first]);
    expect(meta.notCompensated).toEqual([]);
    expect(meta.notExecuted.slice(0, rest.length)).toEqual(rest);
    const cause = (error as Error).cause as Error;
    expect(cause.cause).toMatchObject({ code: "ER_NO_SUCH_TABLE" });
    const client = createClient({ schema: base, url: db.url });
    expect((await tables(client, "mysql")).filter((t) => !t.startsWith("_viborm_"))).toEqual([]);
    expect(await client.$queryRaw("SELECT * FROM _viborm_progress")).toEqual([]);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["pending"]);
  });

  test("an HTTP failure mid-migration is undone on the same session, and apply then succeeds", async () => {
    const endpoint = await sharedPlanetScaleEndpoint();
    const storageDriver = memoryStorage();
    const migrations = createMigrationClient(createClient({ schema: withPosts, url: db.url }), {
      storageDriver,
      now: clock("2026-01-01T00:00:00Z"),
    });
    const { migration } = await migrations.generate({ name: "init" });
    const [first, second] = await upStatements(storageDriver, migration!.id);
    endpoint.failNext(new RegExp(`^${escapeRegExp(second!.slice(0, 40))}`), 503);
    const error = await migrations.apply().catch((e: unknown) => e);
    expect(isVibormError(error, "MIGRATION_FAILED")).toBe(true);
    expect((error as { meta: { compensated: string[] } }).meta.compensated).toEqual([first]);
    expect(((error as Error).cause as Error).cause).toMatchObject({ name: "UnknownError", status: 503 });
    const client = createClient({ schema: base, url: db.url });
    expect((await tables(client, "mysql")).filter((t) => !t.startsWith("_viborm_"))).toEqual([]);

    // The tracking write lost on the wire: rolled back, the statements undone.
    endpoint.failNext(/^INSERT INTO `_viborm_migrations`/, 502);
    const lost = await migrations.apply().catch((e: unknown) => e);
    expect(isVibormError(lost, "MIGRATION_FAILED")).toBe(true);
    expect((await tables(client, "mysql")).filter((t) => !t.startsWith("_viborm_"))).toEqual([]);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["pending"]);

    expect((await migrations.apply()).applied.map((m) => m.name)).toEqual(["init"]);
    expect((await tables(client, "mysql")).filter((t) => !t.startsWith("_viborm_"))).toEqual(["post", "user"]);
  });

  test("a run cut off before it could undo its work is undone by the next apply", async () => {
    const endpoint = await sharedPlanetScaleEndpoint();
    const storageDriver = memoryStorage();
    const migrations = createMigrationClient(createClient({ schema: withPosts, url: db.url }), {
      storageDriver,
      now: clock("2026-01-01T00:00:00Z"),
    });
    const { migration } = await migrations.generate({ name: "init" });
    const [, second] = await upStatements(storageDriver, migration!.id);
    // The connection drops for good after the first statement: its undo and the cleanup fail too.
    endpoint.failNext(new RegExp(`^${escapeRegExp(second!.slice(0, 40))}`), 503);
    endpoint.failNext(/^DROP TABLE/, 503);
    endpoint.failNext(/^DELETE FROM `_viborm_progress`/, 503);
    await expect(migrations.apply()).rejects.toThrow();
    const client = createClient({ schema: base, url: db.url });
    expect((await tables(client, "mysql")).filter((t) => !t.startsWith("_viborm_"))).toHaveLength(1);
    // The intent of the refused second statement was recorded before it was sent: both rows stay.
    expect(await client.$queryRaw("SELECT step FROM _viborm_progress ORDER BY step")).toEqual([
      { step: 0 },
      { step: 1 },
    ]);

    db.mark();
    expect((await migrations.apply()).applied.map((m) => m.name)).toEqual(["init"]);
    expect(db.requests().some((r) => /^DROP TABLE/.test(r.query ?? ""))).toBe(true);
    expect((await tables(client, "mysql")).filter((t) => !t.startsWith("_viborm_"))).toEqual(["post", "user"]);
    expect(await client.$queryRaw("SELECT step FROM _viborm_progress")).toEqual([]);
  });

  test("two concurrent appliers over separate HTTP sessions apply each migration exactly once", async () => {
    const storageDriver = memoryStorage();
    const now = clock("2026-01-01T00:00:00Z");
    await createMigrationClient(createClient({ schema: base, url: db.url }), { storageDriver, now }).generate({
      name: "one",
    });
    await createMigrationClient(createClient({ schema: withPosts, url: db.url }), { storageDriver, now }).generate({
      name: "two",
    });
    const make = () => createMigrationClient(createClient({ schema: withPosts, url: db.url }), { storageDriver });
    db.mark();
    const [a, b] = await Promise.all([make().apply(), make().apply()]);
    expect([...a.applied, ...b.applied].map((m) => m.name).sort()).toEqual(["one", "two"]);
    const statements = db.requests().filter((r) => /^(CREATE TABLE `|ALTER TABLE)/.test(r.query ?? ""));
    expect(statements.map((r) => r.query!.slice(0, 18)).sort()).toEqual(
      ["ALTER TABLE `user`", "CREATE TABLE `post", "CREATE TABLE `user"].sort(),
    );
    // Each applier took the lock on its own session (a new session per unit).
    const locks = db.requests().filter((r) => /GET_LOCK/.test(r.query ?? ""));
    expect(locks.length).toBeGreaterThanOrEqual(2);
    expect(locks.every((r) => r.session === null)).toBe(true);
    expect((await make().status()).map((m) => m.state)).toEqual(["applied", "applied"]);
  });

  test("a lock held by another session makes apply fail with LOCK_TIMEOUT, changing nothing", async () => {
    const storageDriver = memoryStorage();
    const migrations = createMigrationClient(createClient({ schema: base, url: db.url }), {
      storageDriver,
      lockTimeoutMs: 1_000,
      now: clock("2026-01-01T00:00:00Z"),
    });
    await migrations.generate({ name: "init" });
    const holder = createClient({ schema: base, url: db.url }).$driver;
    if (holder.atomic.kind !== "session") throw new Error("planetscale must offer a session");
    const lock = holder.sqlDialect.lock!;
    const key = "viborm:_viborm_migrations";
    const error = await holder.atomic.withSession(async (session) => {
      for (const statement of lock.acquire(key, 0)) await session.query(statement.sql, statement.params);
      try {
        return await migrations.apply().catch((e: unknown) => e);
      } finally {
        for (const statement of lock.release(key)) await session.query(statement.sql, statement.params);
      }
    });
    expect(isVibormError(error, "LOCK_TIMEOUT")).toBe(true);
    const client = createClient({ schema: base, url: db.url });
    expect(await tables(client, "mysql")).toEqual([]);
    expect((await migrations.apply()).applied.map((m) => m.name)).toEqual(["init"]);
  });

  test("rollback and reset run statement by statement too, and push creates and drops", async () => {
    const storageDriver = memoryStorage();
    const now = clock("2026-01-01T00:00:00Z");
    await createMigrationClient(createClient({ schema: base, url: db.url }), { storageDriver, now }).generate({
      name: "one",
    });
    const migrations = createMigrationClient(createClient({ schema: withPosts, url: db.url }), { storageDriver, now });
    await migrations.generate({ name: "two" });
    await migrations.apply();
    db.mark();
    expect((await migrations.rollback()).rolledBack.map((m) => m.name)).toEqual(["two"]);
    const purposes = byPurpose(db.requests());
    expect(purposes).toMatchObject({ "tracking delete": 1, lock: 1, unlock: 1 });
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "pending"]);
    const reset = await migrations.reset();
    expect(reset.applied.map((m) => m.name)).toEqual(["one", "two"]);
    const client = createClient({ schema: withPosts, url: db.url });
    expect((await tables(client, "mysql")).filter((t) => !t.startsWith("_viborm_"))).toEqual(["post", "user"]);
    expect((await createMigrationClient(client).push()).applied).toBe(false);
  });
});
