/**
 * MySQL dialect round trip on the real server: for each hand-written snapshot, the CREATE TABLE
 * statements run, introspection reads the database back, and the normalised result equals the
 * normalised snapshot (the property that makes push idempotent).
 */

import type { Table } from "viborm";
import { isVibormError } from "viborm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mysqlDialect } from "../../../src/dialects/mysql/index.js";
import type { Statement } from "../../../src/dialects/types.js";
import { applyOperation, diff } from "../../../src/diff/index.js";
import { requireDatabase } from "../../helpers/databases.js";
import { col, createStatements, type MysqlTestDatabase, openMysql, snapshot, table } from "./helpers.js";

const available = await requireDatabase("mysql", "MySQL dialect round trip");

const everyScalar = table(
  "every",
  [
    col("id", "int", { autoIncrement: true }),
    col("text", "string"),
    col("short", { kind: "string", length: 50 }),
    col("text_default", "string", { default: { kind: "literal", value: "it's" } }),
    col("backslash", { kind: "string", length: 20 }, { default: { kind: "literal", value: "a\\b 'q'" } }),
    col("maybe", "string", { nullable: true }),
    col("count", "int", { default: { kind: "literal", value: 42 } }),
    col("negative", "int", { default: { kind: "literal", value: -7 } }),
    col("big", "bigInt", { default: { kind: "literal", value: "9007199254740993" } }),
    col("ratio", "float", { default: { kind: "literal", value: 1.5 } }),
    col("price", "decimal", { default: { kind: "literal", value: "9.9" } }),
    col("rounded", "decimal", { default: { kind: "literal", value: "-1.555" } }),
    col("active", "boolean", { default: { kind: "literal", value: true } }),
    col("archived", "boolean", { default: { kind: "literal", value: false } }),
    col("created_at", "dateTime", { default: { kind: "now" } }),
    col("fixed_at", "dateTime", { default: { kind: "literal", value: "2024-01-02T03:04:05.678Z" } }),
    col("seen_at", "dateTime", { nullable: true }),
    col("today", "date", { default: { kind: "now" } }),
    col("birthday", "date", { default: { kind: "literal", value: "2024-01-02" } }),
    col("now_time", "time", { default: { kind: "now" } }),
    col("wake_up", "time", { nullable: true, default: { kind: "literal", value: "07:30:00" } }),
    col("payload", "json", { default: { kind: "literal", value: '{"a": [1, "x\'y"]}' } }),
    col("extra", "json", { nullable: true }),
    col("raw", "blob", { nullable: true }),
    col(
      "mood",
      { kind: "enum", name: "Mood", values: ["HAPPY", "it's", "SAD"] },
      { default: { kind: "literal", value: "it's" } },
    ),
    col("token", "string", { default: { kind: "uuid" } }),
    col("two", "int", { default: { kind: "sql", expression: "1 + 1" } }),
  ],
  { primaryKey: { columns: ["id"] } },
);

const arrays = table(
  "arrays",
  [
    col("id", "bigInt", { autoIncrement: true }),
    col("tags", "string", { array: true, default: { kind: "literal", value: '["a", "b"]' } }),
    col("scores", "int", { array: true, nullable: true }),
  ],
  { primaryKey: { columns: ["id"] } },
);

const reserved = table(
  "order",
  [
    col("select", "int"),
    col("from", "string"),
    col('we"ird', "string", { default: { kind: "literal", value: "it's" } }),
    col("back`tick", "string", { nullable: true }),
  ],
  {
    primaryKey: { columns: ["select"] },
    uniques: [{ name: "where", columns: ["back`tick"] }],
    indexes: [{ name: "select", columns: ["from", 'we"ird'], unique: false }],
  },
);

const keys = table(
  "membership",
  [col("tenant_id", "int"), col("code", "string"), col("label", "string", { nullable: true }), col("body", "string")],
  {
    primaryKey: { columns: ["tenant_id", "code"] },
    uniques: [{ name: "membership_label_tenant", columns: ["label", "tenant_id"] }],
    indexes: [
      { name: "membership_code_unique", columns: ["code", "label"], unique: true },
      { name: "membership_by_label", columns: ["label"], unique: false, type: "hash" },
      { name: "membership_body_text", columns: ["body"], unique: false, type: "fulltext" },
    ],
  },
);

