/**
 * Every operation kind on the real server, on tables holding rows: after each operation the
 * introspected schema equals the expected after-state (built with the diff's applyOperation), the
 * rows survive, and running the statements' inverses (newest first) restores the schema before it.
 */
import type { Column, ForeignKey, Snapshot } from "viborm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mysqlDialect } from "../../../src/dialects/mysql/index.js";
import type { Statement } from "../../../src/dialects/types.js";
import { applyOperation } from "../../../src/diff/index.js";
import type { Operation } from "../../../src/diff/operations.js";
import { requireDatabase } from "../../helpers/databases.js";
import { col, type MysqlTestDatabase, openMysql, snapshot, table } from "./helpers.js";

const available = await requireDatabase("mysql", "MySQL dialect operations");

const normalize = mysqlDialect.normalize;

/** The column `name` of `tableName` as it stands in `state`. */
function column(state: Snapshot, tableName: string, name: string): Column {
  const found = state.tables.find((t) => t.name === tableName)?.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${tableName}.${name}`);
  return found;
}

function changed(state: Snapshot, tableName: string, name: string, change: Partial<Column>): Operation {
  const from = column(state, tableName, name);
  return { kind: "alterColumn", table: tableName, from, to: { ...from, ...change } };
}

interface Step {
  name: string;
  op(state: Snapshot): Operation;
  /** The table whose rows must survive (absent: the step drops them on purpose). */
  rows?: string;
  lossy?: boolean;
  /** What the statement must say (besides the operation's own clause). */
  sql?: RegExp;
  /** Index names the catalog must show on the table afterwards (checked without our introspection). */
  catalogIndexes?: [string, string[]];
}

const fkey: ForeignKey = {
  name: "child_parent_fkey",
  columns: ["parent_id"],
  referencedTable: "parent",
  referencedColumns: ["id"],
  onDelete: "cascade",
  onUpdate: "restrict",
};

const STEPS: Step[] = [
  {
    name: "addColumn (TEXT)",
    rows: "child",
    op: () => ({ kind: "addColumn", table: "child", column: col("email", "string", { nullable: true }) }),
  },
  {
    name: "createIndex over a TEXT column (MODIFY to VARCHAR(191) in the same statement)",
    rows: "child",
    sql: /MODIFY COLUMN `email` VARCHAR\(191\) NULL.*ADD INDEX `child_email_idx`/,
    op: () => ({
      kind: "createIndex",
      table: "child",
      index: { name: "child_email_idx", columns: ["email"], unique: false },
    }),
  },
  {
    name: "addUnique",
    rows: "child",
    op: () => ({ kind: "addUnique", table: "child", unique: { name: "child_email_key", columns: ["email"] } }),
  },
  {
    name: "dropUnique",
    rows: "child",
    op: () => ({ kind: "dropUnique", table: "child", unique: { name: "child_email_key", columns: ["email"] } }),
  },
  {
    name: "dropIndex (back to TEXT)",
    rows: "child",
    sql: /DROP INDEX `child_email_idx`, MODIFY COLUMN `email` TEXT NULL$/,
    op: () => ({
      kind: "dropIndex",
      table: "child",
      index: { name: "child_email_idx", columns: ["email"], unique: false },
    }),
  },
  {
    name: "alterColumn: widen int → bigInt",
    rows: "child",
    op: (s) => changed(s, "child", "qty", { type: { kind: "bigInt" }, default: { kind: "literal", value: "0" } }),
  },
  {
    name: "alterColumn: set a default",
    rows: "child",
    op: (s) => changed(s, "child", "note", { default: { kind: "literal", value: "it's" } }),
  },
  {
    name: "renameColumn",
    rows: "child",
    op: () => ({ kind: "renameColumn", table: "child", from: "note", to: "remark" }),
  },
  {
    name: "addForeignKey (with its own index)",
    rows: "child",
    sql: /ADD INDEX `child_parent_fkey` \(`parent_id`\), ADD CONSTRAINT `child_parent_fkey`/,
    catalogIndexes: ["child", ["child_parent_fkey"]],
    op: () => ({ kind: "addForeignKey", table: "child", foreignKey: { ...fkey } }),
  },
  {
    name: "createIndex that serves the foreign key (its own index goes)",
    rows: "child",
    sql: /DROP INDEX `child_parent_fkey`.*ADD INDEX `child_parent_qty`/,
    catalogIndexes: ["child", ["child_parent_qty"]],
    op: () => ({
      kind: "createIndex",
      table: "child",
      index: { name: "child_parent_qty", columns: ["parent_id", "qty"], unique: false },
    }),
  },
  {
    name: "dropIndex a foreign key needs (its own index comes back)",
    rows: "child",
    sql: /DROP INDEX `child_parent_qty`.*ADD INDEX `child_parent_fkey`/,
    catalogIndexes: ["child", ["child_parent_fkey"]],
    op: () => ({
      kind: "dropIndex",
      table: "child",
      index: { name: "child_parent_qty", columns: ["parent_id", "qty"], unique: false },
    }),
  },
  {
    name: "addColumn (enum with default)",
    rows: "child",
    op: () => ({
      kind: "addColumn",
      table: "child",
      column: col("code", { kind: "enum", name: "", values: ["A", "B"] }, { default: { kind: "literal", value: "A" } }),
    }),
  },
  {
    name: "alterColumn: add an enum value",
    rows: "child",
    op: (s) => changed(s, "child", "code", { type: { kind: "enum", name: "", values: ["A", "B", "C"] } }),
  },
  {
    name: "dropPrimaryKey",
    rows: "child",
    op: () => ({ kind: "dropPrimaryKey", table: "child", primaryKey: { columns: ["id"] } }),
  },
  {
    name: "addPrimaryKey",
    rows: "child",
    op: () => ({ kind: "addPrimaryKey", table: "child", primaryKey: { columns: ["id"] } }),
  },
  {
    name: "alterColumn: make the key AUTO_INCREMENT",
    rows: "child",
    op: (s) => changed(s, "child", "id", { autoIncrement: true }),
  },
  {
    name: "dropPrimaryKey under an AUTO_INCREMENT column",
    rows: "child",
    sql: /DROP PRIMARY KEY, MODIFY COLUMN `id` INT NOT NULL$/,
    op: () => ({ kind: "dropPrimaryKey", table: "child", primaryKey: { columns: ["id"] } }),
  },
  {
    name: "addPrimaryKey (AUTO_INCREMENT back)",
    rows: "child",
    sql: /MODIFY COLUMN `id` INT NOT NULL AUTO_INCREMENT, ADD PRIMARY KEY \(`id`\)/,
    op: () => ({ kind: "addPrimaryKey", table: "child", primaryKey: { columns: ["id"] } }),
  },
  { name: "renameTable", rows: "kid", op: () => ({ kind: "renameTable", from: "child", to: "kid" }) },
  {
    name: "dropForeignKey (its own index goes)",
    rows: "kid",
    sql: /DROP FOREIGN KEY `child_parent_fkey`, DROP INDEX `child_parent_fkey`/,
    catalogIndexes: ["kid", []],
    op: () => ({ kind: "dropForeignKey", table: "kid", foreignKey: { ...fkey } }),
  },
  {
    name: "addColumn with a uuid default",
    rows: "kid",
    op: () => ({ kind: "addColumn", table: "kid", column: col("token", "string", { default: { kind: "uuid" } }) }),
  },
  {
    name: "dropColumn",
    rows: "kid",
    lossy: true,
    op: (s) => ({ kind: "dropColumn", table: "kid", column: column(s, "kid", "remark") }),
  },
  {
    name: "createTable with a foreign key",
    rows: "kid",
    op: () => ({
      kind: "createTable",
      table: table("tag", [col("id", "int", { autoIncrement: true }), col("kid_id", "int"), col("label", "string")], {
        primaryKey: { columns: ["id"] },
        uniques: [{ name: "tag_label_key", columns: ["label"] }],
        foreignKeys: [
          {
            name: "tag_kid_fkey",
            columns: ["kid_id"],
            referencedTable: "kid",
            referencedColumns: ["id"],
            onDelete: "cascade",
            onUpdate: "cascade",
          },
        ],
      }),
    }),
  },
  {
    name: "dropTable",
    lossy: true,
    op: (s) => ({ kind: "dropTable", table: s.tables.find((t) => t.name === "tag")! }),
  },
];

describe.skipIf(!available)("MySQL dialect: every operation on tables holding rows", () => {
  let db: MysqlTestDatabase;
  let state: Snapshot = snapshot();

  async function apply(op: Operation): Promise<Statement[]> {
    const after = applyOperation(state, op);
    const statements = mysqlDialect.ddl(op, { before: state, after });
    await db.run(statements);
    state = after;
    return statements;
  }

  async function rows(name: string): Promise<unknown[]> {
    const result = await db.driver.query(`SELECT \`id\`, \`parent_id\` FROM \`${name}\` ORDER BY \`id\``);
    return result.rows.map((row) => [Number(row.id), Number(row.parent_id)]);
  }

  /** Non-primary index names straight from information_schema. */
  async function catalogIndexes(name: string): Promise<string[]> {
    const result = await db.driver.query(
      "SELECT DISTINCT INDEX_NAME AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' ORDER BY 1",
      [name],
    );
    return result.rows.map((row) => String(row.n));
  }

  beforeAll(async () => {
    db = await openMysql();
    await apply({
      kind: "createTable",
      table: table("parent", [col("id", "int", { autoIncrement: true }), col("name", "string")], {
        primaryKey: { columns: ["id"] },
      }),
    });
    await apply({
      kind: "createTable",
      table: table(
        "child",
        [
          col("id", "int"),
          col("parent_id", "int"),
          col("note", "string", { nullable: true }),
          col("qty", "int", { default: { kind: "literal", value: 0 } }),
        ],
        { primaryKey: { columns: ["id"] } },
      ),
    });
    await db.driver.query("INSERT INTO `parent` (`name`) VALUES ('a'), ('it''s')");
    await db.driver.query(
      "INSERT INTO `child` (`id`, `parent_id`, `note`, `qty`) VALUES (1, 1, 'n1', 10), (2, 1, NULL, 20), (3, 2, 'x', 30)",
    );
  });
  afterAll(async () => {
    await db?.close();
  });

  test.each(STEPS)("$name", async (step) => {
    const before = state;
    const expectedRows = step.rows
      ? await rows(step.rows === "kid" && before.tables.some((t) => t.name === "child") ? "child" : step.rows)
      : [];
    const op = step.op(before);
    const statements = await apply(op);
    expect(statements.length).toBeGreaterThan(0);

    expect(await db.introspect()).toEqual(normalize(state));
    if (step.sql) expect(statements.map((statement) => statement.sql).join("\n")).toMatch(step.sql);
    if (step.catalogIndexes) expect(await catalogIndexes(step.catalogIndexes[0])).toEqual(step.catalogIndexes[1]);
    if (step.rows) expect(await rows(step.rows)).toEqual(expectedRows);
    for (const statement of statements) {
      expect(statement.inverse?.length).toBeGreaterThan(0);
      expect(Boolean(statement.lossy)).toBe(Boolean(step.lossy));
    }

    // The inverses, newest first, restore the schema before the operation…
    for (const statement of [...statements].reverse()) await db.run(statement.inverse ?? []);
    expect(await db.introspect()).toEqual(normalize(before));
    // …and the operation then runs again.
    await db.run(statements);
    expect(await db.introspect()).toEqual(normalize(state));
  });

  test("the rows' values survived the whole chain", async () => {
    const result = await db.driver.query("SELECT `id`, `parent_id`, `qty`, `code` FROM `kid` ORDER BY `id`");
    expect(result.rows.map((row) => [Number(row.id), Number(row.parent_id), Number(row.qty), row.code])).toEqual([
      [1, 1, 10, "A"],
      [2, 1, 20, "A"],
      [3, 2, 30, "A"],
    ]);
  });
});

