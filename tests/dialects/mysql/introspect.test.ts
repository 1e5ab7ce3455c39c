/**
 * MySQL introspection: a constant number of catalog-wide queries whatever the table count, the
 * tracking table, viborm's bookkeeping, excluded tables and views left out, and the defaults of
 * both server flavours (MariaDB measured here; MySQL 8 from recorded rows) read the same way.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mysqlDialect } from "../../../src/dialects/mysql/index.js";
import type { Row } from "../../../src/dialects/types.js";
import { requireDatabase } from "../../helpers/databases.js";
import { col, createStatements, type MysqlTestDatabase, openMysql, snapshot, table } from "./helpers.js";

const available = await requireDatabase("mysql", "MySQL introspection");

describe.skipIf(!available)("MySQL introspection on the real server", () => {
  let db: MysqlTestDatabase;
  beforeAll(async () => {
    db = await openMysql();
  });
  afterAll(async () => {
    await db?.close();
  });

  /** Introspects, saying how many statements it took. */
  async function countedRead(excludeTables: string[]) {
    const options = { excludeTables };
    const statements = mysqlDialect.introspection.queries(options);
    const rows = await db.driver.queryAll(statements);
    expect(rows).toHaveLength(statements.length);
    return { statements: statements.length, snapshot: mysqlDialect.introspection.read(rows, options) };
  }

  test("the same five statements for 1 table and for 50", async () => {
    const make = (i: number) =>
      table(`t${String(i).padStart(2, "0")}`, [col("id", "int", { autoIncrement: true }), col("name", "string")], {
        primaryKey: { columns: ["id"] },
        indexes: [{ name: `t${i}_name`, columns: ["name"], unique: false }],
      });
    await db.run(createStatements([make(0)]));
    const one = await countedRead([]);
    await db.run(createStatements(Array.from({ length: 49 }, (_, i) => make(i + 1))));
    const fifty = await countedRead([]);
    expect(one.statements).toBe(5);
    expect(fifty.statements).toBe(one.statements);
    expect(one.snapshot.tables.map((t) => t.name)).toEqual(["t00"]);
    expect(fifty.snapshot.tables).toHaveLength(50);
    expect(fifty.snapshot.tables[49]?.indexes).toEqual([{ name: "t49_name", columns: ["name"], unique: false }]);
    await db.run(Array.from({ length: 50 }, (_, i) => ({ sql: `DROP TABLE \`${make(i).name}\`` })));
  });

  test("tracking, bookkeeping and excluded tables, and views, are invisible", async () => {
    await db.run([
      ...mysqlDialect.tracking.create("_viborm_migrations"),
      { sql: "CREATE TABLE `_viborm_anything` (`x` INT)" },
      { sql: "CREATE TABLE `_viborm_progress` (`x` INT)" },
      { sql: "CREATE TABLE `keep_out` (`x` INT)" },
      { sql: "CREATE TABLE `visible` (`x` INT NULL)" },
      { sql: "CREATE VIEW `a_view` AS SELECT `x` FROM `visible`" },
    ]);
    const { snapshot: read } = await countedRead(["_viborm_migrations", "keep_out"]);
    expect(read).toEqual(mysqlDialect.normalize(snapshot(table("visible", [col("x", "int", { nullable: true })]))));
  });
});

