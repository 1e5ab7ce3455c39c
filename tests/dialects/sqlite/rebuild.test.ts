/**
 * The SQLite table rebuild with foreign keys ON (as on D1, where they cannot be turned off): rows
 * of every table referencing the rebuilt one survive unchanged, whatever the action (CASCADE,
 * SET NULL, SET DEFAULT, RESTRICT, NO ACTION), through grandchildren, self-references and cycles;
 * the children's foreign keys still point at the table; a violation aborts the whole unit.
 */
import type { Driver } from "viborm";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Statement } from "../../../src/dialects/types.js";
import type { Operation } from "../../../src/diff/operations.js";
import type { ForeignKey, ReferentialAction, Snapshot, Table } from "../../../src/schema/snapshot.js";
import {
  col,
  create,
  dialect,
  execute,
  freshDriver,
  introspect,
  load,
  plan,
  rows,
  snapshot,
  table,
} from "./helpers.js";

function ref(
  from: string,
  column: string,
  to: string,
  onDelete: ReferentialAction,
  referencedColumn = "id",
): ForeignKey {
  return {
    name: `${from}_${column}_fkey`,
    columns: [column],
    referencedTable: to,
    referencedColumns: [referencedColumn],
    onDelete,
    onUpdate: "noAction",
  };
}

function child(name: string, parent: string, action: ReferentialAction, extra: Partial<Table> = {}): Table {
  const nullable = action === "setNull" || action === "setDefault";
  const fkColumn = col("p_id", "int", {
    nullable,
    default: action === "setDefault" ? { kind: "literal", value: 1 } : null,
  });
  const { columns = [], foreignKeys = [] } = extra;
  return table(name, [col("id", "int"), fkColumn, ...columns], ["id"], {
    foreignKeys: [ref(name, "p_id", parent, action), ...foreignKeys],
  });
}

const PARENT = table(
  "p",
  [col("id", "int", { autoIncrement: true }), col("name", "string"), col("parent_id", "int", { nullable: true })],
  ["id"],
  {
    foreignKeys: [ref("p", "parent_id", "p", "setNull")],
    indexes: [{ name: "p_name_idx", columns: ["name"], unique: false }],
  },
);
const FAMILY = snapshot([
  PARENT,
  child("c_cascade", "p", "cascade"),
  child("c_set_null", "p", "setNull"),
  child("c_set_default", "p", "setDefault"),
  child("c_restrict", "p", "restrict"),
  child("c_no_action", "p", "noAction"),
  table("g", [col("id", "int"), col("c_id", "int")], ["id"], {
    foreignKeys: [ref("g", "c_id", "c_cascade", "cascade")],
  }),
  table("gg", [col("id", "int"), col("g_id", "int", { nullable: true })], ["id"], {
    foreignKeys: [ref("gg", "g_id", "g", "setNull")],
  }),
  child("s", "p", "cascade", {
    columns: [col("s_id", "int", { nullable: true })],
    foreignKeys: [ref("s", "s_id", "s", "setNull")],
  }),
  table("unrelated", [col("id", "int"), col("note", "string")]),
]);

const ROWS: Record<string, Record<string, unknown>[]> = {
  p: [
    { id: 1, name: "root", parent_id: null },
    { id: 2, name: "it's", parent_id: 1 },
    { id: 3, name: "leaf", parent_id: 2 },
  ],
  c_cascade: [
    { id: 1, p_id: 1 },
    { id: 2, p_id: 2 },
    { id: 3, p_id: 3 },
  ],
  c_set_null: [
    { id: 1, p_id: 2 },
    { id: 2, p_id: 3 },
  ],
  c_set_default: [
    { id: 1, p_id: 3 },
    { id: 2, p_id: 2 },
  ],
  c_restrict: [{ id: 1, p_id: 3 }],
  c_no_action: [{ id: 1, p_id: 2 }],
  g: [
    { id: 1, c_id: 2 },
    { id: 2, c_id: 3 },
  ],
  gg: [
    { id: 1, g_id: 1 },
    { id: 2, g_id: 2 },
  ],
  s: [
    { id: 1, p_id: 3, s_id: null },
    { id: 2, p_id: 2, s_id: 1 },
    { id: 3, p_id: 3, s_id: 2 },
  ],
  unrelated: [{ id: 1, note: "untouched" }],
};

const nameColumn = PARENT.columns[1]!;

async function setUp(driver: Driver, target: Snapshot, data: Record<string, Record<string, unknown>[]>): Promise<void> {
  await create(driver, target);
  await load(driver, data);
}

