/**
 * Column definitions and the column operations: ADD / DROP / RENAME / MODIFY COLUMN.
 *
 * A column's definition depends on its table: a keyed string is VARCHAR(191) rather than TEXT,
 * and only a keyed column keeps AUTO_INCREMENT (see `keys.ts`). Operations that change a table's
 * keys therefore MODIFY the columns whose definition changes with them (`modifyClauses`).
 */
import type { OperationOf } from "../../../diff/operations.js";
import { InvalidArgumentError } from "../../../errors.js";
import type { Check, Column, Snapshot, Table } from "../../../schema/snapshot.js";
import { quoteBacktick as q } from "../../quote.js";
import type { DdlContext } from "../../types.js";
import { defaultSql } from "../defaults.js";
import { isKeyed } from "../keys.js";
import { mysqlColumnType } from "../type-map.js";

/**
 * The full definition of `column` as part of `table`, as written in CREATE TABLE, ADD COLUMN and
 * MODIFY COLUMN.
 *
 * @example columnDefinition(email, users) // → "`email` VARCHAR(191) NOT NULL"
 */
export function columnDefinition(column: Column, table: Table): string {
  const keyed = isKeyed(table, column);
  const sqlType = mysqlColumnType(column, keyed);
  const inPrimaryKey = table.primaryKey?.columns.includes(column.name) ?? false;
  if (column.generated) {
    // Computed by the server: no default, and MariaDB takes no NULL / NOT NULL on it.
    const { expression, stored } = column.generated;
    return `${q(column.name)} ${sqlType} GENERATED ALWAYS AS (${expression}) ${stored ? "STORED" : "VIRTUAL"}`;
  }
  const parts = [q(column.name), sqlType, column.nullable && !inPrimaryKey ? "NULL" : "NOT NULL"];
  if (column.autoIncrement && keyed) {
    parts.push("AUTO_INCREMENT");
  } else {
    const value = defaultSql(column, sqlType, table.name);
    if (value !== null) parts.push(`DEFAULT ${value}`);
  }
  // The column's own check is part of its definition: a MODIFY without it would drop it.
  const own = ownCheck(table, column.name);
  if (own) parts.push(`CHECK (${own.expression})`);
  return parts.join(" ");
}

/**
 * The check MariaDB keeps in column `name`'s definition (see `Check.column`), if `table` has one.
 *
 * @example ownCheck(items, "qty") // → { name: "qty", expression: "`qty` > 0", column: "qty" }
 */
export function ownCheck(table: Table, name: string): Check | undefined {
  return table.checks?.find((check) => check.column === name && check.name === name);
}

/** The table `name` in `snapshot`; an operation that names a missing table is an invalid argument. */
export function tableIn(snapshot: Snapshot, name: string): Table {
  const table = snapshot.tables.find((candidate) => candidate.name === name);
  if (!table) {
    throw new InvalidArgumentError(`Table ${name} is not in the DDL context; build the context with applyOperation.`, {
      argument: "context",
      value: name,
    });
  }
  return table;
}

/** `ALTER TABLE t clause, clause…`: one statement, so InnoDB applies the clauses together or not at all. */
export function alterTable(table: string, clauses: string[]): string {
  return `ALTER TABLE ${q(table)} ${clauses.join(", ")}`;
}

/**
 * MODIFY clauses for the columns whose definition differs between two states of one table
 * (a key added or dropped makes a string VARCHAR(191) or TEXT, adds or drops AUTO_INCREMENT).
 */
export function modifyClauses(before: Table, after: Table): string[] {
  const clauses: string[] = [];
  for (const column of after.columns) {
    const previous = before.columns.find((candidate) => candidate.name === column.name);
    if (!previous) continue;
    const definition = columnDefinition(column, after);
    if (definition !== columnDefinition(previous, before)) clauses.push(`MODIFY COLUMN ${definition}`);
  }
  return clauses;
}

/** ADD COLUMN at the position the column has in the table after the operation. */
export function addColumnSql(op: OperationOf<"addColumn">, context: DdlContext): string {
  const table = tableIn(context.after, op.table);
  const position = table.columns.findIndex((column) => column.name === op.column.name);
  const previous = position > 0 ? table.columns[position - 1] : undefined;
  const place = position === 0 ? " FIRST" : previous ? ` AFTER ${q(previous.name)}` : "";
  return alterTable(op.table, [`ADD COLUMN ${columnDefinition(op.column, table)}${place}`]);
}

/** DROP COLUMN. */
export function dropColumnSql(op: OperationOf<"dropColumn">): string {
  return alterTable(op.table, [`DROP COLUMN ${q(op.column.name)}`]);
}

/** RENAME COLUMN (MySQL 8.0, MariaDB 10.5): keeps the definition, indexes and foreign keys follow. */
export function renameColumnSql(op: OperationOf<"renameColumn">): string {
  return alterTable(op.table, [`RENAME COLUMN ${q(op.from)} TO ${q(op.to)}`]);
}

/** MODIFY COLUMN with the new definition, in place. */
export function alterColumnSql(op: OperationOf<"alterColumn">, context: DdlContext): string {
  return alterTable(op.table, [`MODIFY COLUMN ${columnDefinition(op.to, tableIn(context.after, op.table))}`]);
}
