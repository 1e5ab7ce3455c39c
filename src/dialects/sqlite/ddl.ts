/**
 * SQLite DDL for every operation. ALTER TABLE is used where SQLite can (ADD/DROP/RENAME COLUMN,
 * RENAME TABLE) and indexes are their own statements; every other change is a table rebuild.
 *
 * @see https://www.sqlite.org/lang_altertable.html (what ALTER TABLE can and cannot do)
 */
import type { Operation } from "../../diff/operations.js";
import { UnsupportedOperationError } from "../../errors.js";
import type { Column, Snapshot, Table } from "../../schema/snapshot.js";
import { assertNever } from "../../util/assert-never.js";
import { quoteDoubleQuoted as quote } from "../quote.js";
import type { DdlContext, Statement } from "../types.js";
import { defaultSql, isConstantDefault } from "./defaults.js";
import { recreateTable } from "./recreate-table.js";
import { columnDefinition, createTableSql, indexSql, tableIndexesSql, uniqueSql } from "./render.js";

/**
 * The statements for one operation; `context` gives the schema just before and just after it,
 * which a table rebuild needs.
 *
 * @example sqliteDdl({ kind: "renameTable", from: "a", to: "b" }, context) // → [{ sql: 'ALTER TABLE "a" RENAME TO "b"' }]
 */
export function sqliteDdl(operation: Operation, context: DdlContext): Statement[] {
  switch (operation.kind) {
    case "createTable":
      return statements(createTableSql(operation.table), ...tableIndexesSql(operation.table));
    case "dropTable":
      return statements(`DROP TABLE ${quote(operation.table.name)}`);
    case "renameTable":
      return statements(`ALTER TABLE ${quote(operation.from)} RENAME TO ${quote(operation.to)}`);
    case "addColumn":
      return canAddColumn(operation.column, tableIn(context.after, operation.table))
        ? statements(`ALTER TABLE ${quote(operation.table)} ADD COLUMN ${columnDefinition(operation.column, false)}`)
        : recreateTable(operation.table, context);
    case "dropColumn":
      return canDropColumn(operation.column.name, operation.table, context.before)
        ? statements(`ALTER TABLE ${quote(operation.table)} DROP COLUMN ${quote(operation.column.name)}`)
        : recreateTable(operation.table, context);
    case "renameColumn":
      return statements(
        `ALTER TABLE ${quote(operation.table)} RENAME COLUMN ${quote(operation.from)} TO ${quote(operation.to)}`,
      );
    case "alterColumn":
    case "addPrimaryKey":
    case "dropPrimaryKey":
    case "addForeignKey":
    case "dropForeignKey":
    case "addCheck":
    case "dropCheck":
      return recreateTable(operation.table, context);
    case "createExtension":
      throw new UnsupportedOperationError(`Extension ${operation.name} is a PostgreSQL feature; SQLite has none.`, {
        dialect: "sqlite",
        operation: "createExtension",
        detail: operation.name,
      });
    case "addUnique":
      return statements(uniqueSql(operation.table, operation.unique));
    case "dropUnique":
      // A UNIQUE declared in the table owns an index SQLite will not drop.
      return operation.unique.inline
        ? recreateTable(operation.table, context)
        : statements(`DROP INDEX ${quote(operation.unique.name)}`);
    case "createIndex":
      return statements(indexSql(operation.table, operation.index));
    case "dropIndex":
      return statements(`DROP INDEX ${quote(operation.index.name)}`);
    case "createEnum":
    case "dropEnum":
      // SQLite has no enum types: an enum lives in its columns' CHECK constraints, written and
      // removed with those columns. Nothing to run.
      return [];
    case "alterEnum":
      return alterEnum(operation.name, operation.to, context);
    default:
      return assertNever(operation, "operation");
  }
}

// internal

function statements(...sql: string[]): Statement[] {
  return sql.map((text) => ({ sql: text }));
}

function tableIn(snapshot: Snapshot, name: string): Table | undefined {
  return snapshot.tables.find((table) => table.name === name);
}

/**
 * ADD COLUMN refuses a PRIMARY KEY or UNIQUE column, NOT NULL without a non-null default, and a
 * non-constant default (CURRENT_TIMESTAMP, expressions); a foreign key cannot be added either.
 */
function canAddColumn(column: Column, table: Table | undefined): boolean {
  if (!table || column.autoIncrement) return false;
  if (table.primaryKey?.columns.includes(column.name)) return false;
  if (!column.nullable && defaultSql(column) === null) return false;
  if (table.foreignKeys.some((fk) => fk.columns.includes(column.name))) return false;
  return isConstantDefault(column);
}

/**
 * DROP COLUMN refuses a column in the primary key, a unique, an index (or its WHERE), a table
 * CHECK, a foreign key of its own or another table's.
 */
function canDropColumn(column: string, tableName: string, before: Snapshot): boolean {
  const table = tableIn(before, tableName);
  if (!table) return false;
  if (table.primaryKey?.columns.includes(column)) return false;
  if (table.uniques.some((unique) => unique.columns.includes(column))) return false;
  if (table.indexes.some((index) => index.columns.includes(column) || index.where?.includes(column))) return false;
  if (table.foreignKeys.some((fk) => fk.columns.includes(column))) return false;
  // SQLite refuses to drop a column a table CHECK names; the text is not parsed, so any mention counts.
  if (table.checks?.some((check) => check.expression.includes(column))) return false;
  return !before.tables.some((other) =>
    other.foreignKeys.some((fk) => fk.referencedTable === tableName && fk.referencedColumns.includes(column)),
  );
}

/** A new CHECK for every table with a column of the enum: each is rebuilt with the new values. */
function alterEnum(name: string, values: string[], context: DdlContext): Statement[] {
  const withValues = (table: Table): Table => ({
    ...table,
    columns: table.columns.map((column) =>
      column.type.kind === "enum" && column.type.name === name
        ? { ...column, type: { ...column.type, values } }
        : column,
    ),
  });
  const after = { ...context.after, tables: context.after.tables.map(withValues) };
  const users = after.tables.filter((table) =>
    table.columns.some((column) => column.type.kind === "enum" && column.type.name === name && !column.array),
  );
  return users.flatMap((table) => recreateTable(table.name, { before: context.before, after }));
}