const parent = table("parent", [col("id", "string", { default: { kind: "uuid" } }), col("name", "string")], {
  primaryKey: { columns: ["id"] },
});

const child = table(
  "child",
  [
    col("id", "int", { autoIncrement: true }),
    col("parent_id", "string"),
    col("other_parent", "string", { nullable: true }),
    col("covered_parent", "string", { nullable: true }),
    col("unique_parent", "string", { nullable: true }),
    col("tree_id", "int", { nullable: true }),
    col("tenant_id", "int", { nullable: true }),
    col("code", "string", { nullable: true }),
  ],
  {
    primaryKey: { columns: ["id"] },
    uniques: [{ name: "child_unique_parent", columns: ["unique_parent"] }],
    indexes: [{ name: "child_covering", columns: ["covered_parent", "tree_id"], unique: false }],
    foreignKeys: [
      fk("child_parent_fkey", ["parent_id"], "parent", ["id"], "cascade", "cascade"),
      fk("child_other_fkey", ["other_parent"], "parent", ["id"], "setNull", "noAction"),
      fk("child_covered_fkey", ["covered_parent"], "parent", ["id"], "restrict", "restrict"),
      fk("child_unique_fkey", ["unique_parent"], "parent", ["id"], "noAction", "setNull"),
      fk("child_tree_fkey", ["tree_id"], "child", ["id"], "setNull", "cascade"),
      fk("child_membership_fkey", ["tenant_id", "code"], "membership", ["tenant_id", "code"], "cascade", "restrict"),
    ],
  },
);

const sharedPrefix = table("shared", [col("id", "int"), col("a", "int"), col("b", "int")], {
  primaryKey: { columns: ["id"] },
  foreignKeys: [
    fk("shared_a_fkey", ["a"], "shared", ["id"], "restrict", "restrict"),
    fk("shared_ab_fkey", ["a", "b"], "pair", ["x", "y"], "restrict", "restrict"),
  ],
});
const pair = table("pair", [col("x", "int"), col("y", "int")], { primaryKey: { columns: ["x", "y"] } });

const CORPUS: { name: string; tables: Table[] }[] = [
  { name: "every scalar, nullable and default kind", tables: [everyScalar] },
  { name: "arrays stored as JSON", tables: [arrays] },
  { name: "reserved and odd names", tables: [reserved] },
  { name: "compound primary key, uniques, unique/hash/fulltext indexes", tables: [keys] },
  { name: "foreign keys with every action, self and compound", tables: [keys, parent, child] },
  { name: "foreign keys that share a leading column", tables: [pair, sharedPrefix] },
];

