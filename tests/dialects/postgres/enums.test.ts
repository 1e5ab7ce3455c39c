/**
 * alterEnum on PostgreSQL and PGlite: a new type is swapped in, so a value can be added and used
 * in the same transaction (ALTER TYPE … ADD VALUE cannot: 55P04), values can be removed and
 * reordered, and what depends on the enum (defaults, arrays, partial indexes, foreign keys
 * between enum columns) comes through with the rows.
 */
import { describe, expect, test } from "vitest";
import type { Operation } from "../../../src/diff/operations.js";
import type { Enum, Snapshot } from "../../../src/schema/snapshot.js";
import {
  apply,
  col,
  enumType,
  introspect,
  lit,
  plan,
  runAtomic,
  snapshot,
  TARGETS,
  table,
  useTarget,
} from "./harness.js";

const status: Enum = { name: "Status", values: ["NEW", "DONE"] };

/** Two tables using the enum: a default, an array, a partial index naming a value, and a foreign key between enum columns. */
function base(item: Enum): Snapshot {
  const [first = ""] = item.values;
  return snapshot(
    [
      table("kind", [col("code", enumType(item))], { primaryKey: { columns: ["code"] } }),
      table(
        "task",
        [
          col("id", "int"),
          col("status", enumType(item), { default: lit(first) }),
          col("history", enumType(item), { array: true, default: lit(`{"${first.replaceAll('"', '\\"')}"}`) }),
          col("kind", enumType(item), { nullable: true }),
        ],
        {
          primaryKey: { columns: ["id"] },
          indexes: [
            {
              name: "open_tasks",
              columns: ["id"],
              unique: false,
              where: `"status" <> '${first.replaceAll("'", "''")}'`,
            },
          ],
          foreignKeys: [
            {
              name: "task_kind_fkey",
              columns: ["kind"],
              referencedTable: "kind",
              referencedColumns: ["code"],
              onDelete: "noAction",
              onUpdate: "noAction",
            },
          ],
        },
      ),
    ],
    [item],
  );
}

describe.each(TARGETS)("postgres enums on $name", (target) => {
  const db = useTarget(target);

  async function seeded(item: Enum = status): Promise<Snapshot> {
    const state = base(item);
    const created = await apply(db().driver, snapshot([]), [
      { kind: "createEnum", enum: item },
      ...state.tables.map((t): Operation => ({ kind: "createTable", table: t })),
    ]);
    const [first, second] = item.values.map((value) => `'${value.replaceAll("'", "''")}'`);
    await db().driver.query(`INSERT INTO "kind" VALUES (${first}), (${second})`);
    await db().driver.query(
      `INSERT INTO "task" VALUES (1, ${first}, ARRAY[${first}]::"${item.name.replaceAll('"', '""')}"[], ${first}), (2, ${second}, DEFAULT, NULL)`,
    );
    return created;
  }

  async function tasks(): Promise<unknown[][]> {
    const { rows } = await db().driver.query(
      `SELECT "id", "status"::text, "history"::text, "kind"::text FROM "task" ORDER BY "id"`,
    );
    return rows.map((row) => Object.values(row));
  }

  test("a value added and used in the same transaction (default, row)", async () => {
    const before = await seeded();
    const from = before.tables.find((t) => t.name === "task")!.columns.find((c) => c.name === "status")!;
    const later = { ...status, values: ["NEW", "DONE", "LATER"] };
    const { statements, after } = plan(before, [
      { kind: "alterEnum", name: "Status", from: status.values, to: later.values },
    ]);
    const withDefault = plan(after, [
      {
        kind: "alterColumn",
        table: "task",
        from: { ...from, type: enumType(later) },
        to: { ...from, type: enumType(later), default: lit("LATER") },
      },
    ]);
    await runAtomic(db().driver, [
      ...statements,
      ...withDefault.statements,
      { sql: `INSERT INTO "task" ("id") VALUES (3)` },
      { sql: `UPDATE "task" SET "history" = array_append("history", 'LATER') WHERE "id" = 1` },
    ]);
    expect(await introspect(db().driver)).toEqual(withDefault.after);
    expect(await tasks()).toEqual([
      [1, "NEW", "{NEW,LATER}", "NEW"],
      [2, "DONE", "{NEW}", null],
      [3, "LATER", "{NEW}", null],
    ]);
  });

  test("ALTER TYPE … ADD VALUE would fail there (55P04): the reason for the swap", async () => {
    await seeded();
    const error = await runAtomic(db().driver, [
      { sql: `ALTER TYPE "Status" ADD VALUE 'LATER'` },
      { sql: `INSERT INTO "task" ("id", "status") VALUES (3, 'LATER')` },
    ]).catch((e: unknown) => e);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe("55P04");
  });

  test("values removed and reordered; rows keep theirs", async () => {
    const before = await seeded();
    await db().driver.query(`UPDATE "task" SET "status" = 'NEW' WHERE "status" = 'DONE'`);
    await db().driver.query(`DELETE FROM "kind" WHERE "code" = 'DONE'`);
    const operation: Operation = { kind: "alterEnum", name: "Status", from: status.values, to: ["LATER", "NEW"] };
    const after = await apply(db().driver, before, [operation]);
    expect(await introspect(db().driver)).toEqual(after);
    expect(after.enums).toEqual([{ name: "Status", values: ["LATER", "NEW"] }]);
    expect(await tasks()).toEqual([
      [1, "NEW", "{NEW}", "NEW"],
      [2, "NEW", "{NEW}", null],
    ]);
  });

  test("removing a value rows still hold fails, and nothing changes", async () => {
    const before = await seeded();
    const error = await apply(db().driver, before, [
      { kind: "alterEnum", name: "Status", from: status.values, to: ["NEW"] },
    ]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "QUERY_FAILED" });
    expect(await introspect(db().driver)).toEqual(before);
    expect(await tasks()).toEqual([
      [1, "NEW", "{NEW}", "NEW"],
      [2, "DONE", "{NEW}", null],
    ]);
  });

  test("an enum with an odd name of 63 bytes", async () => {
    const odd: Enum = { name: `we"ird ${"e".repeat(56)}`, values: ["it's", "a b"] };
    const before = await seeded(odd);
    const after = await apply(db().driver, before, [
      { kind: "alterEnum", name: odd.name, from: odd.values, to: ["it's", "a b", "c"] },
    ]);
    expect(await introspect(db().driver)).toEqual(after);
  });
});
