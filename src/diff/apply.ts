/**
 * The inverse direction of the diff: operations applied to a snapshot give the schema after them.
 * Migrations are folded this way, and dialects get the `before`/`after` of each operation from it.
 *
 * An operation that does not fit the snapshot throws `INVALID_ARGUMENT`: a missing or existing
 * object, a carried definition that differs from the current one (drops and alters carry the
 * previous definition, so inverses are exact), or a dependency a database would refuse to break
 * (dropping a table, column or key that a foreign key or index still uses).
 */

import { renameColumnReferences } from "../schema/expression.js";
import type { Column, Enum, Index, Snapshot, Table } from "../schema/snapshot.js";
import { canonicalize, isIndexExpression, SNAPSHOT_VERSION } from "../schema/snapshot.js";
import { assertNever } from "../util/assert-never.js";
import { copyData } from "../util/copy.js";
import {
  checkColumnUnused,
  checkForeignKeyTargets,
  checkKeyUnreferenced,
  checkNameFree,
  checkNewTable,
  checkUnreferenced,
  enumUser,
  misfit,
  needColumn,
  needColumns,
  needTable,
} from "./apply-checks.js";
import {
  checksEqual,
  columnsEqual,
  findSortedTable,
  foreignKeysEqual,
  indexesEqual,
  primaryKeysEqual,
  sameList,
  sortedIndex,
  tablesEqual,
  uniquesEqual,
} from "./compare.js";
import type { Operation, OperationOf } from "./operations.js";

/** How strictly {@link applyOperationWith} checks an operation. */
export interface ApplyChecks {
  /** Also refuse what breaks a dependency (a referenced table, an indexed column…). @default true */
  references: boolean;
}

/**
 * The snapshot after one operation, in canonical order. Throws `INVALID_ARGUMENT` when the
 * operation does not fit (see the module comment).
 *
 * @example const after = applyOperation(before, { kind: "addColumn", table: "users", column });
 */
export function applyOperation(snapshot: Snapshot, operation: Operation): Snapshot {
  return applyOperationWith(snapshot, operation, { references: true });
}

/**
 * The snapshot after every operation, in order (a migration folded onto the state before it).
 *
 * @example const state = applyOperations(emptySnapshot(), migration.operations);
 */
export function applyOperations(snapshot: Snapshot, operations: readonly Operation[]): Snapshot {
  let state = canonicalize(snapshot);
  for (const operation of operations) state = applyOperation(state, operation);
  return state;
}

/**
 * {@link applyOperation} with a choice of checks. The diff simulates its own plan with
 * `references: false`, so a live schema a database tolerates (say, an index over an expression)
 * never makes planning fail.
 */
export function applyOperationWith(snapshot: Snapshot, operation: Operation, checks: ApplyChecks): Snapshot {
  // Each step keeps the state canonical by touching only what it changes: re-sorting a whole
  // schema per step made planning a 300-table reset take seconds.
  const state = isCanonical(snapshot) ? snapshot : canonicalize(snapshot);
  const next = applyTableOperation(state, operation, checks) ?? applyOtherOperation(state, operation, checks);
  canonicalStates.add(next);
  return next;
}

// internal

function applyTableOperation(s: Snapshot, op: Operation, checks: ApplyChecks): Snapshot | null {
  switch (op.kind) {
    case "createTable": {
      if (findSortedTable(s, op.table.name)) misfit(op, `table ${op.table.name} already exists`);
      const table = createdTable(op.table);
      const next = { ...s, tables: insertByName(s.tables, table) };
      if (checks.references) checkNewTable(next, table, op);
      return next;
    }
    case "dropTable": {
      const current = needTable(s, op.table.name, op);
      // A materialized drop carries the state's own table: nothing to copy or compare.
      if (current !== op.table && !tablesEqual(current, createdTable(op.table)))
        misfit(op, `table ${current.name} differs from the one given`);
      if (checks.references) checkUnreferenced(s, current.name, null, op);
      const tables = s.tables.slice();
      tables.splice(sortedIndex(tables, current.name), 1);
      return { ...s, tables };
    }
    case "renameTable":
      needTable(s, op.from, op);
      if (findSortedTable(s, op.to)) misfit(op, `table ${op.to} already exists`);
      return renameTableInSnapshot(s, op.from, op.to);
    case "renameColumn": {
      const table = needTable(s, op.table, op);
      needColumn(table, op.from, op);
      if (table.columns.some((c) => c.name === op.to)) misfit(op, `column ${op.table}.${op.to} already exists`);
      return renameColumnInSnapshot(s, op.table, op.from, op.to);
    }
    case "addColumn":
    case "dropColumn":
    case "alterColumn":
      return applyColumnOperation(s, op, checks);
    default:
      return null;
  }
}

