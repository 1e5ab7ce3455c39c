/**
 * Tables: CREATE (everything inline: columns, primary key, uniques, indexes, foreign keys and the
 * own index of each foreign key no other key serves), DROP and RENAME.
 */
import type { OperationOf } from "../../../diff/operations.js";
import type { Check, Table } from "../../../schema/snapshot.js";
import { quoteBacktick as q } from "../../quote.js";
import type { DdlContext } from "../../types.js";
import { foreignKeysNeedingIndex } from "../keys.js";
import { alterTable, columnDefinition, ownCheck, tableIn } from "./columns.js";
import { columnList, foreignKeyClause, foreignKeyIndexClause, indexClause } from "./keys.js";

/**
 * Table options: InnoDB (foreign keys, transactional DML) and utf8mb4 whatever the server's
 * defaults, so keyed VARCHAR(191) columns and foreign keys between tables always match.
 */
export const TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

/** `CREATE TABLE` with the whole table definition, one item per line. */
export function createTableSql(table: Table): string {
  const items = table.columns.map((column) => columnDefinition(column, table));
  if (table.primaryKey) items.push(`PRIMARY KEY (${columnList(table.primaryKey.columns)})`);
  for (const unique of table.uniques) items.push(`UNIQUE INDEX ${q(unique.name)} (${columnList(unique.columns)})`);
  for (const index of table.indexes) items.push(indexClause(index, table));
  const indexNames = new Set(table.indexes.map((index) => index.name));
  for (const foreignKey of foreignKeysNeedingIndex(table)) {
    if (!indexNames.has(foreignKey.name)) items.push(foreignKeyIndexClause(foreignKey));
  }
  for (const foreignKey of table.foreignKeys) items.push(foreignKeyClause(foreignKey, table.name));
  for (const check of table.checks ?? []) if (ownCheck(table, check.name) !== check) items.push(checkClause(check));
  return `CREATE TABLE ${q(table.name)} (\n  ${items.join(",\n  ")}\n) ${TABLE_OPTIONS}`;
}

/** `CONSTRAINT name CHECK (expression)`: the expression is SQL the schema's author wrote. */
export function checkClause(check: Check): string {
  return `CONSTRAINT ${q(check.name)} CHECK (${check.expression})`;
}

/**
 * `ALTER TABLE … ADD CONSTRAINT … CHECK`; a column's own check (see `Check.column`) goes back into
 * the column's definition, so that undoing its drop restores it as it was.
 */
export function addCheckSql(op: OperationOf<"addCheck">, context: DdlContext): string {
  return (
    ownCheckSql(op.table, op.check, tableIn(context.after, op.table)) ??
    `ALTER TABLE ${q(op.table)} ADD ${checkClause(op.check)}`
  );
}

/**
 * `ALTER TABLE … DROP CONSTRAINT` (MariaDB 10.2+, MySQL 8.0.19+); a column's own check, which
 * MariaDB does not drop that way, by a MODIFY of the column without it.
 */
export function dropCheckSql(op: OperationOf<"dropCheck">, context: DdlContext): string {
  const own = ownCheck(tableIn(context.before, op.table), op.check.name);
  return (
    (own && ownCheckSql(op.table, own, tableIn(context.after, op.table))) ??
    `ALTER TABLE ${q(op.table)} DROP CONSTRAINT ${q(op.check.name)}`
  );
}

/** `MODIFY COLUMN` of the column `check` belongs to, as it is in `after`; null for a table's check. */
function ownCheckSql(table: string, check: Check, after: Table): string | null {
  const column = check.column === check.name ? after.columns.find((item) => item.name === check.column) : undefined;
  return column ? alterTable(table, [`MODIFY COLUMN ${columnDefinition(column, after)}`]) : null;
}

/** `DROP TABLE`. */
export function dropTableSql(table: Table): string {
  return `DROP TABLE ${q(table.name)}`;
}

/** `RENAME TABLE`: foreign keys of other tables follow the rename. */
export function renameTableSql(from: string, to: string): string {
  return `RENAME TABLE ${q(from)} TO ${q(to)}`;
}
