/**
 * The viborm/sqlite3 driver (better-sqlite3): queries and bound values, queryAll, sessions pinned
 * and serialised in-process, SQLITE_BUSY surfaced without blocking the event loop, typed errors,
 * and connection ownership.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { isVibormError, s } from "viborm";
import { createClient, createSqlite3Driver } from "viborm/sqlite3";
import { afterEach, beforeEach, describe, expect, test } from "vitest";

const schema = { item: s.model({ id: s.int().id(), label: s.string() }) };

describe("viborm/sqlite3 driver", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "viborm-sqlite-driver-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("createClient over a file it opens: dialect, foreign keys on, busy timeout 0, raw queries", async () => {
    const client = createClient({ schema, filename: join(dir, "a.db") });
    expect(client.$driver).toMatchObject({ name: "sqlite3", dialect: "sqlite", atomic: { kind: "session" } });
    expect(await client.$queryRaw("PRAGMA foreign_keys")).toEqual([{ foreign_keys: 1 }]);
    expect(await client.$queryRaw("PRAGMA busy_timeout")).toEqual([{ timeout: 0 }]);
    await client.$executeRaw(`CREATE TABLE "item" ("id" INTEGER PRIMARY KEY, "label" TEXT)`);
    expect(await client.$executeRaw(`INSERT INTO "item" VALUES (?, ?), (?, ?)`, [1, "a", 2, "it's"])).toBe(2);
    expect(await client.$queryRaw(`SELECT * FROM "item" WHERE "label" = ?`, ["it's"])).toEqual([
      { id: 2, label: "it's" },
    ]);
    await client.$close();
    await client.$close();
  });

  test("binds booleans as 0/1, dates as ISO text, bigints exactly, bytes as blobs; reads big integers as strings", async () => {
    const driver = createSqlite3Driver({ filename: ":memory:" });
    await driver.query(`CREATE TABLE "v" ("b" BOOLEAN, "d" DATETIME, "n" BIGINT, "small" BIGINT, "x" BLOB, "u" TEXT)`);
    const date = new Date("2024-05-06T07:08:09.010Z");
    await driver.query(`INSERT INTO "v" VALUES (?, ?, ?, ?, ?, ?)`, [
      true,
      date,
      9007199254740993n,
      42n,
      new Uint8Array([1, 2, 255]),
      undefined,
    ]);
    const { rows } = await driver.query(`SELECT * FROM "v"`);
    expect(rows).toEqual([
      { b: 1, d: "2024-05-06T07:08:09.010Z", n: "9007199254740993", small: 42, x: Buffer.from([1, 2, 255]), u: null },
    ]);
    await driver.close();
  });

  test("queryAll runs DDL and reads in order, one result per statement; a script runs through query", async () => {
    const driver = createSqlite3Driver({ filename: ":memory:" });
    const results = await driver.queryAll([
      { sql: `CREATE TABLE "t" ("id" INTEGER)` },
      { sql: `INSERT INTO "t" VALUES (?)`, params: [7] },
      { sql: `SELECT "id" FROM "t"` },
      { sql: "SELECT 1 AS one" },
    ]);
    expect(results).toEqual([[], [], [{ id: 7 }], [{ one: 1 }]]);
    await driver.query(`INSERT INTO "t" VALUES (8); INSERT INTO "t" VALUES (9);`);
    expect((await driver.query(`SELECT count(*) AS n FROM "t"`)).rows).toEqual([{ n: 3 }]);
    await driver.close();
  });

  test("errors are QueryFailedError with the SQL in meta and the driver's error as cause", async () => {
    const driver = createSqlite3Driver({ filename: ":memory:" });
    const error = await driver.query("SELECT * FROM missing WHERE x = ?", [1]).catch((caught: unknown) => caught);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    expect(error).toMatchObject({ meta: { sql: "SELECT * FROM missing WHERE x = ?", driver: "sqlite3" } });
    expect((error as Error).cause).toBeInstanceOf(Database.SqliteError);
    expect((error as { cause: { code: string } }).cause.code).toBe("SQLITE_ERROR");
    await expect(driver.queryAll([{ sql: "SELEC 1" }])).rejects.toMatchObject({ code: "QUERY_FAILED" });
    await driver.close();
  });

  test("a session is pinned: a temp table made in it is visible throughout it", async () => {
    const driver = createSqlite3Driver({ filename: join(dir, "b.db") });
    if (driver.atomic.kind !== "session") throw new Error("session expected");
    const seen = await driver.atomic.withSession(async (session) => {
      await session.query("BEGIN IMMEDIATE");
      await session.query(`CREATE TEMP TABLE "scratch" ("v" TEXT)`);
      await session.query(`INSERT INTO "scratch" VALUES ('kept')`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const { rows } = await session.query(`SELECT "v" FROM "scratch"`);
      await session.query("COMMIT");
      return rows;
    });
    expect(seen).toEqual([{ v: "kept" }]);
    await driver.close();
  });

  test("two sessions on one Database never interleave, and a failed session releases the next", async () => {
    const driver = createSqlite3Driver({ filename: ":memory:" });
    if (driver.atomic.kind !== "session") throw new Error("session expected");
    const atomic = driver.atomic;
    const events: string[] = [];
    const session = (name: string, fail = false) =>
      atomic.withSession(async (s) => {
        events.push(`${name}:begin`);
        await s.query("BEGIN IMMEDIATE");
        await new Promise((resolve) => setTimeout(resolve, 10));
        await s.query("SELECT 1");
        if (fail) {
          await s.query("ROLLBACK");
          events.push(`${name}:failed`);
          throw new Error("boom");
        }
        await s.query("COMMIT");
        events.push(`${name}:end`);
        return name;
      });
    const results = await Promise.allSettled([session("a"), session("b", true), session("c")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(events).toEqual(["a:begin", "a:end", "b:begin", "b:failed", "c:begin", "c:end"]);
    await driver.close();
  });

  test("a locked database: BEGIN IMMEDIATE fails at once with SQLITE_BUSY; other statements wait without blocking", async () => {
    const file = join(dir, "c.db");
    const first = createSqlite3Driver({ filename: file });
    const second = createSqlite3Driver({ filename: file, busyWaitMs: 2000 });
    await first.query(`CREATE TABLE "t" ("id" INTEGER)`);
    await first.query("BEGIN IMMEDIATE");
    await first.query(`INSERT INTO "t" VALUES (1)`);

    const started = Date.now();
    const busy = await second.query("BEGIN IMMEDIATE").catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(isVibormError(busy, "QUERY_FAILED")).toBe(true);
    expect((busy as { cause: { code: string } }).cause.code).toBe("SQLITE_BUSY");

    // The insert waits asynchronously: a timer set after it fires first, and only then can the
    // first connection commit (a blocking busy wait would freeze this very event loop).
    const order: string[] = [];
    const waiting = second.query(`INSERT INTO "t" VALUES (2)`).then(() => order.push("insert"));
    await new Promise((resolve) => setTimeout(resolve, 30));
    order.push("timer");
    await first.query("COMMIT");
    await waiting;
    expect(order).toEqual(["timer", "insert"]);
    expect((await second.query(`SELECT "id" FROM "t" ORDER BY 1`)).rows).toEqual([{ id: 1 }, { id: 2 }]);
    await first.close();
    await second.close();
  });

  test("a Database passed in is never closed nor reconfigured; one opened by the client is closed", async () => {
    const database = new Database(join(dir, "d.db"));
    database.pragma("foreign_keys = OFF");
    const client = createClient({ schema, database });
    expect(await client.$queryRaw("PRAGMA foreign_keys")).toEqual([{ foreign_keys: 0 }]);
    await client.$close();
    expect(database.open).toBe(true);
    expect(database.prepare("SELECT 1 AS one").get()).toEqual({ one: 1 });
    database.close();

    const owned = createClient({ schema, filename: join(dir, "e.db") });
    await owned.$close();
    await expect(owned.$queryRaw("SELECT 1")).rejects.toMatchObject({ code: "QUERY_FAILED" });
  });

  test("an invalid schema fails at createClient before any database is used", () => {
    const bad = { item: s.model({ label: s.string() }) };
    expect(() => createClient({ schema: bad, filename: ":memory:" })).toThrow(
      expect.objectContaining({ code: "INVALID_SCHEMA" }),
    );
  });
});