function applyColumnOperation(
  s: Snapshot,
  op: OperationOf<"addColumn" | "dropColumn" | "alterColumn">,
  checks: ApplyChecks,
): Snapshot {
  const table = needTable(s, op.table, op);
  if (op.kind === "addColumn") {
    if (table.columns.some((c) => c.name === op.column.name)) {
      misfit(op, `column ${op.table}.${op.column.name} already exists`);
    }
    return replaceTable(s, { ...table, columns: [...table.columns, copyData(op.column)] });
  }
  if (op.kind === "dropColumn") {
    const current = needColumn(table, op.column.name, op);
    if (!columnsEqual(current, op.column)) misfit(op, `column ${op.table}.${current.name} differs from the one given`);
    if (checks.references) checkColumnUnused(s, table, current.name, op);
    return replaceTable(s, { ...table, columns: table.columns.filter((c) => c.name !== current.name) });
  }
  if (op.from.name !== op.to.name) misfit(op, "alterColumn cannot rename; use renameColumn");
  const current = needColumn(table, op.from.name, op);
  if (!columnsEqual(current, op.from)) misfit(op, `column ${op.table}.${current.name} differs from the one given`);
  const to = copyData(op.to);
  return replaceTable(s, { ...table, columns: table.columns.map((c) => (c.name === to.name ? to : c)) });
}

function applyOtherOperation(s: Snapshot, op: Operation, checks: ApplyChecks): Snapshot {
  switch (op.kind) {
    case "addPrimaryKey": {
      const table = needTable(s, op.table, op);
      if (table.primaryKey) misfit(op, `table ${op.table} already has a primary key`);
      if (checks.references) needColumns(table, op.primaryKey.columns, op);
      return replaceTable(s, { ...table, primaryKey: copyData(op.primaryKey) });
    }
    case "dropPrimaryKey": {
      const table = needTable(s, op.table, op);
      if (!table.primaryKey || !primaryKeysEqual(table.primaryKey, op.primaryKey)) {
        misfit(op, `table ${op.table} has no primary key on (${op.primaryKey.columns.join(", ")})`);
      }
      if (checks.references) checkKeyUnreferenced(s, table, "primaryKey", op);
      return replaceTable(s, { ...table, primaryKey: null });
    }
    case "addUnique":
    case "createIndex": {
      const table = needTable(s, op.table, op);
      const item = op.kind === "addUnique" ? op.unique : op.index;
      checkNameFree(table, item.name, op);
      if (checks.references)
        needColumns(
          table,
          item.columns.filter((part) => !isIndexExpression(part)),
          op,
        );
      return op.kind === "addUnique"
        ? replaceTable(s, { ...table, uniques: [...table.uniques, copyData(op.unique)] })
        : replaceTable(s, { ...table, indexes: [...table.indexes, copyData(op.index)] });
    }
    case "dropUnique":
    case "dropIndex":
      return dropUniqueOrIndex(s, op, checks);
    case "addForeignKey":
    case "dropForeignKey":
      return applyForeignKey(s, op, checks);
    case "createEnum":
    case "dropEnum":
    case "alterEnum":
      return applyEnumOperation(s, op, checks);
    case "addCheck": {
      const table = needTable(s, op.table, op);
      checkNameFree(table, op.check.name, op);
      return replaceTable(s, { ...table, checks: [...(table.checks ?? []), copyData(op.check)] });
    }
    case "dropCheck": {
      const table = needTable(s, op.table, op);
      const current = table.checks?.find((check) => check.name === op.check.name);
      if (!current || !checksEqual(current, op.check))
        misfit(op, `table ${op.table} has no check ${op.check.name} as given`);
      return replaceTable(s, { ...table, checks: table.checks!.filter((check) => check.name !== current.name) });
    }
    case "createExtension":
      // Idempotent, as `CREATE EXTENSION IF NOT EXISTS` is: its inverse is itself.
      return (s.extensions ?? []).includes(op.name)
        ? s
        : { ...s, extensions: [...(s.extensions ?? []), op.name].sort() };
    case "createTable":
    case "dropTable":
    case "renameTable":
    case "renameColumn":
    case "addColumn":
    case "dropColumn":
    case "alterColumn":
      return applyTableOperation(s, op, checks)!;
    default:
      return assertNever(op, "operation");
  }
}

