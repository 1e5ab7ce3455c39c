/**
 * Every operation kind run by the PostgreSQL dialect on tables holding rows: the rows survive
 * every non-destructive change, and introspection reads back exactly the state the operation
 * leads to (computed with the diff's applyOperation).
 */
import { describe, expect, test } from "vitest";
import type { Operation } from "../../../src/diff/operations.js";
import type { Column, Enum, Snapshot } from "../../../src/schema/snapshot.js";
import { apply, col, enumType, introspect, lit, serialId, snapshot, TARGETS, table, useTarget } from "./harness.js";

const status: Enum = { name: "Status", values: ["NEW", "DONE"] };

const BASE = snapshot(
  [
    table("owner", [serialId(), col("name", "string")], { primaryKey: { columns: ["id"] } }),
    table(
      "item",
      [
        serialId(),
        col("name", "string"),
        col("qty", "int", { default: lit(0) }),
        col("note", "string", { nullable: true }),
        col("status", enumType(status), { default: lit("NEW") }),
        col("ownerId", "int", { nullable: true }),
      ],
      { primaryKey: { columns: ["id"] } },
    ),
  ],
  [status],
);

describe.each(TARGETS)("postgres operations on tables with rows, on $name", (target) => {
  const db = useTarget(target);

  /** Creates BASE with three items and two owners; returns the state. */
  async function seeded(): Promise<Snapshot> {
    const state = await apply(db().driver, snapshot([]), [
      { kind: "createEnum", enum: status },
      ...BASE.tables.map((t): Operation => ({ kind: "createTable", table: t })),
    ]);
    await db().driver.query(`INSERT INTO "owner" ("name") VALUES ('o1'), ('o2')`);
    await db().driver.query(
      `INSERT INTO "item" ("name", "qty", "note", "status", "ownerId") VALUES ('a', 10, NULL, 'NEW', 1), ('it''s', 20, 'n', 'DONE', 2), ('c', 30, NULL, 'NEW', NULL)`,
    );
    return state;
  }

  /** Applies the operations in one transaction and checks the live schema is the expected one. */
  async function step(before: Snapshot, operations: Operation[]): Promise<Snapshot> {
    const after = await apply(db().driver, before, operations);
    expect(await introspect(db().driver)).toEqual(after);
    return after;
  }

  async function rows(sql: string): Promise<unknown[][]> {
    const result = await db().driver.query(sql);
    return result.rows.map((row) =>
      Object.values(row).map((value) => (typeof value === "bigint" ? Number(value) : value)),
    );
  }

  test("add columns (nullable, defaulted NOT NULL, identity): rows survive and get the defaults", async () => {
    const state = await seeded();
    await step(state, [
      { kind: "addColumn", table: "item", column: col("extra", "string", { nullable: true }) },
      { kind: "addColumn", table: "item", column: col("flag", "boolean", { default: lit(false) }) },
      { kind: "addColumn", table: "item", column: col("created", "dateTime", { default: { kind: "now" } }) },
      { kind: "addColumn", table: "owner", column: col("seq", "bigInt", { autoIncrement: true }) },
    ]);
    expect(await rows(`SELECT "id", "name", "extra", "flag", "created" IS NOT NULL FROM "item" ORDER BY "id"`)).toEqual(
      [
        [1, "a", null, false, true],
        [2, "it's", null, false, true],
        [3, "c", null, false, true],
      ],
    );
    expect(await rows(`SELECT "seq"::int4 FROM "owner" ORDER BY "id"`)).toEqual([[1], [2]]);
  });

  test("indexes and uniques: create and drop, plain, unique, typed and partial", async () => {
    let state = await seeded();
    const indexes = [
      { name: "item_name_idx", columns: ["name"], unique: false },
      { name: "item_name_qty_key", columns: ["name", "qty"], unique: true },
      { name: "item_note_hash", columns: ["note"], unique: false, type: "hash" },
      { name: "item_live", columns: ["name"], unique: true, where: "\"note\" IS NULL AND \"name\" <> 'it''s'" },
    ];
    state = await step(
      state,
      indexes.map((index): Operation => ({ kind: "createIndex", table: "item", index })),
    );
    state = await step(state, [
      { kind: "addUnique", table: "item", unique: { name: "item_name_key", columns: ["name"] } },
    ]);
    state = await step(state, [
      ...indexes.map((index): Operation => ({ kind: "dropIndex", table: "item", index })),
      { kind: "dropUnique", table: "item", unique: { name: "item_name_key", columns: ["name"] } },
    ]);
    expect(await rows(`SELECT count(*)::int FROM "item"`)).toEqual([[3]]);
  });

  test("widen types: int → bigint → decimal, text → varchar → text, string → json → string, scalar → array", async () => {
    let state = await seeded();
    /** Alters one column of "item" from its current definition to `change` applied to it. */
    const alter = async (name: string, change: (column: Column) => Column) => {
      const from = column(state, "item", name);
      state = await step(state, [{ kind: "alterColumn", table: "item", from, to: change(from) }]);
    };
    await alter("qty", (c) => ({ ...c, type: { kind: "bigInt" } }));
    await alter("qty", (c) => ({ ...c, type: { kind: "decimal", precision: 12, scale: 2 } }));
    await alter("name", (c) => ({ ...c, type: { kind: "string", length: 100 } }));
    await alter("name", (c) => ({ ...c, type: { kind: "string" } }));
    await db().driver.query(`UPDATE "item" SET "note" = '{"k": "it''s"}' WHERE "id" = 2`);
    await alter("note", (c) => ({ ...c, type: { kind: "json" } }));
    await alter("note", (c) => ({ ...c, type: { kind: "string" } }));
    await alter("note", (c) => ({ ...c, array: true }));
    await alter("ownerId", (c) => ({ ...c, type: { kind: "float" } }));
    await alter("ownerId", (c) => ({ ...c, type: { kind: "string" } }));
    expect(await rows(`SELECT "name", "qty"::text, "note", "ownerId" FROM "item" ORDER BY "id"`)).toEqual([
      ["a", "10.00", null, "1"],
      ["it's", "20.00", ['{"k": "it\'s"}'], "2"],
      ["c", "30.00", null, null],
    ]);
  });

  test("nullability and defaults: set, change and drop, enum defaults included", async () => {
    let state = await seeded();
    const note = column(state, "item", "note");
    const status = column(state, "item", "status");
    await db().driver.query(`UPDATE "item" SET "note" = 'filled' WHERE "note" IS NULL`);
    const required = { ...note, nullable: false, default: lit("it's") };
    state = await step(state, [{ kind: "alterColumn", table: "item", from: note, to: required }]);
    const otherDefault = { ...required, default: lit("other") };
    state = await step(state, [{ kind: "alterColumn", table: "item", from: required, to: otherDefault }]);
    const done = { ...status, default: lit("DONE") };
    state = await step(state, [{ kind: "alterColumn", table: "item", from: status, to: done }]);
    const noDefault = { ...done, default: null, nullable: true };
    state = await step(state, [{ kind: "alterColumn", table: "item", from: done, to: noDefault }]);
    await db().driver.query(`INSERT INTO "item" ("name") VALUES ('d')`);
    expect(await rows(`SELECT "name", "note", "status" FROM "item" ORDER BY "id"`)).toEqual([
      ["a", "filled", "NEW"],
      ["it's", "n", "DONE"],
      ["c", "filled", "NEW"],
      ["d", "other", null],
    ]);
  });

  test("string ↔ enum, keeping values and defaults", async () => {
    let state = await seeded();
    const status = column(state, "item", "status");
    const asText = { ...status, type: { kind: "string" as const } };
    state = await step(state, [{ kind: "alterColumn", table: "item", from: status, to: asText }]);
    state = await step(state, [{ kind: "alterColumn", table: "item", from: asText, to: status }]);
    expect(await rows(`SELECT "status"::text FROM "item" ORDER BY "id"`)).toEqual([["NEW"], ["DONE"], ["NEW"]]);
  });

  test("identity dropped and added back: the sequence continues after the existing ids", async () => {
    let state = await seeded();
    const id = column(state, "item", "id");
    const plain = { ...id, autoIncrement: false };
    state = await step(state, [{ kind: "alterColumn", table: "item", from: id, to: plain }]);
    state = await step(state, [{ kind: "alterColumn", table: "item", from: plain, to: id }]);
    await db().driver.query(`INSERT INTO "item" ("name") VALUES ('d')`);
    expect(await rows(`SELECT "id", "name" FROM "item" ORDER BY "id"`)).toEqual([
      [1, "a"],
      [2, "it's"],
      [3, "c"],
      [4, "d"],
    ]);
  });

  test("an identity widened to bigint, and a SERIAL column (made elsewhere) read as auto-increment and altered", async () => {
    let state = await seeded();
    const id = column(state, "item", "id");
    state = await step(state, [
      { kind: "alterColumn", table: "item", from: id, to: { ...id, type: { kind: "bigInt" } } },
    ]);
    await db().driver.query(`INSERT INTO "item" ("name") VALUES ('d')`);
    expect(await rows(`SELECT max("id")::int4 FROM "item"`)).toEqual([[4]]);

    await db().driver.query(`CREATE TABLE "legacy" ("id" serial PRIMARY KEY, "n" bigserial)`);
    await db().driver.query(`INSERT INTO "legacy" DEFAULT VALUES`);
    state = await introspect(db().driver);
    const legacy = state.tables.find((t) => t.name === "legacy")!;
    expect(legacy.columns).toEqual([
      col("id", "int", { autoIncrement: true }),
      col("n", "bigInt", { autoIncrement: true }),
    ]);
    const n = legacy.columns[1]!;
    state = await step(state, [{ kind: "alterColumn", table: "legacy", from: n, to: { ...n, autoIncrement: false } }]);
    expect(await rows(`SELECT "id", "n"::int4 FROM "legacy"`)).toEqual([[1, 1]]);
  });

  test("renames to reserved and odd names; the primary key of a renamed table can still be dropped", async () => {
    let state = await seeded();
    state = await step(state, [
      { kind: "renameColumn", table: "item", from: "name", to: 'we"ird' },
      { kind: "renameTable", from: "item", to: "order" },
    ]);
    state = await step(state, [{ kind: "dropPrimaryKey", table: "order", primaryKey: { columns: ["id"] } }]);
    state = await step(state, [{ kind: "addPrimaryKey", table: "order", primaryKey: { columns: ["id", 'we"ird'] } }]);
    // A new table under the old name: PostgreSQL's default "item_pkey" is still taken by the renamed table's old key.
    state = await step(state, [
      { kind: "createTable", table: table("item", [serialId()], { primaryKey: { columns: ["id"] } }) },
    ]);
    expect(await rows(`SELECT "id", "we""ird" FROM "order" ORDER BY "id"`)).toEqual([
      [1, "a"],
      [2, "it's"],
      [3, "c"],
    ]);
  });

  test("foreign keys added with each action and dropped", async () => {
    let state = await seeded();
    const actions = ["cascade", "restrict", "noAction", "setNull", "setDefault"] as const;
    for (const onDelete of actions) {
      const foreignKey = {
        name: "item_owner_fkey",
        columns: ["ownerId"],
        referencedTable: "owner",
        referencedColumns: ["id"],
        onDelete,
        onUpdate: onDelete === "setDefault" ? ("noAction" as const) : onDelete,
      };
      state = await step(state, [{ kind: "addForeignKey", table: "item", foreignKey }]);
      state = await step(state, [{ kind: "dropForeignKey", table: "item", foreignKey }]);
    }
    state = await step(state, [
      {
        kind: "addForeignKey",
        table: "item",
        foreignKey: {
          name: "item_owner_fkey",
          columns: ["ownerId"],
          referencedTable: "owner",
          referencedColumns: ["id"],
          onDelete: "cascade",
          onUpdate: "noAction",
        },
      },
    ]);
    await db().driver.query(`DELETE FROM "owner" WHERE "id" = 1`);
    expect(await rows(`SELECT "id" FROM "item" ORDER BY "id"`)).toEqual([[2], [3]]);
  });

  test("drop column, table and enum", async () => {
    let state = await seeded();
    state = await step(state, [{ kind: "dropColumn", table: "item", column: column(state, "item", "note") }]);
    state = await step(state, [{ kind: "dropColumn", table: "item", column: column(state, "item", "status") }]);
    state = await step(state, [{ kind: "dropEnum", enum: status }]);
    state = await step(state, [{ kind: "dropTable", table: state.tables.find((t) => t.name === "owner")! }]);
    expect(await rows(`SELECT "id", "name" FROM "item" ORDER BY "id"`)).toEqual([
      [1, "a"],
      [2, "it's"],
      [3, "c"],
    ]);
  });
});

// internal

function column(state: Snapshot, tableName: string, name: string): Column {
  const found = state.tables.find((t) => t.name === tableName)?.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${tableName}.${name}`);
  return found;
}
