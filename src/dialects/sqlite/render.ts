/**
 * The SQL text of SQLite schema objects: CREATE TABLE (columns, primary key, foreign keys, enum
 * CHECKs) and CREATE INDEX (indexes and uniques). DDL, the table rebuild and `normalize` all render
 * through here, so what normalize predicts is exactly what the database stores.
 */
import { UnsupportedOperationError } from "../../errors.js";
import type { Check, Column, ForeignKey, Index, ReferentialAction, Table, Unique } from "../../schema/snapshot.js";
import { assertNever } from "../../util/assert-never.js";
import { quoteDoubleQuoted as quote, quoteStringLiteral } from "../quote.js";
import { defaultSql } from "./defaults.js";
import { sqliteColumnType } from "./type-map.js";

/**
 * `CREATE TABLE` for a table, its primary key, foreign keys and CHECKs inline (SQLite cannot add
 * them later). A table without a primary key (a unique-only model) has no PRIMARY KEY clause. Indexes and uniques are separate statements ({@link indexSql}, {@link uniqueSql}).
 * `as` creates it under another name (a table rebuild); a self-reference then follows the new name.
 * `intermediate` marks a state between two operations of one plan (a rebuild), where an
 * auto-increment column may briefly lack its primary key: it is then written as a plain INTEGER.
 *
 * @example createTableSql(users) // → CREATE TABLE "users" (\n  "id" INTEGER NOT NULL, …\n)
 */
export function createTableSql(table: Table, as = table.name, intermediate = false): string {
  const autoIncrement = autoIncrementColumn(table, intermediate);
  const lines = table.columns.map((column) => columnDefinition(column, column === autoIncrement));
  if (table.primaryKey && table.primaryKey.columns.length > 0 && !autoIncrement) {
    lines.push(`PRIMARY KEY (${table.primaryKey.columns.map(quote).join(", ")})`);
  }
  for (const unique of table.uniques)
    if (unique.inline) lines.push(`CONSTRAINT ${quote(unique.name)} UNIQUE (${unique.columns.map(quote).join(", ")})`);
  for (const foreignKey of table.foreignKeys) {
    const target = foreignKey.referencedTable === table.name ? as : foreignKey.referencedTable;
    lines.push(foreignKeySql(foreignKey, target));
  }
  for (const check of table.checks ?? []) lines.push(checkSql(check));
  return `CREATE TABLE ${quote(as)} (\n  ${lines.join(",\n  ")}\n)`;
}

/**
 * One column definition: name, declared type, `PRIMARY KEY AUTOINCREMENT` for the rowid alias,
 * NOT NULL, DEFAULT, and for an enum a CHECK named after the enum, so introspection recovers
 * the enum's name from it.
 *
 * @example columnDefinition(role, false) // → `"role" TEXT NOT NULL DEFAULT 'USER' CONSTRAINT "Role" CHECK ("role" IN ('USER', 'ADMIN'))`
 */
export function columnDefinition(column: Column, rowidAlias: boolean): string {
  const parts = [quote(column.name), sqliteColumnType(column)];
  if (rowidAlias) parts.push("PRIMARY KEY AUTOINCREMENT");
  if (!column.nullable || rowidAlias) parts.push("NOT NULL");
  const value = defaultSql(column);
  if (value !== null) parts.push(`DEFAULT ${value}`);
  if (column.type.kind === "enum" && !column.array) {
    const values = column.type.values.map(quoteStringLiteral).join(", ");
    parts.push(`CONSTRAINT ${quote(column.type.name)} CHECK (${quote(column.name)} IN (${values}))`);
  }
  return parts.join(" ");
}

/**
 * `CREATE [UNIQUE] INDEX … [WHERE …]`, a column `DESC` when its options say so. SQLite has one
 * index type, so `type` is not written (operator classes and prefix lengths fail at createClient).
 *
 * @example indexSql("t", { name: "i", columns: ["a"], unique: false, where: '"a" > 0' }) // → CREATE INDEX "i" ON "t" ("a") WHERE "a" > 0
 */
