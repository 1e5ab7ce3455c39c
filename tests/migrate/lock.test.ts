/**
 * A second applier waits for the migration lock at most `lockTimeoutMs`, then fails with
 * LOCK_TIMEOUT having changed nothing; once the lock is free it applies.
 */

import { createStorage } from "unstorage";
import { isVibormError, s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { describe, expect, test } from "vitest";
import { tables } from "../helpers/catalog.js";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";
import { clock } from "./helpers.js";

const schema = { thing: s.model({ id: s.int().id() }) };
// PGlite is one in-process connection: there is no second session to hold a lock from.
const SESSION_DRIVERS = DRIVERS.filter((driver) => ["pg", "mysql2", "sqlite3"].includes(driver.name));

if (SESSION_DRIVERS.length === 0) test.skip("no session driver selected (VIBORM_DRIVERS)", () => undefined);

describe.each(SESSION_DRIVERS)("migration lock on $name", (driver) => {
  const db = useFreshDatabase(driver);

  test("a held lock makes apply fail with LOCK_TIMEOUT and change nothing", async () => {
    const storageDriver = createUnstorageDriver(createStorage());
    const migrations = createMigrationClient(db.client(schema), {
      storageDriver,
      lockTimeoutMs: 300,
      now: clock("2026-01-01T00:00:00Z"),
    });
    await migrations.generate({ name: "init" });
    const holder = db.client(schema).$driver;
    const dialect = holder.sqlDialect;
    const atomic = holder.atomic;
    if (atomic.kind !== "session") throw new Error("session driver expected");
    await atomic.withSession(async (session) => {
      if (dialect.lock) {
        if (dialect.transactionalDdl) await session.query("BEGIN");
        for (const statement of dialect.lock.acquire("viborm:_viborm_migrations", 1000)) {
          await session.query(statement.sql, statement.params);
        }
      } else {
        await session.query("BEGIN IMMEDIATE");
      }
      const error = await migrations.apply().catch((e: unknown) => e);
      expect(isVibormError(error, "LOCK_TIMEOUT")).toBe(true);
      expect((error as { meta: { timeoutMs: number } }).meta.timeoutMs).toBe(300);
      if (dialect.lock && !dialect.transactionalDdl) {
        for (const statement of dialect.lock.release("viborm:_viborm_migrations")) {
          await session.query(statement.sql, statement.params);
        }
      } else {
        await session.query("ROLLBACK");
      }
    });
    expect((await tables(db.client(schema), driver.dialect)).filter((t) => !t.startsWith("_viborm_"))).toEqual([]);
    expect((await migrations.apply()).applied.map((m) => m.name)).toEqual(["init"]);
  });
});
