/**
 * The PostgreSQL tracking table and migration lock, on the real server and PGlite.
 */
import type { Session } from "viborm";
import { describe, expect, test } from "vitest";
import { advisoryKey } from "../../../src/dialects/postgres/lock.js";
import { dialect, TARGETS, useTarget } from "./harness.js";

describe.each(TARGETS)("postgres tracking table on $name", (target) => {
  const db = useTarget(target);

  test.each(["_viborm_migrations", 'we"ird tracking'])("create, insert, read sorted, delete: %s", async (name) => {
    const tracking = dialect.tracking;
    const driver = db().driver;
    for (let i = 0; i < 2; i++) for (const statement of tracking.create(name)) await driver.query(statement.sql);
    const records = [
      { id: "20261126184000_b", name: "b", checksum: "b".repeat(64), appliedAt: "2026-11-26T18:40:00.123Z" },
      { id: "20261126183000_a", name: "it's a", checksum: "a".repeat(64), appliedAt: "2026-11-26T18:30:00.000Z" },
      { id: "20261126185000_c", name: "c", checksum: "c".repeat(64), appliedAt: "2026-01-02T03:04:05.999Z" },
    ];
    for (const record of records) {
      const insert = tracking.insert(name, record);
      await driver.query(insert.sql, insert.params);
    }
    const select = tracking.select(name);
    const read = async () => tracking.read((await driver.query(select.sql, select.params)).rows);
    expect(await read()).toEqual([records[1], records[0], records[2]]);

    const remove = tracking.delete(name, records[0]!.id);
    await driver.query(remove.sql, remove.params);
    expect((await read()).map((record) => record.id)).toEqual([records[1]!.id, records[2]!.id]);

    const duplicate = tracking.insert(name, records[1]!);
    await expect(driver.query(duplicate.sql, duplicate.params)).rejects.toMatchObject({ code: "QUERY_FAILED" });
  });

  test("the lock is taken inside a transaction, and released by its end", async () => {
    const lock = dialect.lock!;
    expect(lock.release("viborm:_viborm_migrations")).toEqual([]);
    const driver = db().driver;
    if (driver.atomic.kind !== "session") throw new Error("session expected");
    for (let i = 0; i < 2; i++) {
      await driver.atomic.withSession(async (session) => {
        await session.query("BEGIN");
        let rows: unknown[] = [];
        for (const statement of lock.acquire("viborm:_viborm_migrations", 1000)) {
          rows = (await session.query(statement.sql, statement.params)).rows;
        }
        expect(lock.acquired(rows as never)).toBe(true);
        const held = await session.query(
          "SELECT count(*)::int4 AS n FROM pg_locks WHERE locktype = 'advisory' AND granted",
        );
        expect(held.rows[0]).toEqual({ n: 1 });
        await session.query("COMMIT");
      });
    }
  });
});

describe("postgres lock between two sessions", () => {
  const db = useTarget(TARGETS.find((t) => t.name === "pg")!);

  test("a second applier waits, then fails with lock_not_available (55P03) after its timeout", async () => {
    const driver = db().driver;
    if (driver.atomic.kind !== "session") throw new Error("session expected");
    const atomic = driver.atomic;
    const acquire = async (session: Session, timeoutMs: number) => {
      for (const statement of dialect.lock!.acquire("viborm:_viborm_migrations", timeoutMs)) {
        await session.query(statement.sql, statement.params);
      }
    };
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held!: () => void;
    const isHeld = new Promise<void>((resolve) => {
      held = resolve;
    });
    const first = atomic.withSession(async (session) => {
      await session.query("BEGIN");
      await acquire(session, 1000);
      held();
      await released;
      await session.query("COMMIT");
    });
    await isHeld;
    const started = Date.now();
    const second = await atomic
      .withSession(async (session) => {
        await session.query("BEGIN");
        try {
          await acquire(session, 300);
        } finally {
          await session.query("ROLLBACK");
        }
      })
      .catch((error: unknown) => error);
    const waited = Date.now() - started;
    expect((second as { code?: string; cause?: { code?: string } }).cause?.code).toBe("55P03");
    expect(waited).toBeGreaterThanOrEqual(250);
    release();
    await first;

    await atomic.withSession(async (session) => {
      await session.query("BEGIN");
      await acquire(session, 300);
      await session.query("COMMIT");
    });
  });

  test("appliers creating the tracking table at the same moment all succeed", async () => {
    const driver = db().driver;
    for (let round = 0; round < 5; round++) {
      const name = `_viborm_race_${round}`;
      const create = dialect.tracking.create(name);
      const select = dialect.tracking.select(name);
      const results = await Promise.all(Array.from({ length: 6 }, () => driver.queryAll([...create, select])));
      expect(results.map((result) => result[result.length - 1])).toEqual(results.map(() => []));
    }
  });

  test("the key is a deterministic signed 64-bit integer", () => {
    const key = advisoryKey("viborm:_viborm_migrations");
    expect(key).toBe(advisoryKey("viborm:_viborm_migrations"));
    expect(key).not.toBe(advisoryKey("viborm:other"));
    expect(BigInt(key) >= -(2n ** 63n) && BigInt(key) < 2n ** 63n).toBe(true);
    expect(advisoryKey("")).toBe(BigInt.asIntN(64, 0xcbf29ce484222325n).toString());
  });
});