function dropUniqueOrIndex(s: Snapshot, op: OperationOf<"dropUnique" | "dropIndex">, checks: ApplyChecks): Snapshot {
  const table = needTable(s, op.table, op);
  if (op.kind === "dropUnique") {
    const current = table.uniques.find((u) => u.name === op.unique.name);
    if (!current || !uniquesEqual(current, op.unique))
      misfit(op, `table ${op.table} has no unique ${op.unique.name} as given`);
    if (checks.references) checkKeyUnreferenced(s, table, `unique:${current.name}`, op);
    return replaceTable(s, { ...table, uniques: table.uniques.filter((u) => u.name !== current.name) });
  }
  const current = table.indexes.find((i) => i.name === op.index.name);
  if (!current || !indexesEqual(current, op.index))
    misfit(op, `table ${op.table} has no index ${op.index.name} as given`);
  if (checks.references && current.unique) checkKeyUnreferenced(s, table, `index:${current.name}`, op);
  return replaceTable(s, { ...table, indexes: table.indexes.filter((i) => i.name !== current.name) });
}

function applyForeignKey(
  s: Snapshot,
  op: OperationOf<"addForeignKey" | "dropForeignKey">,
  checks: ApplyChecks,
): Snapshot {
  const table = needTable(s, op.table, op);
  const fk = op.foreignKey;
  if (op.kind === "addForeignKey") {
    if (table.foreignKeys.some((f) => f.name === fk.name))
      misfit(op, `foreign key ${op.table}.${fk.name} already exists`);
    if (checks.references) checkForeignKeyTargets(s, table, fk, op);
    return replaceTable(s, { ...table, foreignKeys: [...table.foreignKeys, copyData(fk)] });
  }
  const current = table.foreignKeys.find((f) => f.name === fk.name);
  if (!current || !foreignKeysEqual(current, fk))
    misfit(op, `table ${op.table} has no foreign key ${fk.name} as given`);
  return replaceTable(s, { ...table, foreignKeys: table.foreignKeys.filter((f) => f.name !== fk.name) });
}

function applyEnumOperation(
  s: Snapshot,
  op: OperationOf<"createEnum" | "dropEnum" | "alterEnum">,
  checks: ApplyChecks,
) {
  if (op.kind === "createEnum") {
    if (s.enums.some((e) => e.name === op.enum.name)) misfit(op, `enum ${op.enum.name} already exists`);
    return { ...s, enums: insertByName(s.enums, copyData(op.enum)) };
  }
  const name = op.kind === "dropEnum" ? op.enum.name : op.name;
  const current = s.enums.find((e) => e.name === name);
  if (!current) misfit(op, `enum ${name} does not exist`);
  const given = op.kind === "dropEnum" ? op.enum.values : op.from;
  if (!sameList(current.values, given)) misfit(op, `enum ${name} has values (${current.values.join(", ")})`);
  if (op.kind === "dropEnum") {
    const user = checks.references ? enumUser(s, name) : null;
    if (user) misfit(op, `enum ${name} is still used by ${user}`);
    return { ...s, enums: s.enums.filter((e) => e.name !== name) };
  }
  const values = [...op.to];
  const enums: Enum[] = s.enums.map((e) => (e.name === name ? { name, values } : e));
  // Columns repeat their enum's values (for dialects that inline them), so they follow the enum.
  const retype = (column: Column): Column =>
    column.type.kind === "enum" && column.type.name === name ? { ...column, type: { ...column.type, values } } : column;
  const uses = (t: Table) => t.columns.some((c) => c.type.kind === "enum" && c.type.name === name);
  return { ...s, enums, tables: s.tables.map((t) => (uses(t) ? { ...t, columns: t.columns.map(retype) } : t)) };
}

/** Databases carry a table rename into every foreign key that points at the table. */
function renameTableInSnapshot(s: Snapshot, from: string, to: string): Snapshot {
  const tables = s.tables.map((table) => ({
    ...table,
    name: table.name === from ? to : table.name,
    foreignKeys: table.foreignKeys.map((fk) => (fk.referencedTable === from ? { ...fk, referencedTable: to } : fk)),
  }));
  return { ...s, tables: sortByName(tables) };
}

