/**
 * What `applyOperation` checks besides existence: the dependencies a database refuses to break
 * (a table, column or key still referenced; an index over a column being dropped) and the
 * targets a new table, key or foreign key needs.
 */
import { InvalidArgumentError } from "../errors.js";
import { type Column, isIndexExpression, type Snapshot, type Table } from "../schema/snapshot.js";
import { columnSignature, findSortedTable, keySignatures } from "./compare.js";
import type { Operation } from "./operations.js";

/** Throws the `INVALID_ARGUMENT` error of an operation that does not fit. */
export function misfit(operation: Operation, problem: string): never {
  throw new InvalidArgumentError(`Cannot apply ${operation.kind}: ${problem}.`, {
    argument: "operation",
    value: operation,
    problem,
  });
}

/** A new table's columns are unique and its keys, indexes and foreign keys point at what exists. */
export function checkNewTable(s: Snapshot, table: Table, op: Operation): void {
  const names = new Set(table.columns.map((c) => c.name));
  if (names.size !== table.columns.length) misfit(op, `table ${table.name} repeats a column name`);
  if (table.primaryKey) needColumns(table, table.primaryKey.columns, op);
  for (const item of table.uniques) needColumns(table, item.columns, op);
  for (const index of table.indexes)
    needColumns(
      table,
      index.columns.filter((part) => !isIndexExpression(part)),
      op,
    );
  for (const fk of table.foreignKeys) checkForeignKeyTargets(s, table, fk, op);
}

/** A foreign key's columns exist, and so do its referenced table and columns. */
export function checkForeignKeyTargets(
  s: Snapshot,
  table: Table,
  fk: Table["foreignKeys"][number],
  op: Operation,
): void {
  needColumns(table, fk.columns, op);
  const target = findSortedTable(s, fk.referencedTable);
  if (!target) misfit(op, `foreign key ${fk.name} references missing table ${fk.referencedTable}`);
  needColumns(target, fk.referencedColumns, op);
  if (fk.columns.length !== fk.referencedColumns.length) misfit(op, `foreign key ${fk.name} has mismatched columns`);
}

/** No foreign key (other than the table's own, for a table) references the table, or the column. */
export function checkUnreferenced(s: Snapshot, tableName: string, column: string | null, op: Operation): void {
  for (const table of s.tables) {
    for (const fk of table.foreignKeys) {
      if (fk.referencedTable !== tableName || (column === null && table.name === tableName)) continue;
      if (column === null || fk.referencedColumns.includes(column)) {
        misfit(op, `${column ?? tableName} is still referenced by foreign key ${fk.name} on ${table.name}`);
      }
    }
  }
}

/** No key, index or foreign key uses the column, on its table or pointing at it. */
export function checkColumnUnused(s: Snapshot, table: Table, column: string, op: Operation): void {
  const users = [
    ...(table.primaryKey?.columns.includes(column) ? ["the primary key"] : []),
    ...table.uniques.filter((u) => u.columns.includes(column)).map((u) => `unique ${u.name}`),
    ...table.indexes.filter((i) => i.columns.includes(column)).map((i) => `index ${i.name}`),
    ...table.foreignKeys.filter((f) => f.columns.includes(column)).map((f) => `foreign key ${f.name}`),
  ];
  if (users.length > 0) misfit(op, `column ${table.name}.${column} is still used by ${users.join(", ")}`);
  checkUnreferenced(s, table.name, column, op);
}

/** A key an FK depends on may go only while another key over the same columns stays. */
export function checkKeyUnreferenced(s: Snapshot, table: Table, label: string, op: Operation): void {
  const keys = keySignatures(table);
  for (const [signature, labels] of keys) {
    if (!labels.includes(label) || labels.length > 1) continue;
    for (const other of s.tables) {
      const fk = other.foreignKeys.find(
        (f) => f.referencedTable === table.name && columnSignature(f.referencedColumns) === signature,
      );
      if (fk) misfit(op, `the key is still referenced by foreign key ${fk.name} on ${other.name}`);
    }
  }
}

/** No unique or index of the table has the name already. */
export function checkNameFree(table: Table, name: string, op: Operation): void {
  if (table.uniques.some((u) => u.name === name) || table.indexes.some((i) => i.name === name)) {
    misfit(op, `table ${table.name} already has a unique or index named ${name}`);
  }
}

/** The first column (`table.column`) using the enum, or `null`. */
export function enumUser(s: Snapshot, name: string): string | null {
  for (const table of s.tables) {
    const column = table.columns.find((c) => c.type.kind === "enum" && c.type.name === name);
    if (column) return `${table.name}.${column.name}`;
  }
  return null;
}

/** The table, or the error that it does not exist. */
export function needTable(s: Snapshot, name: string, op: Operation): Table {
  return findSortedTable(s, name) ?? misfit(op, `table ${name} does not exist`);
}

/** The column, or the error that it does not exist. */
export function needColumn(table: Table, name: string, op: Operation): Column {
  return table.columns.find((c) => c.name === name) ?? misfit(op, `column ${table.name}.${name} does not exist`);
}

/** Every named column exists. */
export function needColumns(table: Table, names: readonly string[], op: Operation): void {
  for (const name of names) needColumn(table, name, op);
}
