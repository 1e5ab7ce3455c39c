/**
 * A migration runs inside viborm's own unit (a transaction, a batch, or recorded steps with their
 * inverses): a COMMIT, ROLLBACK or BEGIN written into its up.sql would end that unit early, so the
 * statements before it stay while the rest fail, and the tracking row no longer goes with them.
 * apply refuses such a migration before running anything; `-- viborm:no-transaction` allows it.
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

const schema = { account: s.model({ id: s.int().id(), email: s.string() }) };
const ID = "20260102000000_by-hand";

async function handWritten(
  storageDriver: ReturnType<typeof createUnstorageDriver>,
  dialect: string,
  up: string,
  down = "DROP TABLE side_a;\n",
) {
  await storageDriver.put(`${ID}/up.sql`, up);
  await storageDriver.put(`${ID}/down.sql`, down);
  await storageDriver.put(
    `${ID}/migration.json`,
    JSON.stringify({ version: 1, id: ID, name: "by-hand", dialect, parents: [], operations: [] }),
  );
}

describe.each(DRIVERS)("transaction control in up.sql on $name", (driver) => {
  const db = useFreshDatabase(driver);

  test.each([
    ["COMMIT", "CREATE TABLE side_a (id int);\nCOMMIT;\nINSERT INTO no_such_table VALUES (1);\n", 1],
    ["ROLLBACK", "CREATE TABLE side_a (id int);\nROLLBACK;\nCREATE TABLE side_b (id int);\n", 1],
    ["BEGIN … COMMIT", "BEGIN;\nCREATE TABLE side_a (id int);\nCOMMIT;\n", 0],
  ])("%s is refused before anything runs", async (_label, up, statement) => {
    const storageDriver = createUnstorageDriver(createStorage());
    const migrations = createMigrationClient(db.client(schema), { storageDriver, now: clock("2026-01-01T00:00:00Z") });
    await migrations.generate({ name: "init" });
    await handWritten(storageDriver, driver.dialect, up);

    const dryRun = await migrations.apply({ dryRun: true }).catch((e: unknown) => e);
    expect(isVibormError(dryRun, "INVALID_MIGRATION")).toBe(true);
    const error = await migrations.apply().catch((e: unknown) => e);
    expect(isVibormError(error, "INVALID_MIGRATION")).toBe(true);
    expect((error as Error).message).toContain(`${ID}/up.sql`);
    expect((error as Error).message).toContain("-- viborm:no-transaction");
    expect((error as { meta: unknown }).meta).toMatchObject({ migration: ID, statement });
    // Nothing ran: not even the first, valid migration, nor the tracking table.
    expect(await tables(db.client(schema), driver.dialect)).toEqual([]);
    expect(await migrations.lint({ migrations: "pending" })).toMatchObject({
      findings: expect.arrayContaining([
        expect.objectContaining({ code: "TRANSACTION_CONTROL", migration: ID, statement, severity: "error" }),
      ]),
    });
  });

  test("a down.sql that commits is refused before anything is rolled back", async () => {
    const storageDriver = createUnstorageDriver(createStorage());
    const migrations = createMigrationClient(db.client(schema), { storageDriver, now: clock("2026-01-01T00:00:00Z") });
    await migrations.generate({ name: "init" });
    await handWritten(
      storageDriver,
      driver.dialect,
      "CREATE TABLE side_a (id int);\n",
      "DROP TABLE side_a;\nCOMMIT;\n",
    );
    await migrations.apply();

    const error = await migrations.rollback({ steps: 2 }).catch((e: unknown) => e);
    expect(isVibormError(error, "INVALID_MIGRATION")).toBe(true);
    expect((error as { meta: unknown }).meta).toMatchObject({ migration: ID, file: `${ID}/down.sql`, statement: 1 });
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "applied"]);
    expect(await tables(db.client(schema), driver.dialect)).toContain("side_a");
  });

  test("an applied migration that commits does not stop the next one", async () => {
    const storageDriver = createUnstorageDriver(createStorage());
    const migrations = createMigrationClient(db.client(schema), { storageDriver, now: clock("2026-01-01T00:00:00Z") });
    await migrations.generate({ name: "init" });
    await migrations.apply();
    // Adopted history: a file another tool ran, recorded as applied without running it here.
    await handWritten(storageDriver, driver.dialect, "BEGIN;\nCREATE TABLE side_a (id int);\nCOMMIT;\n");
    await migrations.resolve({ applied: ID });
    const next = "20260103000000_next";
    await storageDriver.put(`${next}/up.sql`, "CREATE TABLE side_c (id int);\n");
    await storageDriver.put(`${next}/down.sql`, "DROP TABLE side_c;\n");
    await storageDriver.put(
      `${next}/migration.json`,
      JSON.stringify({ version: 1, id: next, name: "next", dialect: driver.dialect, parents: [], operations: [] }),
    );
    expect((await migrations.apply()).applied.map((m) => m.id)).toEqual([next]);
    expect(await tables(db.client(schema), driver.dialect)).toContain("side_c");
  });

  // D1 refuses BEGIN, COMMIT and SAVEPOINT itself; its batch is its transaction.
  if (driver.name === "d1" || driver.name === "d1-http") return;

  test("under -- viborm:no-transaction the file's own BEGIN and COMMIT run", async () => {
    const storageDriver = createUnstorageDriver(createStorage());
    const migrations = createMigrationClient(db.client(schema), { storageDriver, now: clock("2026-01-01T00:00:00Z") });
    await migrations.generate({ name: "init" });
    await handWritten(
      storageDriver,
      driver.dialect,
      "-- viborm:no-transaction\nBEGIN;\nCREATE TABLE side_a (id int);\nCOMMIT;\n",
    );
    expect((await migrations.apply()).applied.map((m) => m.id)).toContain(ID);
    expect(await tables(db.client(schema), driver.dialect)).toContain("side_a");
    expect((await migrations.lint({ migrations: "all" })).findings).toEqual([]);
  });

  // MySQL commits each DDL statement, so a savepoint there holds nothing; elsewhere it nests.
  if (driver.dialect === "mysql") return;

  test("savepoints nest inside the migration's transaction", async () => {
    const storageDriver = createUnstorageDriver(createStorage());
    const migrations = createMigrationClient(db.client(schema), { storageDriver, now: clock("2026-01-01T00:00:00Z") });
    await migrations.generate({ name: "init" });
    await handWritten(
      storageDriver,
      driver.dialect,
      "SAVEPOINT tried;\nCREATE TABLE side_b (id int);\nROLLBACK TO SAVEPOINT tried;\nRELEASE SAVEPOINT tried;\nCREATE TABLE side_a (id int);\n",
    );
    expect((await migrations.apply()).applied.map((m) => m.id)).toContain(ID);
    const after = await tables(db.client(schema), driver.dialect);
    expect(after).toContain("side_a");
    expect(after).not.toContain("side_b");
  });
});