/**
 * Databases carry a column rename into the keys, indexes and foreign keys (both sides) that use it.
 * A partial index predicate is SQL text and stays as written.
 */
function renameColumnInSnapshot(s: Snapshot, tableName: string, from: string, to: string): Snapshot {
  const swap = (columns: string[]) => columns.map((c) => (c === from ? to : c));
  const tables = s.tables.map((table) => {
    const foreignKeys = table.foreignKeys.map((fk) => ({
      ...fk,
      columns: table.name === tableName ? swap(fk.columns) : fk.columns,
      referencedColumns: fk.referencedTable === tableName ? swap(fk.referencedColumns) : fk.referencedColumns,
    }));
    if (table.name !== tableName) return { ...table, foreignKeys };
    return {
      ...table,
      columns: table.columns.map((c) => (c.name === from ? { ...c, name: to } : c)),
      primaryKey: table.primaryKey ? { ...table.primaryKey, columns: swap(table.primaryKey.columns) } : null,
      uniques: table.uniques.map((u) => ({ ...u, columns: swap(u.columns) })),
      indexes: table.indexes.map((i) => renameIndexColumn(i, from, to)),
      foreignKeys,
      ...(table.checks
        ? {
            checks: table.checks.map((check) => ({
              ...check,
              expression: renameColumnReferences(check.expression, from, to) ?? check.expression,
            })),
          }
        : {}),
    };
  });
  return { ...s, tables };
}

/** An index with a column renamed, in its key parts (inside expressions too), their options and its predicate. */
function renameIndexColumn(index: Index, from: string, to: string): Index {
  const rename = (part: string) =>
    part === from ? to : isIndexExpression(part) ? (renameColumnReferences(part, from, to) ?? part) : part;
  const renamed: Index = { ...index, columns: index.columns.map(rename) };
  if (index.where !== undefined) renamed.where = renameColumnReferences(index.where, from, to) ?? index.where;
  if (index.columnOptions !== undefined)
    renamed.columnOptions = Object.fromEntries(
      Object.entries(index.columnOptions).map(([part, options]) => [rename(part), options]),
    );
  return renamed;
}

/** Replaces the table of the same name; the table's own lists are re-sorted (the only ones touched). */
function replaceTable(s: Snapshot, table: Table): Snapshot {
  const tables = s.tables.slice();
  tables[sortedIndex(tables, table.name)] = canonicalTable(table);
  return { ...s, tables };
}

/**
 * The states this module made: canonical by construction, so a fold does not re-check the whole
 * schema at every step (that made a 300-table plan quadratic). Snapshots are never mutated in place.
 */
const canonicalStates = new WeakSet<Snapshot>();

function isCanonical(s: Snapshot): boolean {
  if (canonicalStates.has(s)) return true;
  return (
    s.version === SNAPSHOT_VERSION &&
    isSorted(s.tables) &&
    isSorted(s.enums) &&
    s.tables.every((t) => isSorted(t.uniques) && isSorted(t.indexes) && isSorted(t.foreignKeys))
  );
}

function isSorted(items: readonly { name: string }[]): boolean {
  for (let i = 1; i < items.length; i++) if (!(items[i - 1]!.name < items[i]!.name)) return false;
  return true;
}

/** A copy of sorted `items` with `item` inserted in place (binary search: no re-sort). */
function insertByName<T extends { name: string }>(items: readonly T[], item: T): T[] {
  const copy = items.slice();
  copy.splice(sortedIndex(items, item.name), 0, item);
  return copy;
}

function sortByName<T extends { name: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The table a `createTable` puts in the state: a canonical copy, so the state shares no object with
 * the operation. Planning applies the same operations several times (ordering, materializing,
 * classifying, planning statements), so the copy is made once per operation and shared by every
 * state that holds it; states are never changed in place (each step builds new objects for what it
 * changes), so sharing is safe.
 */
function createdTable(table: Table): Table {
  let copy = createdTables.get(table);
  if (copy === undefined) {
    copy = canonicalTable(copyData(table));
    createdTables.set(table, copy);
  }
  return copy;
}

const createdTables = new WeakMap<Table, Table>();

function canonicalTable(table: Table): Table {
  return canonicalize({ version: SNAPSHOT_VERSION, tables: [table], enums: [] }).tables[0]!;
}
