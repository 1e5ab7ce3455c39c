/**
 * The PostgreSQL DDL text itself (no database): every operation kind is handled, identifiers are
 * always quoted, values always escaped, and what PostgreSQL cannot express is UNSUPPORTED_OPERATION.
 */
import { isVibormError } from "viborm";
import { describe, expect, test } from "vitest";
import type { Operation } from "../../../src/diff/operations.js";
import { col, dialect, enumType, lit, snapshot, table } from "./harness.js";

const odd = { name: 'we"ird', values: ["it's", 'quo"te'] };
const before = snapshot(
  [
    table(
      "order",
      [
        col("select", "int", { autoIncrement: true }),
        col('we"ird', "string", { default: lit("it's") }),
        col("kind", enumType(odd), { default: lit("it's") }),
      ],
      {
        primaryKey: { columns: ["select"] },
        uniques: [{ name: "u", columns: ['we"ird'] }],
        indexes: [{ name: "i", columns: ["kind"], unique: false, where: "\"kind\" <> 'it''s'" }],
        foreignKeys: [],
      },
    ),
  ],
  [odd],
);
const orderTable = before.tables[0]!;
const weird = orderTable.columns[1]!;
const foreignKey = {
  name: "fk",
  columns: ["select"],
  referencedTable: "order",
  referencedColumns: ["select"],
  onDelete: "setNull" as const,
  onUpdate: "restrict" as const,
};

/** One operation of every kind. */
const OPERATIONS: Operation[] = [
  { kind: "createTable", table: orderTable },
  { kind: "dropTable", table: orderTable },
  { kind: "renameTable", from: "order", to: "select" },
  { kind: "addColumn", table: "order", column: col("group", "string", { default: lit("a'; DROP TABLE x; --") }) },
  { kind: "dropColumn", table: "order", column: weird },
  { kind: "renameColumn", table: "order", from: 'we"ird', to: "from" },
  { kind: "alterColumn", table: "order", from: weird, to: { ...weird, default: lit("that's") } },
  { kind: "addPrimaryKey", table: "order", primaryKey: { columns: ["select", 'we"ird'] } },
  { kind: "dropPrimaryKey", table: "order", primaryKey: { columns: ["select"] } },
  { kind: "addUnique", table: "order", unique: { name: 'u"2', columns: ['we"ird'] } },
  { kind: "dropUnique", table: "order", unique: orderTable.uniques[0]! },
  { kind: "createIndex", table: "order", index: { name: "i2", columns: ["select"], unique: true, type: "hash" } },
  { kind: "dropIndex", table: "order", index: orderTable.indexes[0]! },
  { kind: "addForeignKey", table: "order", foreignKey },
  { kind: "dropForeignKey", table: "order", foreignKey },
  { kind: "createEnum", enum: odd },
  { kind: "dropEnum", enum: odd },
  { kind: "alterEnum", name: odd.name, from: odd.values, to: [...odd.values, "new"] },
];

describe("postgres DDL text", () => {
  test.each(OPERATIONS)("$kind quotes every identifier and escapes every value", (operation) => {
    const statements = dialect.ddl(operation, { before, after: before });
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const bare = unquotedWords(statement.sql);
      for (const name of ["order", "we", "ird", "quo", "kind", "group", "it", "that"]) expect(bare).not.toContain(name);
    }
  });

  test("a hostile default stays inside its literal", () => {
    const [statement] = dialect.ddl(OPERATIONS[3]!, { before, after: before });
    expect(statement!.sql).toBe(`ALTER TABLE "order" ADD COLUMN "group" text DEFAULT 'a''; DROP TABLE x; --' NOT NULL`);
  });

  test("alterEnum swaps in a new type, moving defaults and dependent partial indexes", () => {
    const sql = dialect.ddl(OPERATIONS[17]!, { before, after: before }).map((statement) => statement.sql);
    expect(sql).toEqual([
      `DROP INDEX "i"`,
      `CREATE TYPE "we""ird__new" AS ENUM ('it''s', 'quo"te', 'new')`,
      `ALTER TABLE "order" ALTER COLUMN "kind" DROP DEFAULT`,
      `ALTER TABLE "order" ALTER COLUMN "kind" TYPE "we""ird__new" USING "kind"::text::"we""ird__new"`,
      `ALTER TABLE "order" ALTER COLUMN "kind" SET DEFAULT 'it''s'`,
      `DROP TYPE "we""ird"`,
      `ALTER TYPE "we""ird__new" RENAME TO "we""ird"`,
      `CREATE INDEX "i" ON "order" ("kind") WHERE "kind" <> 'it''s'`,
      `COMMENT ON INDEX "i" IS 'viborm:where:"kind" <> ''it''''s'''`,
    ]);
  });

  test("an identity column that is not an integer is UNSUPPORTED_OPERATION", () => {
    const column = col("code", "string", { autoIncrement: true });
    for (const operation of [
      { kind: "addColumn", table: "order", column },
      { kind: "createTable", table: table("t", [column]) },
      { kind: "alterColumn", table: "order", from: weird, to: { ...weird, autoIncrement: true } },
    ] satisfies Operation[]) {
      const error = (() => {
        try {
          dialect.ddl(operation, { before, after: before });
        } catch (e) {
          return e;
        }
      })();
      expect(isVibormError(error, "UNSUPPORTED_OPERATION")).toBe(true);
      expect((error as { meta: { dialect: string; operation: string } }).meta).toMatchObject({
        dialect: "postgres",
        operation: operation.kind,
      });
    }
  });

  test("a dollar-quoted body is never ended by a name inside it", () => {
    const [statement] = dialect.ddl(
      { kind: "dropPrimaryKey", table: "t$viborm$x", primaryKey: { columns: ["id"] } },
      { before, after: before },
    );
    expect(statement!.sql.startsWith("DO $viborm1$")).toBe(true);
  });
});

// internal

/** The words of `sql` outside string literals and quoted identifiers, lower-cased (unbalanced quotes throw). */
function unquotedWords(sql: string): string[] {
  let bare = "";
  for (let i = 0; i < sql.length; i++) {
    const quote = sql[i];
    if (quote !== "'" && quote !== '"') {
      bare += quote;
      continue;
    }
    // Skip the quoted token: a doubled quote is an escaped one.
    for (i++; ; i++) {
      if (i >= sql.length) throw new Error(`unbalanced ${quote} in ${sql}`);
      if (sql[i] === quote && sql[i + 1] === quote) i++;
      else if (sql[i] === quote) break;
    }
    bare += " ";
  }
  return bare
    .toLowerCase()
    .split(/[^a-z0-9_]+/)
    .filter(Boolean);
}
