/**
 * Key changes of hand-written MySQL DDL (ADD/DROP INDEX, KEY, PRIMARY KEY, FOREIGN KEY, CREATE and
 * DROP INDEX) as operations, by rebuilding the table's written form with the change and reading it
 * back as introspection does.
 */
import { checksEqual } from "../../diff/compare.js";
import type { Operation } from "../../diff/operations.js";
import type { Snapshot, Table } from "../../schema/snapshot.js";
import { unreadable } from "../parse/resolve.js";
import type { WrittenKey } from "./parse-columns.js";
import { buildTable, writtenTable } from "./parse-rows.js";

/**
 * Keys added and dropped, as operations: the table is rebuilt from its written form with the
 * change and read back, so names, the foreign keys' own indexes and keyed string lengths come out
 * exactly as introspection reads them.
 */
export function keyOperations(table: Table, state: Snapshot, adds: WrittenKey[], drops: WrittenKey[]): Operation[] {
  const { columns, keys } = writtenTable(table);
  const remaining = keys.filter((key) => !drops.some((dropped) => matches(key, dropped)));
  for (const dropped of drops) {
    if (!keys.some((key) => matches(key, dropped)))
      return unreadable(
        `table ${table.name} has no ${dropped.kind === "primary" ? "primary key" : `${dropped.kind === "check" ? "check" : "key"} ${dropped.name}`}`,
      );
  }
  const after = buildTable(table.name, columns, [...remaining, ...adds], state);
  return diffKeys(table, after);
}

// internal

function matches(key: WrittenKey, dropped: WrittenKey): boolean {
  if (dropped.kind === "primary") return key.kind === "primary";
  if (dropped.kind === "foreign" || dropped.kind === "check")
    return key.kind === dropped.kind && key.name === dropped.name;
  return (
    key.kind !== "primary" &&
    key.kind !== "foreign" &&
    key.kind !== "check" &&
    key.name?.toLowerCase() === dropped.name?.toLowerCase()
  );
}

/** The operations between a table and the same table with its keys or columns changed. */
export function diffKeys(before: Table, after: Table): Operation[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const t = before.name;
  const operations: Operation[] = [];
  for (const foreignKey of before.foreignKeys)
    if (!after.foreignKeys.some((fk) => same(fk, foreignKey)))
      operations.push({ kind: "dropForeignKey", table: t, foreignKey });
  for (const unique of before.uniques)
    if (!after.uniques.some((u) => same(u, unique))) operations.push({ kind: "dropUnique", table: t, unique });
  for (const index of before.indexes)
    if (!after.indexes.some((i) => same(i, index))) operations.push({ kind: "dropIndex", table: t, index });
  const afterChecks = after.checks ?? [];
  for (const check of before.checks ?? [])
    if (!afterChecks.some((c) => checksEqual(c, check))) operations.push({ kind: "dropCheck", table: t, check });
  if (before.primaryKey && !same(before.primaryKey, after.primaryKey))
    operations.push({ kind: "dropPrimaryKey", table: t, primaryKey: before.primaryKey });
  if (after.primaryKey && !same(before.primaryKey, after.primaryKey))
    operations.push({ kind: "addPrimaryKey", table: t, primaryKey: after.primaryKey });
  for (const index of after.indexes)
    if (!before.indexes.some((i) => same(i, index))) operations.push({ kind: "createIndex", table: t, index });
  for (const unique of after.uniques)
    if (!before.uniques.some((u) => same(u, unique))) operations.push({ kind: "addUnique", table: t, unique });
  for (const foreignKey of after.foreignKeys)
    if (!before.foreignKeys.some((fk) => same(fk, foreignKey)))
      operations.push({ kind: "addForeignKey", table: t, foreignKey });
  for (const check of afterChecks)
    if (!(before.checks ?? []).some((c) => checksEqual(c, check)))
      operations.push({ kind: "addCheck", table: t, check });
  for (const column of after.columns) {
    const from = before.columns.find((c) => c.name === column.name);
    // A new primary key makes its columns NOT NULL.
    if (from && !same(from, column)) operations.unshift({ kind: "alterColumn", table: t, from, to: column });
  }
  return operations;
}
