/**
 * createClient through the public entries: an invalid schema fails before any connection opens,
 * and raw SQL works on every driver.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isVibormError, s } from "viborm";
import { createClient as createSqliteClient } from "viborm/sqlite3";
import { describe, expect, test } from "vitest";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";

test("an invalid schema fails with INVALID_SCHEMA before the database is opened", () => {
  const dir = mkdtempSync(join(tmpdir(), "viborm-client-"));
  try {
    const filename = join(dir, "never.db");
    const post = s.model({ id: s.int().id(), authorId: s.int(), author: s.manyToOne(() => ghost).fields("authorId") });
    const ghost = s.model({ id: s.int().id() });
    const error = (() => {
      try {
        createSqliteClient({ schema: { post }, filename });
      } catch (e) {
        return e;
      }
    })();
    expect(isVibormError(error, "INVALID_SCHEMA")).toBe(true);
    expect((error as { meta: { model?: string } }).meta.model).toBe("post");
    expect(existsSync(filename)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe.each(DRIVERS)("raw SQL on $name", (driver) => {
  const db = useFreshDatabase(driver);

  test("$executeRaw counts changed rows, $queryRaw returns rows, errors are QUERY_FAILED", async () => {
    const client = db.client({ thing: s.model({ id: s.int().id() }) });
    const p = (n: number) => (driver.dialect === "postgres" ? `$${n}` : "?");
    await client.$executeRaw("CREATE TABLE t (id INTEGER PRIMARY KEY, label VARCHAR(20))");
    expect(
      await client.$executeRaw(`INSERT INTO t (id, label) VALUES (${p(1)}, ${p(2)}), (${p(3)}, ${p(4)})`, [
        1,
        "a",
        2,
        "it's",
      ]),
    ).toBe(2);
    const rows = await client.$queryRaw<{ id: unknown; label: string }>(
      `SELECT id, label FROM t WHERE id > ${p(1)} ORDER BY id`,
      [0],
    );
    expect(rows.map((row) => [Number(row.id), row.label])).toEqual([
      [1, "a"],
      [2, "it's"],
    ]);
    const error = await client.$queryRaw("SELECT * FROM no_such_table").catch((e: unknown) => e);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    expect((error as Error).cause).toBeDefined();
  });
});
