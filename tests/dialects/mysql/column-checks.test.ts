/**
 * MariaDB keeps a CHECK written in a column's definition (`qty INT CHECK (qty > 0)`, as tables made
 * by hand often have) inside that column: `DROP CONSTRAINT` cannot remove it, and any MODIFY of the
 * column that does not repeat it removes it silently. Push and migrations drop it by re-stating the
 * column, keep it through a column change, put it back on rollback, and read hand-written SQL the
 * way the server runs it.
 */
import { createStorage } from "unstorage";
import { type Schema, s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { createClient } from "viborm/mysql2";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createMysqlDatabase, requireDatabase, type TempDatabase } from "../../helpers/databases.js";

const HAND_MADE =
  "CREATE TABLE item (id INT NOT NULL PRIMARY KEY, qty INT NOT NULL CHECK (qty > 0), note VARCHAR(20) NULL)";

function schema(options: { check?: boolean; wide?: boolean } = {}) {
  const item = s.model({
    id: s.int().id(),
    qty: options.wide ? s.bigInt() : s.int(),
    note: s.string().varchar(20).nullable(),
  });
  return { item: options.check === false ? item : item.check("qty", "qty > 0") };
}

describe("MariaDB: a check kept in a column's definition", () => {
  let database: TempDatabase | undefined;
  const clients: { $close(): Promise<void> }[] = [];
  const open = <S extends Schema>(desired: S) => {
    const client = createClient({ schema: desired, databaseUrl: database!.url });
    clients.push(client);
    return client;
  };
  beforeEach(async (ctx) => {
    if (!(await requireDatabase("mysql", "column-level check tests"))) return ctx.skip();
    database = await createMysqlDatabase("viborm_colcheck");
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.$close()));
    await database?.drop();
  });

  /** The table's checks as the server lists them: name, level and clause. */
  async function checks(): Promise<string[]> {
    const rows = await open(schema()).$queryRaw<{ name: string; level: string; clause: string }>(
      "SELECT CONSTRAINT_NAME AS name, LEVEL AS level, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'item' ORDER BY 1",
    );
    return rows.map((row) => `${row.name} ${row.level}: ${row.clause}`);
  }
  const insert = (id: number, qty: number) =>
    open(schema()).$executeRaw("INSERT INTO item (id, qty) VALUES (?, ?)", [id, qty]);

  async function handMade(): Promise<void> {
    await open(schema()).$executeRaw(HAND_MADE);
    await insert(1, 5);
  }

  test("push adopts it, keeps it through a change of the column, and can drop it", async () => {
    await handMade();
    expect((await createMigrationClient(open(schema())).push({ dryRun: true })).operations).toEqual([]);

    // A wider column: the MODIFY repeats the check, so it is not lost.
    await createMigrationClient(open(schema({ wide: true }))).push();
    expect(await checks()).toEqual(["qty Column: `qty` > 0"]);
    await expect(insert(2, 0)).rejects.toThrow();
    expect((await createMigrationClient(open(schema({ wide: true }))).push({ dryRun: true })).operations).toEqual([]);

    // Dropped: DROP CONSTRAINT cannot, a MODIFY of the column without it does.
    const dropped = await createMigrationClient(open(schema({ wide: true, check: false }))).push();
    expect(dropped.operations.map((op) => op.kind)).toEqual(["dropCheck"]);
    expect(await checks()).toEqual([]);
    await insert(3, 0);
    expect(
      (await createMigrationClient(open(schema({ wide: true, check: false }))).push({ dryRun: true })).operations,
    ).toEqual([]);
    const rows = await open(schema()).$queryRaw<{ id: number; qty: unknown }>("SELECT id, qty FROM item ORDER BY id");
    expect(rows.map((row) => [row.id, Number(row.qty)])).toEqual([
      [1, 5],
      [3, 0],
    ]);
  });

  test("a migration drops it, and its rollback puts it back into the column", async () => {
    await handMade();
    const storageDriver = createUnstorageDriver(createStorage());
    await createMigrationClient(open(schema()), { storageDriver }).baseline({ name: "baseline" });
    const migrations = createMigrationClient(open(schema({ check: false })), { storageDriver });
    const { migration } = await migrations.generate({ name: "drop-check" });
    expect(migration).not.toBeNull();
    await migrations.apply();
    expect(await checks()).toEqual([]);
    expect((await migrations.check()).problems).toEqual([]);

    await migrations.rollback();
    expect(await checks()).toEqual(["qty Column: `qty` > 0"]);
    await expect(insert(2, 0)).rejects.toThrow();
    // The database is what the baseline made: the undone migration is pending, nothing drifted.
    expect((await migrations.check()).problems.map((problem) => problem.code)).toEqual(["PENDING"]);
  });

  test("hand-written SQL is read as MariaDB runs it: a MODIFY without the check drops it", async () => {
    const storageDriver = createUnstorageDriver(createStorage());
    const at = (iso: string) => () => new Date(iso);
    const init = await createMigrationClient(open(schema()), {
      storageDriver,
      now: at("2026-01-01T00:00:00Z"),
    }).generate({ name: "init" });
    await storageDriver.put(`${init.migration!.id}/up.sql`, `${HAND_MADE};\n`);
    const widen = await createMigrationClient(open(schema({ wide: true })), {
      storageDriver,
      now: at("2026-01-02T00:00:00Z"),
    }).generate({ name: "widen" });
    // Generated from a state where the check is the column's own: the MODIFY repeats it.
    const generated = (await storageDriver.get(`${widen.migration!.id}/up.sql`))!;
    expect(generated).toContain("MODIFY COLUMN `qty` BIGINT NOT NULL CHECK (qty > 0)");
    await storageDriver.put(`${widen.migration!.id}/up.sql`, "ALTER TABLE item MODIFY qty BIGINT NOT NULL;\n");

    const migrations = createMigrationClient(open(schema({ wide: true, check: false })), { storageDriver });
    await migrations.apply();
    expect(await checks()).toEqual([]);
    // The folders' state is what the database has: no drift, nothing ahead.
    expect((await migrations.check()).problems).toEqual([]);
    expect((await migrations.generate({ name: "again" })).migration).toBeNull();
    const keeping = createMigrationClient(open(schema({ wide: true })), { storageDriver });
    expect((await keeping.check()).problems.map((problem) => problem.code)).toEqual(["SCHEMA_AHEAD"]);
  });
});