describe("MySQL introspection reader (recorded rows)", () => {
  const options = { excludeTables: [] };

  function columnRow(name: string, dataType: string, columnType: string, extra: Partial<Row> = {}): Row {
    return {
      table_name: "t",
      column_name: name,
      position: 0,
      column_default: null,
      is_nullable: "NO",
      data_type: dataType,
      column_type: columnType,
      extra: "",
      ...extra,
    };
  }

  /** The primary key on `id`, as STATISTICS reports it. */
  const primaryKey: Row[] = [
    { table_name: "t", index_name: "PRIMARY", non_unique: 0, seq: 1, column_name: "id", index_type: "BTREE" },
  ];

  function read(version: string, columns: Row[], checks: Row[] = [], indexes: Row[] = []) {
    const positioned = columns.map((row, i) => ({ ...row, position: i + 1 }));
    return mysqlDialect.introspection.read([[{ version }], positioned, checks, indexes, []], options);
  }

  test("MySQL 8 defaults: unquoted literals, DEFAULT_GENERATED expressions, escaped string expressions", () => {
    const generated = { extra: "DEFAULT_GENERATED" };
    const result = read(
      "8.0.36",
      [
        columnRow("id", "int", "int", { extra: "auto_increment" }),
        columnRow("name", "varchar", "varchar(50)", { column_default: "it's" }),
        columnRow("body", "text", "text", { column_default: "_utf8mb4\\'it\\\\\\'s\\'", ...generated }),
        columnRow("created", "datetime", "datetime(3)", { column_default: "CURRENT_TIMESTAMP(3)", ...generated }),
        columnRow("day", "date", "date", { column_default: "curdate()", ...generated }),
        columnRow("token", "varchar", "varchar(36)", { column_default: "uuid()", ...generated }),
        columnRow("flag", "tinyint", "tinyint(1)", { column_default: "1" }),
        columnRow("price", "decimal", "decimal(10,2)", { column_default: "9.90" }),
        columnRow("doc", "json", "json", { column_default: "_utf8mb4\\'{\"a\": 1}\\'", ...generated }),
        columnRow("two", "int", "int", { column_default: "(1 + 1)", ...generated }),
        columnRow("mood", "enum", "enum('a','it''s')", { column_default: "it's" }),
        columnRow("maybe", "int", "int", { is_nullable: "YES" }),
      ],
      [{ CONSTRAINT_SCHEMA: "db", CONSTRAINT_NAME: "t_chk_1", CHECK_CLAUSE: "json_valid(`name`)" }],
      primaryKey,
    );
    expect(result.tables[0]?.columns.map((c) => [c.name, c.type, c.default, c.autoIncrement])).toEqual([
      ["id", { kind: "int" }, null, true],
      ["name", { kind: "string", length: 50 }, { kind: "literal", value: "it's" }, false],
      ["body", { kind: "string" }, { kind: "literal", value: "it's" }, false],
      ["created", { kind: "dateTime" }, { kind: "now" }, false],
      ["day", { kind: "date" }, { kind: "now" }, false],
      ["token", { kind: "string", length: 36 }, { kind: "uuid" }, false],
      ["flag", { kind: "boolean" }, { kind: "literal", value: true }, false],
      ["price", { kind: "decimal", precision: 10, scale: 2 }, { kind: "literal", value: "9.90" }, false],
      ["doc", { kind: "json" }, { kind: "literal", value: '{"a":1}' }, false],
      ["two", { kind: "int" }, { kind: "sql", expression: "1 + 1" }, false],
      ["mood", { kind: "enum", name: "", values: ["a", "it's"] }, { kind: "literal", value: "it's" }, false],
      ["maybe", { kind: "int" }, null, false],
    ]);
  });

  test("MariaDB defaults: quoted literals in both escapes, NULL as text, lower-case expressions, JSON as checked LONGTEXT", () => {
    const result = read(
      "10.11.19-MariaDB-0+deb12u1",
      [
        columnRow("a", "text", "text", { column_default: "'it\\'s'" }),
        columnRow("b", "varchar", "varchar(20)", { column_default: "'it''s \\\\ back'" }),
        columnRow("c", "text", "text", { column_default: "'NULL'" }),
        columnRow("d", "int", "int(11)", { column_default: "NULL", is_nullable: "YES" }),
        columnRow("e", "datetime", "datetime(3)", { column_default: "current_timestamp(3)" }),
        columnRow("f", "datetime", "datetime(3)", { column_default: "'2024-01-02 03:04:05.678'" }),
        columnRow("g", "time", "time", { column_default: "curtime()" }),
        columnRow("h", "longtext", "longtext", { column_default: "'[1,2]'" }),
        columnRow("i", "bigint", "bigint(20)", { column_default: "9007199254740993" }),
        columnRow("j", "double", "double", { column_default: "1.5" }),
      ],
      [{ TABLE_NAME: "t", CONSTRAINT_NAME: "h", CHECK_CLAUSE: "json_valid(`h`)" }],
    );
    expect(result.tables[0]?.columns.map((c) => [c.name, c.type.kind, c.default])).toEqual([
      ["a", "string", { kind: "literal", value: "it's" }],
      ["b", "string", { kind: "literal", value: "it's \\ back" }],
      ["c", "string", { kind: "literal", value: "NULL" }],
      ["d", "int", null],
      ["e", "dateTime", { kind: "now" }],
      ["f", "dateTime", { kind: "literal", value: "2024-01-02T03:04:05.678Z" }],
      ["g", "time", { kind: "now" }],
      ["h", "json", { kind: "literal", value: "[1,2]" }],
      ["i", "bigInt", { kind: "literal", value: "9007199254740993" }],
      ["j", "float", { kind: "literal", value: 1.5 }],
    ]);
  });

  test("the reader is pure: the same rows give the same snapshot", () => {
    const rows = [columnRow("a", "int", "int(11)")];
    expect(read("10.11.19-MariaDB", rows)).toEqual(read("10.11.19-MariaDB", rows));
  });
});
