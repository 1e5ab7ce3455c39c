/**
 * `check`, the CI gate, on every driver: clean when schema, folders and database agree; each of
 * SCHEMA_AHEAD, PENDING, MODIFIED, MISSING, DRIFT and BRANCH_CONFLICT when they do not; and it
 * never writes (a database never migrated gets no tracking table).
 */
import { createStorage } from "unstorage";
import { s } from "viborm";
import { createMigrationClient, type MigrationStorageDriver } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { describe, expect, test } from "vitest";
import { tables } from "../helpers/catalog.js";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";
import { clock } from "./helpers.js";

const v1 = { user: s.model({ id: s.int().id(), email: s.string() }) };
const v2 = { user: s.model({ id: s.int().id(), email: s.string(), name: s.string().nullable() }) };
const withPost = { ...v1, post: s.model({ id: s.int().id(), title: s.string() }) };

describe.each(DRIVERS)("check on $name", (driver) => {
  const db = useFreshDatabase(driver);
  const codes = (result: { problems: { code: string }[] }) => result.problems.map((p) => p.code);

  test("clean, then SCHEMA_AHEAD, PENDING, MODIFIED, MISSING and DRIFT as each appears", async () => {
    const storageDriver: MigrationStorageDriver = createUnstorageDriver(createStorage());
    const now = clock("2026-03-01T00:00:00Z");
    const migrations = createMigrationClient(db.client(v1), { storageDriver, now });

    // Never migrated: the init is missing from the folders, and nothing is written to the database.
    const first = await migrations.check();
    expect(codes(first)).toEqual(["SCHEMA_AHEAD"]);
    expect(first.problems[0]!.changes).toEqual(["createTable user"]);
    expect(await tables(db.client(v1), driver.dialect)).toEqual([]);

    const { migration } = await migrations.generate({ name: "init" });
    const id = migration!.id;
    expect(codes(await migrations.check())).toEqual(["PENDING"]);
    await migrations.apply();
    expect(await migrations.check()).toEqual({ ok: true, problems: [], database: true });

    // The schema moves on without a migration.
    expect(codes(await createMigrationClient(db.client(v2), { storageDriver }).check())).toEqual(["SCHEMA_AHEAD"]);

    // Someone changes the database by hand.
    const q = driver.dialect === "mysql" ? "`" : '"';
    await db.client(v1).$executeRaw(`CREATE TABLE ${q}audit${q} (id INTEGER PRIMARY KEY)`);
    const drift = await migrations.check();
    expect(codes(drift)).toEqual(["DRIFT"]);
    expect(drift.problems[0]!.changes).toEqual(["dropTable audit"]);
    await db.client(v1).$executeRaw(`DROP TABLE ${q}audit${q}`);

    // An applied migration edited, then its folder removed.
    const up = (await storageDriver.get(`${id}/up.sql`))!;
    await storageDriver.put(`${id}/up.sql`, `${up}\n-- edited\n`);
    const modified = await migrations.check();
    expect(codes(modified)).toEqual(["MODIFIED"]);
    expect(modified.problems[0]).toMatchObject({ migrations: [id] });
    for (const file of ["up.sql", "down.sql", "migration.json"]) await storageDriver.delete(`${id}/${file}`);
    expect(codes(await migrations.check())).toEqual(expect.arrayContaining(["MISSING", "SCHEMA_AHEAD"]));
    expect((await migrations.check()).ok).toBe(false);
  });

  test("BRANCH_CONFLICT for migrations of parallel branches changing one table", async () => {
    const main = createUnstorageDriver(createStorage());
    await createMigrationClient(db.client(v1), { storageDriver: main, now: clock("2026-03-01T00:00:00Z") }).generate({
      name: "init",
    });
    const branch = createUnstorageDriver(createStorage());
    for (const key of await main.list()) await branch.put(key, (await main.get(key))!);
    await createMigrationClient(db.client(v2), { storageDriver: main, now: clock("2026-03-02T00:00:00Z") }).generate({
      name: "add-name",
    });
    const other = { user: s.model({ id: s.int().id(), email: s.string(), age: s.int().nullable() }) };
    await createMigrationClient(db.client(other), {
      storageDriver: branch,
      now: clock("2026-03-03T00:00:00Z"),
    }).generate({
      name: "add-age",
    });
    for (const key of await branch.list()) if (!(await main.get(key))) await main.put(key, (await branch.get(key))!);
    const result = await createMigrationClient(db.client(withPost), { storageDriver: main }).check();
    expect(codes(result)).toEqual(expect.arrayContaining(["BRANCH_CONFLICT", "PENDING", "SCHEMA_AHEAD"]));
    expect(result.problems.find((p) => p.code === "BRANCH_CONFLICT")!.migrations).toHaveLength(2);
  });
});
