/**
 * push through the public API on every driver: it creates what the schema declares, a second
 * push plans nothing, data survives non-destructive changes, and destructive or ambiguous
 * changes wait for a decision.
 */
import { isVibormError, s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { describe, expect, test } from "vitest";
import { columns, count, tables } from "../helpers/catalog.js";
import { DRIVERS } from "../helpers/drivers.js";
import { FIXTURES } from "../helpers/fixtures.js";
import { useFreshDatabase } from "../helpers/fresh.js";

describe.each(DRIVERS)("push on $name", (driver) => {
  const db = useFreshDatabase(driver);

  test("creates the schema, and a second push plans nothing", async () => {
    const fixture = FIXTURES[0]!;
    const client = db.client(fixture.schema);
    const migrations = createMigrationClient(client);
    const first = await migrations.push();
    expect(first.applied).toBe(true);
    expect(await tables(client, driver.dialect)).toEqual(["post", "post_tag", "tag", "users"].sort());
    const second = await migrations.push();
    expect(second.operations).toEqual([]);
    expect(second.statements).toEqual([]);
    expect(second.applied).toBe(false);
  });

  test.each(FIXTURES)("is idempotent: $name", async (fixture) => {
    if (fixture.unsupported?.includes(driver.dialect)) return;
    const client = db.client(fixture.schema);
    const migrations = createMigrationClient(client);
    await migrations.push();
    const again = await migrations.push();
    expect(again.statements).toEqual([]);
  });

  test("dryRun returns the statements and touches nothing", async () => {
    const client = db.client(FIXTURES[0]!.schema);
    const result = await createMigrationClient(client).push({ dryRun: true });
    expect(result.applied).toBe(false);
    expect(result.statements.length).toBeGreaterThan(2);
    expect(result.statements.join("\n")).toMatch(/CREATE TABLE/i);
    expect(await tables(client, driver.dialect)).toEqual([]);
  });

  test("rows survive adding a column, an index and widening a type", async () => {
    const v1 = { item: s.model({ id: s.int().id(), name: s.string(), qty: s.int() }) };
    const client1 = db.client(v1);
    await createMigrationClient(client1).push();
    await client1.$executeRaw(insertSql(driver.dialect, "item", ["id", "name", "qty"], 3), [
      1,
      "a",
      10,
      2,
      "it's",
      20,
      3,
      "c",
      30,
    ]);

    const v2 = {
      item: s.model({ id: s.int().id(), name: s.string(), qty: s.bigInt(), note: s.string().nullable() }).index("name"),
    };
    const client2 = db.client(v2);
    const result = await createMigrationClient(client2).push();
    expect(result.applied).toBe(true);
    const rows = await client2.$queryRaw<{ id: unknown; name: string; qty: unknown; note: unknown }>(
      `SELECT ${q(driver.dialect, "id")}, ${q(driver.dialect, "name")}, ${q(driver.dialect, "qty")}, ${q(driver.dialect, "note")} FROM ${q(driver.dialect, "item")} ORDER BY ${q(driver.dialect, "id")}`,
    );
    expect(rows.map((row) => [Number(row.id), row.name, Number(row.qty), row.note])).toEqual([
      [1, "a", 10, null],
      [2, "it's", 20, null],
      [3, "c", 30, null],
    ]);
    expect((await createMigrationClient(client2).push()).statements).toEqual([]);
  });

  test("a rename decided by resolve keeps the data", async () => {
    const v1 = { person: s.model({ id: s.int().id(), fullName: s.string() }) };
    const client1 = db.client(v1);
    await createMigrationClient(client1).push();
    await client1.$executeRaw(insertSql(driver.dialect, "person", ["id", "fullName"], 1), [1, "Ada"]);

    const v2 = { person: s.model({ id: s.int().id(), displayName: s.string() }) };
    const client2 = db.client(v2);
    const asked: unknown[] = [];
    await createMigrationClient(client2).push({
      resolve: (change) => {
        asked.push(change);
        return change.type === "ambiguous" ? "rename" : "reject";
      },
    });
    expect(asked).toEqual([
      expect.objectContaining({
        type: "ambiguous",
        kind: "renameColumn",
        table: "person",
        from: "fullName",
        to: "displayName",
      }),
    ]);
    const rows = await client2.$queryRaw<{ displayName: string }>(
      `SELECT ${q(driver.dialect, "displayName")} FROM ${q(driver.dialect, "person")}`,
    );
    expect(rows.map((row) => row.displayName)).toEqual(["Ada"]);
  });

  test("a destructive change without resolve fails, lists every change and changes nothing", async () => {
    const v1 = {
      keep: s.model({ id: s.int().id(), a: s.string(), b: s.string().nullable() }),
      gone: s.model({ id: s.int().id() }),
    };
    const client1 = db.client(v1);
    await createMigrationClient(client1).push();
    const before = await columns(client1, driver.dialect, "keep");

    const v2 = { keep: s.model({ id: s.int().id(), a: s.string() }) };
    const client2 = db.client(v2);
    const error = await createMigrationClient(client2)
      .push()
      .catch((e: unknown) => e);
    expect(isVibormError(error, "DESTRUCTIVE_REJECTED")).toBe(true);
    const changes = (error as { meta: { changes: { kind: string; table: string; column?: string }[] } }).meta.changes;
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "dropTable", table: "gone" }),
        expect.objectContaining({ kind: "dropColumn", table: "keep", column: "b" }),
      ]),
    );
    expect(await tables(client2, driver.dialect)).toEqual(["gone", "keep"]);
    expect(await columns(client2, driver.dialect, "keep")).toEqual(before);

    const forced = await createMigrationClient(client2).push({ force: true });
    expect(forced.applied).toBe(true);
    expect(await tables(client2, driver.dialect)).toEqual(["keep"]);
  });

  test("never plans to touch the tracking table or viborm's bookkeeping", async () => {
    const schema = { thing: s.model({ id: s.int().id() }) };
    const client = db.client(schema);
    await client.$executeRaw(`CREATE TABLE ${q(driver.dialect, "_viborm_migrations")} (id VARCHAR(255) PRIMARY KEY)`);
    await client.$executeRaw(`CREATE TABLE ${q(driver.dialect, "_viborm_other")} (id INTEGER PRIMARY KEY)`);
    const result = await createMigrationClient(client).push();
    expect(result.statements.join("\n")).not.toMatch(/_viborm_/);
    expect(await tables(client, driver.dialect)).toEqual(["_viborm_migrations", "_viborm_other", "thing"]);
  });

  test("a statement failing mid-push leaves the schema and the data exactly as before", async () => {
    const v1 = { member: s.model({ id: s.int().id(), email: s.string() }) };
    const client1 = db.client(v1);
    await createMigrationClient(client1).push();
    await client1.$executeRaw(insertSql(driver.dialect, "member", ["id", "email"], 2), [1, "same@x", 2, "same@x"]);
    const tablesBefore = await tables(client1, driver.dialect);
    const columnsBefore = await columns(client1, driver.dialect, "member");

    // New table, new column, then a unique constraint the duplicate rows make fail.
    const v2 = {
      member: s.model({ id: s.int().id(), email: s.string().unique(), nickname: s.string().nullable() }),
      audit: s.model({ id: s.int().id(), note: s.string() }),
    };
    const client2 = db.client(v2);
    const error = await createMigrationClient(client2)
      .push({ force: true })
      .catch((e: unknown) => e);
    expect(isVibormError(error, "MIGRATION_FAILED")).toBe(true);
    const meta = (error as { meta: { failed: { sql: string } | null; notCompensated?: unknown[] } }).meta;
    expect(meta.failed?.sql).toMatch(/UNIQUE/i);
    if (driver.dialect === "mysql") expect(meta.notCompensated ?? []).toEqual([]);
    expect(await tables(client2, driver.dialect)).toEqual(tablesBefore);
    expect(await columns(client2, driver.dialect, "member")).toEqual(columnsBefore);
    expect(await count(client2, driver.dialect, "member")).toBe(2);
  });
});

// internal

function q(dialect: string, name: string): string {
  return dialect === "mysql" ? `\`${name}\`` : `"${name}"`;
}

function insertSql(dialect: string, table: string, cols: string[], rows: number): string {
  let n = 0;
  const param = () => (dialect === "postgres" ? `$${++n}` : "?");
  const values = Array.from({ length: rows }, () => `(${cols.map(param).join(", ")})`).join(", ");
  return `INSERT INTO ${q(dialect, table)} (${cols.map((c) => q(dialect, c)).join(", ")}) VALUES ${values}`;
}