export function indexSql(table: string, index: Index): string {
  const unique = index.unique ? "UNIQUE " : "";
  const where = index.where ? ` WHERE ${index.where}` : "";
  const columns = index.columns.map((column) => {
    const entry = indexColumns([column]);
    return index.columnOptions?.[column]?.order === "desc" ? `${entry} DESC` : entry;
  });
  return `CREATE ${unique}INDEX ${quote(index.name)} ON ${quote(table)} (${columns.join(", ")})${where}`;
}

/**
 * A unique as a named `CREATE UNIQUE INDEX`: unlike a table constraint it keeps its name and needs no rebuild.
 *
 * @example uniqueSql("t", { name: "t_a_key", columns: ["a"] }) // → CREATE UNIQUE INDEX "t_a_key" ON "t" ("a")
 */
export function uniqueSql(table: string, unique: Unique): string {
  return `CREATE UNIQUE INDEX ${quote(unique.name)} ON ${quote(table)} (${indexColumns(unique.columns)})`;
}

/**
 * Every index and unique of a table, as statements' SQL (a unique declared inline is in its CREATE TABLE).
 *
 * @example tableIndexesSql(users) // → ['CREATE UNIQUE INDEX "users_email_key" …']
 */
export function tableIndexesSql(table: Table): string[] {
  return [
    ...table.uniques.flatMap((unique) => (unique.inline ? [] : [uniqueSql(table.name, unique)])),
    ...table.indexes.map((index) => indexSql(table.name, index)),
  ];
}

/**
 * The column SQLite makes its auto-increment rowid alias, or `undefined`. Only a single-column
 * integer primary key can be one: anything else cannot be expressed, and fails loudly, except in
 * an `intermediate` state, where it is `undefined`.
 *
 * @example autoIncrementColumn(counter)?.name // → "id"
 */
export function autoIncrementColumn(table: Table, intermediate = false): Column | undefined {
  const columns = table.columns.filter((column) => column.autoIncrement);
  if (columns.length === 0) return undefined;
  const column = columns[0]!;
  const key = table.primaryKey?.columns ?? [];
  const integer = column.type.kind === "int" || column.type.kind === "bigInt";
  if (columns.length > 1 || key.length !== 1 || key[0] !== column.name || !integer || column.array) {
    if (intermediate) return undefined;
    throw new UnsupportedOperationError(
      `SQLite auto-increments only a single-column integer primary key; ${table.name}.${column.name} is not one: make it the only id column or drop increment().`,
      { dialect: "sqlite", operation: "autoIncrement", table: table.name, detail: column.name },
    );
  }
  return column;
}

/**
 * The SQL keyword(s) for a referential action.
 *
 * @example actionSql("setNull") // → "SET NULL"
 */
export function actionSql(action: ReferentialAction): string {
  switch (action) {
    case "cascade":
      return "CASCADE";
    case "restrict":
      return "RESTRICT";
    case "noAction":
      return "NO ACTION";
    case "setNull":
      return "SET NULL";
    case "setDefault":
      return "SET DEFAULT";
    default:
      return assertNever(action, "referential action");
  }
}

// internal

/**
 * A table CHECK, named: introspection reads it back from the table's SQL as written, and tells it
 * from an enum's CHECK, which is a column constraint.
 */
function checkSql(check: Check): string {
  return `CONSTRAINT ${quote(check.name)} CHECK (${check.expression})`;
}

function foreignKeySql(foreignKey: ForeignKey, target: string): string {
  return (
    `CONSTRAINT ${quote(foreignKey.name)} FOREIGN KEY (${foreignKey.columns.map(quote).join(", ")}) ` +
    `REFERENCES ${quote(target)} (${foreignKey.referencedColumns.map(quote).join(", ")}) ` +
    `ON DELETE ${actionSql(foreignKey.onDelete)} ON UPDATE ${actionSql(foreignKey.onUpdate)}`
  );
}

/** Index columns are names; an entry with parentheses is an expression read back from a hand-made index. */
function indexColumns(columns: string[]): string {
  return columns.map((column) => (column.includes("(") ? column : quote(column))).join(", ");
}
