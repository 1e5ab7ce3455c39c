/**
 * The MySQL tracking-table SQL and the GET_LOCK migration lock, on the real server.
 */
import { createMysql2Driver } from "viborm/mysql2";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mysqlDialect } from "../../../src/dialects/mysql/index.js";
import { lockKey } from "../../../src/dialects/mysql/lock.js";
import type { LockSql, Statement } from "../../../src/dialects/types.js";
import { createMysqlDatabase, requireDatabase } from "../../helpers/databases.js";
import { type MysqlTestDatabase, openMysql } from "./helpers.js";

const available = await requireDatabase("mysql", "MySQL tracking and lock");
const lock = mysqlDialect.lock as LockSql;

describe.skipIf(!available)("MySQL tracking table", () => {
  let db: MysqlTestDatabase;
  beforeAll(async () => {
    db = await openMysql();
  });
  afterAll(async () => {
    await db?.close();
  });

  test("create (twice), insert, select sorted by id with ISO dates, delete", async () => {
    const tracking = mysqlDialect.tracking;
    const name = "_viborm_migrations";
    await db.run([...tracking.create(name), ...tracking.create(name)]);
    const records = [
      {
        id: "20261126184000_b-second",
        name: "b-second",
        checksum: "b".repeat(64),
        appliedAt: "2026-11-26T18:40:00.123Z",
      },
      {
        id: "20261126183000_a-first",
        name: "it's first",
        checksum: "a".repeat(64),
        appliedAt: "2026-11-26T18:30:00.000Z",
      },
    ];
    for (const record of records) await db.run([tracking.insert(name, record)]);
    const read = async () => tracking.read((await db.driver.query(tracking.select(name).sql)).rows);
    expect(await read()).toEqual([records[1], records[0]]);
    await db.run([tracking.delete(name, records[1]!.id)]);
    expect(await read()).toEqual([records[0]]);
    // The primary key refuses a second row for one migration.
    await expect(db.run([tracking.insert(name, records[0]!)])).rejects.toMatchObject({ code: "QUERY_FAILED" });
  });

  test("read accepts a DATETIME read back as a Date or as zone-less text", () => {
    const row = { id: "x", name: "x", checksum: "c".repeat(64) };
    expect(
      mysqlDialect.tracking.read([
        { ...row, applied_at: new Date("2026-01-02T03:04:05.006Z") },
        { ...row, id: "y", applied_at: "2026-01-02 03:04:05.006" },
      ]),
    ).toEqual([
      { id: "x", name: "x", checksum: "c".repeat(64), appliedAt: "2026-01-02T03:04:05.006Z" },
      { id: "y", name: "x", checksum: "c".repeat(64), appliedAt: "2026-01-02T03:04:05.006Z" },
    ]);
  });
});

describe.skipIf(!available)("MySQL migration lock (GET_LOCK)", () => {
  let db: MysqlTestDatabase;
  beforeAll(async () => {
    db = await openMysql();
  });
  afterAll(async () => {
    await db?.close();
  });

  /** Runs statements on one session and returns the last rows. */
  async function on(
    session: { query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> },
    statements: Statement[],
  ) {
    let rows: Record<string, unknown>[] = [];
    for (const statement of statements) rows = (await session.query(statement.sql, statement.params)).rows;
    return rows;
  }

  test("a second session cannot take the lock until the first releases it; the wait is bounded", async () => {
    const atomic = db.driver.atomic;
    if (atomic.kind !== "session") throw new Error("mysql2 offers sessions");
    const key = "_viborm_migrations";
    await atomic.withSession(async (first) => {
      expect(lock.acquired(await on(first, lock.acquire(key, 5_000)))).toBe(true);
      await atomic.withSession(async (second) => {
        const started = Date.now();
        expect(lock.acquired(await on(second, lock.acquire(key, 0)))).toBe(false);
        expect(lock.acquired(await on(second, lock.acquire(key, 900)))).toBe(false);
        expect(Date.now() - started).toBeGreaterThanOrEqual(900);
        // DDL commits implicitly, but a named lock survives it.
        await first.query("CREATE TABLE `lock_probe` (`x` INT)");
        expect(lock.acquired(await on(second, lock.acquire(key, 0)))).toBe(false);
        await on(first, lock.release(key));
        expect(lock.acquired(await on(second, lock.acquire(key, 1_000)))).toBe(true);
        await on(second, lock.release(key));
      });
    });
  });

  test("the lock is per database: the same key in another database does not wait", async () => {
    const other = await createMysqlDatabase("viborm_lock");
    const otherDriver = createMysql2Driver({ databaseUrl: other.url });
    try {
      const mine = db.driver.atomic;
      const theirs = otherDriver.atomic;
      if (mine.kind !== "session" || theirs.kind !== "session") throw new Error("mysql2 offers sessions");
      await mine.withSession(async (first) => {
        expect(lock.acquired(await on(first, lock.acquire("shared", 0)))).toBe(true);
        await theirs.withSession(async (second) => {
          expect(lock.acquired(await on(second, lock.acquire("shared", 0)))).toBe(true);
          await on(second, lock.release("shared"));
        });
        await on(first, lock.release("shared"));
      });
    } finally {
      await otherDriver.close();
      await other.drop();
    }
  });

  test("long keys are hashed to fit the 64-character limit and stay distinct", async () => {
    const long = "x".repeat(300);
    expect(lockKey("_viborm_migrations")).toBe("_viborm_migrations");
    expect(lockKey(long).length).toBeLessThanOrEqual(47);
    expect(lockKey(long)).not.toBe(lockKey(`${long}y`));
    expect(lockKey(long)).toBe(lockKey(long));
    const atomic = db.driver.atomic;
    if (atomic.kind !== "session") throw new Error("mysql2 offers sessions");
    await atomic.withSession(async (session) => {
      expect(lock.acquired(await on(session, lock.acquire(long, 0)))).toBe(true);
      const released = await on(session, lock.release(long));
      expect(Number(released[0]?.released)).toBe(1);
    });
  });

  test("acquired reads 1 as taken, 0 and NULL as not", () => {
    expect(lock.acquired([{ acquired: 1 }])).toBe(true);
    expect(lock.acquired([{ acquired: "1" }])).toBe(true);
    expect(lock.acquired([{ acquired: 0 }])).toBe(false);
    expect(lock.acquired([{ acquired: null }])).toBe(false);
    expect(lock.acquired([])).toBe(false);
  });
});
