/**
 * Tables: CREATE (everything inline: columns, primary key, uniques, indexes, foreign keys and the
 * own index of each foreign key no other key serves), DROP and RENAME.
 */
import type { Check, Table } from "../../../schema/snapshot.js";
import { quoteBacktick as q } from "../../quote.js";
import { foreignKeysNeedingIndex } from "../keys.js";
import { columnDefinition } from "./columns.js";
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
  for (const index of table.indexes) items.push(indexClause(index, table.name));
  const indexNames = new Set(table.indexes.map((index) => index.name));
  for (const foreignKey of foreignKeysNeedingIndex(table)) {
    if (!indexNames.has(foreignKey.name)) items.push(foreignKeyIndexClause(foreignKey));
  }
  for (const foreignKey of table.foreignKeys) items.push(foreignKeyClause(foreignKey, table.name));
  for (const check of table.checks ?? []) items.push(checkClause(check));
  return `CREATE TABLE ${q(table.name)} (\n  ${items.join(",\n  ")}\n) ${TABLE_OPTIONS}`;
}

/** `CONSTRAINT name CHECK (expression)`: the expression is SQL the schema's author wrote. */
export function checkClause(check: Check): string {
  return `CONSTRAINT ${q(check.name)} CHECK (${check.expression})`;
}

/** `ALTER TABLE … ADD CONSTRAINT … CHECK`. */
export function addCheckSql(table: string, check: Check): string {
  return `ALTER TABLE ${q(table)} ADD ${checkClause(check)}`;
}

/** `ALTER TABLE … DROP CONSTRAINT` (MariaDB 10.2+, MySQL 8.0.19+). */
export function dropCheckSql(table: string, check: Check): string {
  return `ALTER TABLE ${q(table)} DROP CONSTRAINT ${q(check.name)}`;
}

/** `DROP TABLE`. */
export function dropTableSql(table: Table): string {
  return `DROP TABLE ${q(table.name)}`;
}

/** `RENAME TABLE`: foreign keys of other tables follow the rename. */
export function renameTableSql(from: string, to: string): string {
  return `RENAME TABLE ${q(from)} TO ${q(to)}`;
}
