/**
 * reset() on folders whose hand-written SQL made more than tables: views over the tables (and, on
 * PostgreSQL and MySQL, functions and sequences) are the migrations' own objects, so reset drops
 * them with the tables and the re-applied migrations make them again.
 */
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createFsStorageDriver } from "viborm/migrations/storage/fs";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { count } from "../helpers/catalog.js";
import { DRIVERS, type TestDatabase } from "../helpers/drivers.js";
import { clock } from "./helpers.js";

const schema = {
  account: s.model({ id: s.int().id(), email: s.string() }),
};

/** Objects an application's migration adds by hand, per dialect, and the SQL that undoes them. */
const extras = {
  postgres: {
    up: [
      'CREATE VIEW "account_emails" AS SELECT "email" FROM "account";',
      'CREATE VIEW "account_emails_upper" AS SELECT upper("email") AS e FROM "account_emails";',
      'CREATE SEQUENCE "invoice_numbers";',
      'CREATE FUNCTION "account_count"() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM "account" $$;',
    ],
    down: [
      'DROP FUNCTION "account_count"();',
      'DROP SEQUENCE "invoice_numbers";',
      'DROP VIEW "account_emails_upper";',
      'DROP VIEW "account_emails";',
    ],
    probe:
      'SELECT "account_count"() AS n, (SELECT count(*) FROM "account_emails_upper") AS v, nextval(\'"invoice_numbers"\') AS q',
  },
  mysql: {
    up: [
      "CREATE VIEW `account_emails` AS SELECT `email` FROM `account`;",
      "CREATE VIEW `account_emails_upper` AS SELECT upper(`email`) AS e FROM `account_emails`;",
      "CREATE FUNCTION `account_count`() RETURNS INT READS SQL DATA RETURN (SELECT count(*) FROM `account`);",
    ],
    down: ["DROP FUNCTION `account_count`;", "DROP VIEW `account_emails_upper`;", "DROP VIEW `account_emails`;"],
    probe: "SELECT `account_count`() AS n, (SELECT count(*) FROM `account_emails_upper`) AS v",
  },
  sqlite: {
    up: [
      'CREATE VIEW "account_emails" AS SELECT "email" FROM "account";',
      'CREATE VIEW "account_emails_upper" AS SELECT upper("email") AS e FROM "account_emails";',
      'CREATE TRIGGER "account_audit" AFTER INSERT ON "account" BEGIN SELECT 1; END;',
    ],
    down: ['DROP TRIGGER "account_audit";', 'DROP VIEW "account_emails_upper";', 'DROP VIEW "account_emails";'],
    probe: 'SELECT (SELECT count(*) FROM "account_emails_upper") AS v',
  },
};

describe.each(DRIVERS)("reset with hand-made views and routines on $name", (driver) => {
  let db: TestDatabase;
  let dir: string;
  let skip = false;

  beforeEach(async (ctx) => {
    skip = !(await driver.available());
    if (skip) ctx.skip();
    db = await driver.fresh();
    dir = mkdtempSync(join(tmpdir(), "viborm-reset-"));
  });
  afterEach(async () => {
    if (skip) return;
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("reset drops them with the tables and the re-applied migrations make them again", async () => {
    const client = db.client(schema);
    const migrations = createMigrationClient(client, {
      storageDriver: createFsStorageDriver(dir),
      now: clock("2026-12-05T08:00:00Z"),
    });
    const { migration } = await migrations.generate({ name: "accounts" });
    const extra = extras[driver.dialect];
    appendFileSync(join(dir, migration!.id, "up.sql"), `\n${extra.up.join("\n")}\n`);
    appendFileSync(join(dir, migration!.id, "down.sql"), `\n${extra.down.join("\n")}\n`);
    await migrations.apply();
    await client.$executeRaw("INSERT INTO account (id, email) VALUES (1, 'a@example.com')");

    const dry = await migrations.reset({ dryRun: true });
    expect(dry.dropped).toEqual(expect.arrayContaining(["account", "account_emails", "account_emails_upper"]));
    expect(await count(client, driver.dialect, "account")).toBe(1);

    const result = await migrations.reset();
    expect(result.applied.map((m) => m.id)).toEqual([migration!.id]);
    expect(result.dropped).toEqual(expect.arrayContaining(["account", "account_emails", "account_emails_upper"]));
    expect(await count(client, driver.dialect, "account")).toBe(0);
    const [row] = await client.$queryRaw<Record<string, unknown>>(extra.probe);
    expect(Number(row?.v)).toBe(0);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied"]);
    expect((await migrations.check()).problems).toEqual([]);
  });

  // A table in another database referencing ours makes the table's drop fail after the views'
  // (on MySQL each drop commits at once, so only compensation can bring them back).
  if (driver.dialect === "mysql")
    test("a reset that fails part-way leaves the views and routines as they were", async () => {
      const client = db.client(schema);
      const migrations = createMigrationClient(client, {
        storageDriver: createFsStorageDriver(dir),
        now: clock("2026-12-05T08:00:00Z"),
      });
      const { migration } = await migrations.generate({ name: "accounts" });
      appendFileSync(join(dir, migration!.id, "up.sql"), `\n${extras.mysql.up.join("\n")}\n`);
      await migrations.apply();
      await client.$executeRaw("INSERT INTO account (id, email) VALUES (1, 'a@example.com')");
      const [{ name: database } = { name: "" }] = await client.$queryRaw<{ name: string }>("SELECT DATABASE() AS name");
      const other = `${database}_ref`;
      await client.$executeRaw(`CREATE DATABASE IF NOT EXISTS \`${other}\``);
      try {
        await client.$executeRaw(
          `CREATE TABLE \`${other}\`.holder (id INT PRIMARY KEY, account_id INT, FOREIGN KEY (account_id) REFERENCES \`${database}\`.account (id))`,
        );
        await client.$executeRaw(`INSERT INTO \`${other}\`.holder VALUES (1, 1)`);
        await expect(migrations.reset()).rejects.toMatchObject({ code: "MIGRATION_FAILED" });
        const [row] = await client.$queryRaw<Record<string, unknown>>(extras.mysql.probe);
        expect(Number(row?.n)).toBe(1);
        expect(Number(row?.v)).toBe(1);
        expect((await migrations.status()).map((m) => m.state)).toEqual(["applied"]);
        expect((await migrations.check()).problems).toEqual([]);
      } finally {
        await client.$executeRaw(`DROP DATABASE \`${other}\``);
      }
    });
});