async function allRows(driver: Driver, target: Snapshot): Promise<Record<string, Record<string, unknown>[]>> {
  const result: Record<string, Record<string, unknown>[]> = {};
  for (const t of target.tables) result[t.name] = await rows(driver, t.name);
  return result;
}

/** Runs statements in one transaction but ignores what check statements return (a batch driver's view). */
async function executeIgnoringChecks(driver: Driver, statements: Statement[]): Promise<void> {
  await execute(
    driver,
    statements.map(({ expectNoRows: _, ...statement }) => statement),
  );
}

describe("SQLite table rebuild with foreign keys on", () => {
  let driver: Driver;
  beforeEach(async () => {
    driver = freshDriver();
    expect((await driver.query("PRAGMA foreign_keys")).rows).toEqual([{ foreign_keys: 1 }]);
  });
  afterEach(() => driver.close());

  test("rebuilding a parent keeps every row of children, grandchildren and self-references", async () => {
    await setUp(driver, FAMILY, ROWS);
    const operation: Operation = {
      kind: "alterColumn",
      table: "p",
      from: nameColumn,
      to: { ...nameColumn, type: { kind: "string", length: 100 }, default: { kind: "literal", value: "x" } },
    };
    const { statements, after } = plan(FAMILY, [operation]);
    expect(statements.some((s) => s.sql.includes("unrelated"))).toBe(false);
    expect(statements.some((s) => /PRAGMA\s+foreign_keys\b/i.test(s.sql))).toBe(false);
    await execute(driver, statements);

    expect(await allRows(driver, FAMILY)).toEqual(ROWS);
    expect(dialect.normalize(await introspect(driver))).toEqual(dialect.normalize(after));
    const leftovers = await driver.query("SELECT name FROM sqlite_master WHERE name LIKE '\\_viborm\\_%' ESCAPE '\\'");
    expect(leftovers.rows).toEqual([]);
    for (const name of ["c_cascade", "c_set_null", "c_set_default", "c_restrict", "c_no_action", "s"]) {
      const fks = (await driver.query(`PRAGMA foreign_key_list(${dialect.quote(name)})`)).rows;
      expect(fks.filter((fk) => fk.from === "p_id").map((fk) => fk.table)).toEqual(["p"]);
    }
    const own = (await driver.query(`PRAGMA foreign_key_list("p")`)).rows;
    expect(own.map((fk) => [fk.from, fk.table, fk.on_delete])).toEqual([["parent_id", "p", "SET NULL"]]);
  });

  test("the foreign keys still act after the rebuild", async () => {
    await setUp(driver, FAMILY, ROWS);
    const operation: Operation = {
      kind: "addColumn",
      table: "p",
      column: col("seen", "dateTime", { default: { kind: "now" } }),
    };
    await execute(driver, plan(FAMILY, [operation]).statements);
    await expect(driver.query(`DELETE FROM "p" WHERE "id" = 3`)).rejects.toMatchObject({ code: "QUERY_FAILED" });
    await driver.query(`DELETE FROM "c_restrict"`);
    await driver.query(`DELETE FROM "p" WHERE "id" = 3`);
    expect((await rows(driver, "c_cascade")).map((r) => r.id)).toEqual([1, 2]);
    expect(await rows(driver, "c_set_null")).toEqual([
      { id: 1, p_id: 2 },
      { id: 2, p_id: null },
    ]);
    expect(await rows(driver, "c_set_default")).toEqual([
      { id: 1, p_id: 1 },
      { id: 2, p_id: 2 },
    ]);
    expect(await rows(driver, "gg")).toEqual([
      { id: 1, g_id: 1 },
      { id: 2, g_id: null },
    ]);
    await expect(driver.query(`INSERT INTO "c_cascade" ("id", "p_id") VALUES (9, 99)`)).rejects.toMatchObject({
      cause: { code: "SQLITE_CONSTRAINT_FOREIGNKEY" },
    });
    await driver.query(`INSERT INTO "p" ("name") VALUES ('next')`);
    expect((await rows(driver, "p")).at(-1)).toMatchObject({ id: 4, name: "next" });
  });

  test("a cycle of cascading foreign keys: rows on both sides survive", async () => {
    const cycle = snapshot([
      table("a", [col("id", "int"), col("b_id", "int", { nullable: true }), col("v", "int")], ["id"], {
        foreignKeys: [ref("a", "b_id", "b", "cascade")],
      }),
      table("b", [col("id", "int"), col("a_id", "int")], ["id"], { foreignKeys: [ref("b", "a_id", "a", "cascade")] }),
    ]);
    const data = {
      a: [
        { id: 1, b_id: null, v: 1 },
        { id: 2, b_id: 1, v: 2 },
      ],
      b: [
        { id: 1, a_id: 1 },
        { id: 2, a_id: 2 },
      ],
    };
    await setUp(driver, cycle, data);
    const v = cycle.tables[0]!.columns[2]!;
    const { statements } = plan(cycle, [
      { kind: "alterColumn", table: "a", from: v, to: { ...v, type: { kind: "bigInt" } } },
    ]);
    await execute(driver, statements);
    expect(await allRows(driver, cycle)).toEqual(data);
  });

  test("a table referencing a unique key of its own is rebuilt through a backup, rows and index kept", async () => {
    const nodes = snapshot([
      table(
        "nodes",
        [col("id", "int"), col("code", "string"), col("parent_code", "string", { nullable: true }), col("n", "int")],
        ["id"],
        {
          uniques: [{ name: "nodes_code_key", columns: ["code"] }],
          foreignKeys: [ref("nodes", "parent_code", "nodes", "cascade", "code")],
        },
      ),
      child("leaves", "nodes", "cascade"),
    ]);
    const data = {
      nodes: [
        { id: 1, code: "root", parent_code: null, n: 1 },
        { id: 2, code: "it's", parent_code: "root", n: 2 },
      ],
      leaves: [{ id: 1, p_id: 2 }],
    };
    await setUp(driver, nodes, data);
    const n = nodes.tables.find((t) => t.name === "nodes")!.columns[3]!;
    const { statements, after } = plan(nodes, [
      { kind: "alterColumn", table: "nodes", from: n, to: { ...n, type: { kind: "bigInt" } } },
    ]);
    expect(statements.some((statement) => statement.sql.includes("_viborm_new_"))).toBe(false);
    await execute(driver, statements);
    expect(await allRows(driver, nodes)).toEqual(data);
    expect(dialect.normalize(await introspect(driver))).toEqual(dialect.normalize(after));
    await driver.query(`DELETE FROM "nodes" WHERE "code" = 'root'`);
    expect(await rows(driver, "nodes")).toEqual([]);
    expect(await rows(driver, "leaves")).toEqual([]);
  });

  test("several rebuilds in one unit, parent then child", async () => {
    await setUp(driver, FAMILY, ROWS);
    const cascade = FAMILY.tables.find((t) => t.name === "c_cascade")!;
    const operations: Operation[] = [
      { kind: "alterColumn", table: "p", from: nameColumn, to: { ...nameColumn, nullable: true } },
      { kind: "addForeignKey", table: "c_cascade", foreignKey: ref("c_cascade", "id", "unrelated", "noAction") },
      { kind: "dropForeignKey", table: "c_cascade", foreignKey: cascade.foreignKeys[0]! },
    ];
    await driver.query(`INSERT INTO "unrelated" ("id", "note") VALUES (2, 'b'), (3, 'c')`);
    const { statements, after } = plan(FAMILY, operations);
    await execute(driver, statements);
    expect(dialect.normalize(await introspect(driver))).toEqual(dialect.normalize(after));
    const { unrelated: _, ...rest } = await allRows(driver, FAMILY);
    const { unrelated: __, ...expected } = ROWS;
    expect(rest).toEqual(expected);
  });

  describe("a foreign key the rows violate aborts the whole unit", () => {
    const loose = snapshot([
      table("users", [col("id", "int"), col("email", "string")]),
      table("posts", [col("id", "int"), col("author_id", "int")]),
    ]);
    const data = {
      users: [{ id: 1, email: "a@x" }],
      posts: [
        { id: 1, author_id: 1 },
        { id: 2, author_id: 42 },
      ],
    };
    const operation: Operation = {
      kind: "addForeignKey",
      table: "posts",
      foreignKey: ref("posts", "author_id", "users", "cascade"),
    };

    test("through PRAGMA foreign_key_check (expectNoRows)", async () => {
      await setUp(driver, loose, data);
      const { statements } = plan(loose, [operation]);
      expect(statements.at(-1)).toEqual({ sql: "PRAGMA foreign_key_check", expectNoRows: true });
      await expect(execute(driver, statements)).rejects.toThrow(/check failed/);
      expect(await introspect(driver)).toEqual(loose);
      expect(await allRows(driver, loose)).toEqual(data);
    });

    test("through the deferred check at COMMIT when nobody reads the check's rows (batches, SQL files)", async () => {
      await setUp(driver, loose, data);
      const { statements } = plan(loose, [operation]);
      await expect(executeIgnoringChecks(driver, statements)).rejects.toMatchObject({
        cause: { code: "SQLITE_CONSTRAINT_FOREIGNKEY" },
      });
      expect(await introspect(driver)).toEqual(loose);
      expect(await allRows(driver, loose)).toEqual(data);
    });
  });
});