describe.skipIf(!available)("MySQL dialect: enum operations (enums live inline in columns)", () => {
  let db: MysqlTestDatabase;
  beforeAll(async () => {
    db = await openMysql();
  });
  afterAll(async () => {
    await db?.close();
  });

  test("createEnum/dropEnum are no statements; alterEnum MODIFYs every column using it, with inverses", async () => {
    const mood = { name: "Mood", values: ["HAPPY", "SAD"] };
    const moodColumn = (values: string[]) => col("mood", { kind: "enum", name: "Mood", values }, { nullable: true });
    const pets = (values: string[]) =>
      table(
        "pet",
        [col("id", "int"), moodColumn(values), col("other", { kind: "enum", name: "Other", values: ["X"] })],
        {
          primaryKey: { columns: ["id"] },
        },
      );
    const owners = (values: string[]) =>
      table("owner", [col("id", "int"), moodColumn(values)], { primaryKey: { columns: ["id"] } });
    const empty = snapshot();
    expect(
      mysqlDialect.ddl({ kind: "createEnum", enum: mood }, { before: empty, after: { ...empty, enums: [mood] } }),
    ).toEqual([]);
    expect(
      mysqlDialect.ddl({ kind: "dropEnum", enum: mood }, { before: { ...empty, enums: [mood] }, after: empty }),
    ).toEqual([]);

    const before: Snapshot = {
      ...snapshot(pets(mood.values), owners(mood.values)),
      enums: [mood, { name: "Other", values: ["X"] }],
    };
    for (const t of before.tables)
      await db.run(mysqlDialect.ddl({ kind: "createTable", table: t }, { before, after: before }));
    await db.driver.query("INSERT INTO `pet` (`id`, `mood`, `other`) VALUES (1, 'SAD', 'X')");
    const op: Operation = { kind: "alterEnum", name: "Mood", from: ["HAPPY", "SAD"], to: ["HAPPY", "SAD", "it's"] };
    const after = applyOperation(before, op);
    const statements = mysqlDialect.ddl(op, { before, after });
    expect(statements.map((statement) => statement.sql)).toEqual([
      "ALTER TABLE `owner` MODIFY COLUMN `mood` ENUM('HAPPY','SAD','it''s') NULL",
      "ALTER TABLE `pet` MODIFY COLUMN `mood` ENUM('HAPPY','SAD','it''s') NULL",
    ]);
    await db.run(statements);
    const widened = await db.introspect();
    expect(widened).toEqual(normalize(snapshot(pets(op.to), owners(op.to))));
    for (const statement of [...statements].reverse()) await db.run(statement.inverse ?? []);
    expect(await db.introspect()).toEqual(normalize(before));
    expect((await db.driver.query("SELECT `mood` FROM `pet`")).rows).toEqual([{ mood: "SAD" }]);
  });
});
