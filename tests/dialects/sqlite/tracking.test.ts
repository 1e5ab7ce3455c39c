/**
 * The SQLite tracking table: created idempotently, one row per migration keyed by id, read back
 * sorted by id with ISO-8601 UTC times; no migration lock on SQLite (BEGIN IMMEDIATE serialises).
 */
import { describe, expect, test } from "vitest";
import { dialect, freshDriver, introspect } from "./helpers.js";

const TABLE = "_viborm_migrations";
const CHECKSUM = "a".repeat(64);

describe("SQLite tracking table", () => {
  test("create twice, insert, select sorted by id, delete; invisible to introspection", async () => {
    const driver = freshDriver();
    const { tracking } = dialect;
    for (const statement of [...tracking.create(TABLE), ...tracking.create(TABLE)]) await driver.query(statement.sql);
    const records = [
      { id: "20260102000000_b", name: "b", checksum: CHECKSUM, appliedAt: "2026-01-02T03:04:05.006Z" },
      { id: "20260101000000_a", name: "it's", checksum: CHECKSUM, appliedAt: "2026-01-01T00:00:00.000Z" },
    ];
    for (const record of records) {
      const insert = tracking.insert(TABLE, record);
      await driver.query(insert.sql, insert.params);
    }
    const select = tracking.select(TABLE);
    expect(tracking.read((await driver.query(select.sql, select.params)).rows)).toEqual([records[1], records[0]]);

    const duplicate = tracking.insert(TABLE, records[0]!);
    await expect(driver.query(duplicate.sql, duplicate.params)).rejects.toMatchObject({
      cause: { code: "SQLITE_CONSTRAINT_PRIMARYKEY" },
    });

    const remove = tracking.delete(TABLE, records[1]!.id);
    await driver.query(remove.sql, remove.params);
    expect(tracking.read((await driver.query(select.sql)).rows).map((r) => r.id)).toEqual([records[0]!.id]);
    expect((await introspect(driver, { excludeTables: [TABLE] })).tables).toEqual([]);
    await driver.close();
  });

  test("read turns SQLite's CURRENT_TIMESTAMP form into ISO-8601 UTC", () => {
    const rows = [{ id: "1_x", name: "x", checksum: CHECKSUM, applied_at: "2026-03-04 05:06:07" }];
    expect(dialect.tracking.read(rows)[0]?.appliedAt).toBe("2026-03-04T05:06:07.000Z");
  });

  test("no lock statements: the transaction's BEGIN IMMEDIATE serialises appliers", () => {
    expect(dialect.lock).toBeNull();
    expect(dialect.transactionalDdl).toBe(true);
    expect(dialect.name).toBe("sqlite");
  });
});