describe.skipIf(!available)("MySQL dialect: DDL → introspection round trip", () => {
  let db: MysqlTestDatabase;
  beforeAll(async () => {
    db = await openMysql();
  });
  afterAll(async () => {
    await db?.close();
  });

  test.each(CORPUS)("$name", async ({ tables }) => {
    await db.run(tables.map((t) => ({ sql: `DROP TABLE IF EXISTS \`${t.name}\`` })).reverse());
    await db.run(createStatements(tables));
    const read = await db.introspect();
    expect(read).toEqual(mysqlDialect.normalize(snapshot(...tables)));
    expect(mysqlDialect.normalize(read)).toEqual(read);
    await db.run(tables.map((t) => ({ sql: `DROP TABLE \`${t.name}\`` })).reverse());
  });

  /** What push does: diff the live schema against the desired one and run each operation's DDL. */
  async function push(desired: Table[]): Promise<Statement[]> {
    let state = await db.introspect();
    const { operations } = diff(state, mysqlDialect.normalize(snapshot(...desired)));
    const statements: Statement[] = [];
    for (const op of operations) {
      const after = applyOperation(state, op);
      statements.push(...mysqlDialect.ddl(op, { before: state, after }));
      state = after;
    }
    await db.run(statements);
    return statements;
  }

  test("push through the diff: the whole corpus at once, then a second push plans nothing", async () => {
    const all = [everyScalar, arrays, reserved, keys, parent, child, pair, sharedPrefix];
    expect((await push(all)).length).toBe(all.length);
    expect(await push(all)).toEqual([]);
    expect(await db.introspect()).toEqual(mysqlDialect.normalize(snapshot(...all)));
  });

  test("push through the diff: a schema evolved with rows in place, then nothing more to do", async () => {
    await db.driver.query(
      "INSERT INTO `membership` (`tenant_id`, `code`, `label`, `body`) VALUES (1, 'a', 'it''s', 'x')",
    );
    const evolvedKeys = table(
      "membership",
      [...keys.columns, col("note", "string", { nullable: true, default: { kind: "literal", value: "n/a" } })],
      {
        primaryKey: keys.primaryKey,
        uniques: keys.uniques,
        indexes: [
          ...keys.indexes.filter((index) => index.name !== "membership_by_label"),
          { name: "membership_note", columns: ["note"], unique: false },
        ],
      },
    );
    const evolvedChild = table("child", child.columns, {
      ...child,
      indexes: [],
      foreignKeys: child.foreignKeys.filter((foreignKey) => foreignKey.name !== "child_other_fkey"),
    });
    const all = [everyScalar, arrays, reserved, evolvedKeys, parent, evolvedChild, pair, sharedPrefix];
    expect((await push(all)).length).toBeGreaterThan(0);
    expect(await push(all)).toEqual([]);
    const rows = (await db.driver.query("SELECT `code`, `label`, `note` FROM `membership`")).rows;
    expect(rows).toEqual([{ code: "a", label: "it's", note: "n/a" }]);
    await db.run(
      [sharedPrefix, pair, child, parent, keys, reserved, arrays, everyScalar].map((t) => ({
        sql: `DROP TABLE \`${t.name}\``,
      })),
    );
  });

  test("defaults are real database defaults: a row inserted by plain SQL gets them", async () => {
    await db.run(createStatements([everyScalar]));
    await db.driver.query("INSERT INTO `every` (`text`, `short`) VALUES (?, ?)", ["x", "y"]);
    const [row] = (await db.driver.query("SELECT * FROM `every`")).rows;
    expect(row).toMatchObject({
      text_default: "it's",
      backslash: "a\\b 'q'",
      count: 42,
      big: "9007199254740993",
      price: "9.90",
      active: 1,
      mood: "it's",
      two: 2,
    });
    expect(String(row?.token)).toMatch(/^[0-9a-f-]{36}$/);
    // mysql2 parses JSON columns itself (MariaDB's too: they are sent with a JSON flag).
    const payload = typeof row?.payload === "string" ? JSON.parse(row.payload) : row?.payload;
    expect(payload).toEqual({ a: [1, "x'y"] });
    await db.run([{ sql: "DROP TABLE `every`" }]);
  });

  test("what MySQL cannot express is refused with UNSUPPORTED_OPERATION", () => {
    const context = { before: snapshot(), after: snapshot() };
    const partial = table("p", [col("id", "int"), col("email", "string")], {
      indexes: [{ name: "live", columns: ["email"], unique: true, where: "deleted_at IS NULL" }],
    });
    const gin = table("g", [col("id", "int")], {
      indexes: [{ name: "g_id", columns: ["id"], unique: false, type: "gin" }],
    });
    const setDefault = table("d", [col("id", "int"), col("ref", "int")], {
      foreignKeys: [fk("d_ref", ["ref"], "d", ["id"], "setDefault", "restrict")],
    });
    for (const bad of [partial, gin, setDefault]) {
      const error = catchError(() => mysqlDialect.ddl({ kind: "createTable", table: bad }, context));
      expect(isVibormError(error, "UNSUPPORTED_OPERATION")).toBe(true);
      expect(error).toMatchObject({ meta: { dialect: "mysql", table: bad.name } });
    }
    // normalize keeps them, so the diff plans them and the DDL says why it cannot.
    expect(mysqlDialect.normalize(snapshot(partial)).tables[0]?.indexes[0]?.where).toBe("deleted_at IS NULL");
  });
});

function fk(
  name: string,
  columns: string[],
  referencedTable: string,
  referencedColumns: string[],
  onDelete: Table["foreignKeys"][number]["onDelete"],
  onUpdate: Table["foreignKeys"][number]["onUpdate"],
) {
  return { name, columns, referencedTable, referencedColumns, onDelete, onUpdate };
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
