/**
 * `baseline` adopts a database built by push: on every driver its live schema becomes a migration
 * recorded as applied (nothing runs, rows stay), the next generate diffs against it, and the
 * baseline applied from scratch builds the same schema. A database or storage with history refuses.
 */
import { createStorage } from "unstorage";
import { isVibormError, s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { describe, expect, test } from "vitest";
import { count } from "../helpers/catalog.js";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";
import { clock } from "./helpers.js";

const user = s.model({
  id: s.int().id().increment(),
  email: s.string().unique(),
  role: s.enum(["USER", "ADMIN"]).default("USER"),
});
const v1 = {
  user,
  post: s.model({
    id: s.int().id().increment(),
    title: s.string(),
    authorId: s.int(),
    author: s
      .manyToOne(() => user)
      .fields("authorId")
      .references("id"),
  }),
};
const v2 = { ...v1, tag: s.model({ id: s.int().id(), label: s.string() }) };

/** Objects an application made by hand beside its tables, per dialect; one the database cannot print. */
const handMade = {
  postgres: {
    sql: [
      'CREATE VIEW "user_emails" AS SELECT "email" FROM "user"',
      'CREATE VIEW "admin_emails" AS SELECT "email" FROM "user_emails" WHERE "email" LIKE \'admin%\'',
      'CREATE SEQUENCE "invoice_numbers" START WITH 100 INCREMENT BY 5',
      'CREATE FUNCTION "user_count"(min_id integer) RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM "user" WHERE id >= min_id $$',
      'CREATE DOMAIN "positive" AS integer CHECK (VALUE > 0)',
      'CREATE AGGREGATE "total"(integer) (sfunc = int4pl, stype = integer)',
    ],
    probe:
      'SELECT "user_count"(0) AS n, (SELECT count(*) FROM "admin_emails") AS v, nextval(\'"invoice_numbers"\') AS q, 5::"positive" AS d',
    expected: { n: 1, v: 1, q: 100, d: 5 },
    unprintable: "aggregate total",
  },
  mysql: {
    sql: [
      "CREATE VIEW `user_emails` AS SELECT `email` FROM `user`",
      "CREATE VIEW `admin_emails` AS SELECT `email` FROM `user_emails` WHERE `email` LIKE 'admin%'",
      "CREATE FUNCTION `user_count`(min_id INT) RETURNS INT READS SQL DATA RETURN (SELECT count(*) FROM `user` WHERE id >= min_id)",
      "CREATE PROCEDURE `touch`(IN x INT) BEGIN SELECT x; SELECT x + 1; END",
      "CREATE EVENT `nightly` ON SCHEDULE EVERY 1 DAY DO SELECT 1",
    ],
    probe: "SELECT `user_count`(0) AS n, (SELECT count(*) FROM `admin_emails`) AS v",
    expected: { n: 1, v: 1 },
    unprintable: "event nightly",
  },
  sqlite: {
    sql: [
      'CREATE VIEW "user_emails" AS SELECT "email" FROM "user"',
      "CREATE VIEW admin_emails AS SELECT email FROM user_emails WHERE email LIKE 'admin%'",
    ],
    probe: 'SELECT (SELECT count(*) FROM "admin_emails") AS v',
    expected: { v: 1 },
    unprintable: null,
  },
};

describe.each(DRIVERS)("baseline on $name", (driver) => {
  const db = useFreshDatabase(driver);

  test("views, routines and sequences made by hand are in the baseline's SQL; what cannot be printed is named", async () => {
    const client = db.client(v1);
    expect((await createMigrationClient(client).push()).applied).toBe(true);
    const quoted = driver.dialect === "mysql" ? "`user`" : '"user"';
    await client.$executeRaw(`INSERT INTO ${quoted} (email) VALUES ('admin@x')`);
    const extra = handMade[driver.dialect];
    for (const sql of extra.sql) await client.$executeRaw(sql);

    const storageDriver = createUnstorageDriver(createStorage());
    const migrations = createMigrationClient(client, { storageDriver, now: clock("2026-02-01T00:00:00Z") });
    const pulled = await migrations.pull();
    expect(pulled.warnings.join("\n")).toMatch(/leaves out [^\n]*view admin_emails/);
    const { up, down, warnings } = await migrations.baseline();
    expect(up.join("\n")).toMatch(/CREATE VIEW/);
    expect(up.join("\n")).not.toMatch(/DROP/);
    expect(down.join("\n")).toMatch(/DROP VIEW/);
    if (extra.unprintable) expect(warnings.join("\n")).toContain(extra.unprintable);
    else expect(warnings).toEqual([]);
    expect((await migrations.check()).problems).toEqual([]);

    // Its down drops them all; its up made from scratch makes them again.
    await migrations.rollback();
    expect((await migrations.status()).map((m) => m.state)).toEqual(["pending"]);
    await migrations.apply();
    await client.$executeRaw(`INSERT INTO ${quoted} (email) VALUES ('admin@x')`);
    const [row] = await client.$queryRaw<Record<string, unknown>>(extra.probe);
    expect(Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]))).toEqual(extra.expected);
    expect((await migrations.check()).problems).toEqual([]);
  });

  test("a pushed database is adopted: recorded applied, rows kept, generate goes on from it", async () => {
    expect((await createMigrationClient(db.client(v1)).push()).applied).toBe(true);
    await db
      .client(v1)
      .$executeRaw(`INSERT INTO ${driver.dialect === "mysql" ? "`user`" : '"user"'} (email) VALUES ('a@x')`);
    const storageDriver = createUnstorageDriver(createStorage());
    const now = clock("2026-02-01T00:00:00Z");
    const migrations = createMigrationClient(db.client(v1), { storageDriver, now });
    const { migration, up } = await migrations.baseline();
    expect(migration.name).toBe("baseline");
    expect(up.length).toBeGreaterThan(0);
    expect((await migrations.status()).map((m) => [m.id, m.state])).toEqual([[migration.id, "applied"]]);
    expect(await count(db.client(v1), driver.dialect, "user")).toBe(1);
    expect((await migrations.apply()).applied).toEqual([]);
    expect((await migrations.generate()).migration).toBeNull();

    const next = createMigrationClient(db.client(v2), { storageDriver, now });
    const added = await next.generate({ name: "tags" });
    expect(added.up.join("\n")).toMatch(/tag/);
    expect(added.up.join("\n")).not.toMatch(/CREATE TABLE[^;]*"?`?user`?"?\s*\(/);
    expect((await next.apply()).applied.map((m) => m.name)).toEqual(["tags"]);

    // The baseline run from scratch builds the same schema.
    await next.rollback({ steps: 2 });
    expect((await next.status()).map((m) => m.state)).toEqual(["pending", "pending"]);
    await next.apply();
    expect((await createMigrationClient(db.client(v2)).push({ dryRun: true })).statements).toEqual([]);
  });

  test("a database or storage with a history refuses with MIGRATION_CONFLICT, writing nothing", async () => {
    const storageDriver = createUnstorageDriver(createStorage());
    const migrations = createMigrationClient(db.client(v1), { storageDriver, now: clock("2026-02-01T00:00:00Z") });
    await migrations.generate({ name: "init" });
    const before = (await storageDriver.list()).sort();
    const error = await migrations.baseline().catch((e: unknown) => e);
    expect(isVibormError(error, "MIGRATION_CONFLICT"), String(error)).toBe(true);
    expect((await storageDriver.list()).sort()).toEqual(before);
    await migrations.apply();
    const empty = createUnstorageDriver(createStorage());
    const applied = await createMigrationClient(db.client(v1), { storageDriver: empty })
      .baseline()
      .catch((e: unknown) => e);
    expect(isVibormError(applied, "MIGRATION_CONFLICT")).toBe(true);
    expect(await empty.list()).toEqual([]);
  });
});
