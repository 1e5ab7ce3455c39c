/**
 * What the keys of a table imply for its columns and foreign keys in InnoDB.
 *
 * - A column in a key (primary key, unique, B-tree index, foreign key) cannot be TEXT, and only a
 *   keyed column may be AUTO_INCREMENT: its DDL depends on the table around it. An index entry
 *   with a prefix length (`col(64)`) indexes TEXT as it is, so it keys nothing.
 * - A foreign key needs an index whose leading columns are its own. When no key of the table
 *   serves, viborm declares one named after the foreign key (MySQL would create that same index
 *   implicitly, but would then drop it silently once another index serves, so viborm manages it
 *   itself). Introspection reads that index like any other; `normalize` removes it again, so it
 *   never shows in a snapshot.
 */
import type { Column, ForeignKey, Index, Table } from "../../schema/snapshot.js";

/** Names of the columns of `table` that are part of a key. */
export function keyedColumns(table: Table): Set<string> {
  const names = new Set<string>();
  const add = (columns: readonly string[]) => {
    for (const column of columns) names.add(column);
  };
  add(table.primaryKey?.columns ?? []);
  for (const unique of table.uniques) add(unique.columns);
  for (const index of table.indexes)
    if (isOrderedIndex(index))
      add(index.columns.filter((column) => index.columnOptions?.[column]?.length === undefined));
  for (const foreignKey of table.foreignKeys) add(foreignKey.columns);
  return names;
}

/** True when `column` is part of a key of `table`. */
export function isKeyed(table: Table, column: Column | string): boolean {
  return keyedColumns(table).has(typeof column === "string" ? column : column.name);
}

/**
 * True when no key of `table` leads with the foreign key's columns, so the foreign key gets an
 * index of its own, named after it. Indexes named after a foreign key are such own indexes, never
 * another key serving one: that keeps the answer the same whether or not they are listed. An index
 * with a prefix length or a descending entry on those columns is not counted as serving (InnoDB
 * cannot use a prefix for a foreign key), so viborm declares the own index itself.
 */
export function needsOwnIndex(table: Table, foreignKey: ForeignKey): boolean {
  const foreignKeyNames = new Set(table.foreignKeys.map((fk) => fk.name));
  const candidates: string[][] = [];
  if (table.primaryKey) candidates.push(table.primaryKey.columns);
  for (const unique of table.uniques) candidates.push(unique.columns);
  for (const index of table.indexes) {
    if (isOrderedIndex(index) && !index.where && !foreignKeyNames.has(index.name) && !hasOptionsOn(index, foreignKey))
      candidates.push(index.columns);
  }
  return !candidates.some((columns) => leadsWith(columns, foreignKey.columns));
}

/** The foreign keys of `table` that need an index of their own. */
export function foreignKeysNeedingIndex(table: Table): ForeignKey[] {
  return table.foreignKeys.filter((foreignKey) => needsOwnIndex(table, foreignKey));
}

/**
 * True when `index` is the foreign key's own index (same name and columns, plain): the one viborm
 * (or MySQL) adds for a foreign key no other key serves.
 */
export function isForeignKeyIndex(table: Table, index: Index): boolean {
  if (index.unique || index.where || index.columnOptions || (index.type && !isDefaultIndexType(index.type)))
    return false;
  const foreignKey = table.foreignKeys.find((fk) => fk.name === index.name);
  return foreignKey !== undefined && sameList(foreignKey.columns, index.columns) && needsOwnIndex(table, foreignKey);
}

/** B-tree (InnoDB's only ordered index; a requested HASH is built as a B-tree). */
export function isDefaultIndexType(type: string): boolean {
  return ["btree", "hash"].includes(type.toLowerCase());
}

/** FULLTEXT and SPATIAL indexes neither serve a foreign key nor need bounded column lengths. */
export function isOrderedIndex(index: Index): boolean {
  return index.type === undefined || isDefaultIndexType(index.type);
}

/** True when both lists hold the same names in the same order. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

// internal

function hasOptionsOn(index: Index, foreignKey: ForeignKey): boolean {
  return foreignKey.columns.some((column) => index.columnOptions?.[column] !== undefined);
}

function leadsWith(columns: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= columns.length && prefix.every((name, i) => columns[i] === name);
}
