/**
 * Counterexamples the property tests (properties.test.ts) found on PostgreSQL, each kept as a named
 * case on both PostgreSQL targets.
 */
import { describe, expect, test } from "vitest";
import { diff } from "../../../src/diff/index.js";
import type { Snapshot } from "../../../src/schema/snapshot.js";
import { col, introspect, plan, runAtomic, snapshot, TARGETS, table, useTarget } from "./harness.js";

const EMPTY: Snapshot = snapshot([]);

describe.each(TARGETS)("PostgreSQL property counterexamples ($name)", (target) => {
  const open = useTarget(target);

  async function push(from: Snapshot, to: Snapshot): Promise<Snapshot> {
    const { driver } = open();
    await runAtomic(driver, plan(from, diff(from, to).operations).statements);
    return introspect(driver);
  }

  test("a unique over the primary key's columns is kept as its own constraint, and the key keeps its name", async () => {
    const wanted = snapshot([
      table("users", [col("id", "string")], {
        primaryKey: { columns: ["id"] },
        uniques: [{ name: "id_key", columns: ["id"] }],
      }),
    ]);
    expect(await push(EMPTY, wanted)).toEqual(wanted);
    const names = await open().driver.query(
      "SELECT conname FROM pg_catalog.pg_constraint WHERE conrelid = 'users'::regclass AND contype IN ('p', 'u') ORDER BY 1",
    );
    expect(names.rows.map((row) => row.conname)).toEqual(["id_key", "users_pkey"]);
  });

  test("two uniques over the same columns in one new table are both kept", async () => {
    const wanted = snapshot([
      table("users", [col("id", "int")], {
        uniques: [
          { name: "id_key", columns: ["id"] },
          { name: "users_id_key", columns: ["id"] },
        ],
      }),
    ]);
    expect(await push(EMPTY, wanted)).toEqual(wanted);
  });

  test("a retype with no cast between the types (int → time, date → time[]) goes through text", async () => {
    const before = snapshot([table("t", [col("a", "int", { nullable: true }), col("b", "date", { nullable: true })])]);
    await push(EMPTY, before);
    await open().driver.query(`INSERT INTO "t" ("a", "b") VALUES (NULL, NULL)`);
    const after = snapshot([
      table("t", [
        col("a", { kind: "time", precision: 0 }, { nullable: true }),
        col("b", { kind: "time", precision: 0 }, { nullable: true, array: true }),
      ]),
    ]);
    expect(await push(before, after)).toEqual(after);
  });
});
