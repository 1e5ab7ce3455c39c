/**
 * The SQLite table rebuild, for every change ALTER TABLE cannot make (column type, nullability or
 * default, primary key, foreign keys, enum CHECKs): sqlite.org's 12-step procedure, adapted so it
 * is safe where `PRAGMA foreign_keys = OFF` is not available.
 *
 * @see https://www.sqlite.org/lang_altertable.html#otheralter (the 12 steps)
 *
 * The 12 steps turn foreign keys off first; that pragma is ignored inside a transaction and on D1.
 * With them on, `DROP TABLE` of a parent runs its ON DELETE actions (CASCADE deletes children,
 * SET NULL rewrites them) and counts NO ACTION children as deferred violations that the new table
 * never clears. So, inside one transaction with `PRAGMA defer_foreign_keys = ON`:
 *
 * 1. copy the rows of every table that references the rebuilt one, transitively, to backup tables,
 *    and delete them (children before parents, so RESTRICT never fires);
 * 2. create `_viborm_new_<table>`, copy the rows, drop the old table, rename the new one into place
 *    (RENAME rewrites the new table's self-references; the children already name the table), and
 *    recreate its indexes. When the table is in a foreign-key cycle with its dependents, or
 *    references a unique key of its own, its rows go through a backup instead: drop, create under
 *    the final name, indexes, copy back;
 * 3. restore the children (parents before children);
 * 4. `PRAGMA foreign_key_check` must return no rows (`expectNoRows`): the runtime aborts the unit on
 *    any. Batch drivers cannot read mid-batch; there the deferred constraints fail the commit instead.
 *
 * Backup tables are ordinary tables (D1 has no TEMP schema) named `_viborm_*`, so introspection
 * never sees one, and they are dropped before the unit ends.
 */
import { InvalidArgumentError } from "../../errors.js";
import type { Column, Snapshot, Table } from "../../schema/snapshot.js";
import { quoteDoubleQuoted as quote } from "../quote.js";
import type { DdlContext, Statement } from "../types.js";
import { defaultSql } from "./defaults.js";
import { createTableSql, tableIndexesSql } from "./render.js";

/**
 * Prefix of the table a rebuild builds before renaming it into place.
 *
 * @example `${REBUILD_TABLE_PREFIX}users` // → "_viborm_new_users"
 */
export const REBUILD_TABLE_PREFIX = "_viborm_new_";
/**
 * Prefix of the tables holding rows during a rebuild.
 *
 * @example `${BACKUP_TABLE_PREFIX}posts` // → "_viborm_bak_posts"
 */
export const BACKUP_TABLE_PREFIX = "_viborm_bak_";

/**
 * The statements that rebuild `table` from its definition in `context.before` to the one in
 * `context.after`, keeping its rows (columns matched by name) and every row of the tables that
 * reference it.
 *
 * @example recreateTable("users", { before, after }) // → [{ sql: "PRAGMA defer_foreign_keys = ON" }, …]
 */
export function recreateTable(table: string, context: DdlContext): Statement[] {
  const from = findTable(context.before, table, "before");
  const to = findTable(context.after, table, "after");
  const dependents = referencingTables(context.before, table);
  const order = parentsFirst(context.before, dependents);
  const viaBackup = needsBackup(from, to, dependents);
  const backedUp = viaBackup ? [...order, table] : order;

  const sql: string[] = ["PRAGMA defer_foreign_keys = ON"];
  for (const name of backedUp) sql.push(`CREATE TABLE ${backup(name)} AS SELECT * FROM ${quote(name)}`);
  for (const name of [...order].reverse()) sql.push(`DELETE FROM ${quote(name)}`);
  if (viaBackup) {
    // The old table goes first, so the new one is created under its final name with its indexes
    // in place before any row arrives (a self-reference to a unique key needs that index).
    sql.push(`DROP TABLE ${quote(table)}`, createTableSql(to, table, true), ...tableIndexesSql(to));
    sql.push(...copyRows(from, to, `${BACKUP_TABLE_PREFIX}${table}`, table));
  } else {
    const newName = `${REBUILD_TABLE_PREFIX}${table}`;
    sql.push(createTableSql(to, newName, true), ...copyRows(from, to, table, newName));
    sql.push(`DROP TABLE ${quote(table)}`, `ALTER TABLE ${quote(newName)} RENAME TO ${quote(table)}`);
    sql.push(...tableIndexesSql(to));
  }
  for (const name of order) {
    const columns = findTable(context.before, name, "before")
      .columns.map((column) => quote(column.name))
      .join(", ");
    sql.push(`INSERT INTO ${quote(name)} (${columns}) SELECT ${columns} FROM ${backup(name)}`);
  }
  for (const name of backedUp) sql.push(`DROP TABLE ${backup(name)}`);
  return [...sql.map((text) => ({ sql: text })), { sql: "PRAGMA foreign_key_check", expectNoRows: true }];
}

// internal

/**
 * Whether the table's own rows must go through a backup, the old table dropped before the new one
 * is made: when it references one of its dependents (a cycle: deleting the dependents may cascade
 * into it), or references a unique key of itself (SQLite refuses rows into a table whose
 * self-reference has no parent index yet, and the index names are the old table's until it goes).
 */
function needsBackup(from: Table, to: Table, dependents: Set<string>): boolean {
  const cyclic = [...from.foreignKeys, ...to.foreignKeys].some((fk) => dependents.has(fk.referencedTable));
  const key = to.primaryKey?.columns ?? [];
  const selfToUnique = to.foreignKeys.some(
    (fk) =>
      fk.referencedTable === to.name &&
      !(fk.referencedColumns.length === key.length && fk.referencedColumns.every((column) => key.includes(column))),
  );
  return cyclic || selfToUnique;
}

/** `INSERT INTO target (…) SELECT … FROM source` for the columns the old and new definitions share. */
function copyRows(from: Table, to: Table, source: string, target: string): string[] {
  const copied = to.columns.filter((column) => from.columns.some((old) => old.name === column.name));
  if (copied.length === 0) return [];
  const expressions = copied.map((column) => copyExpression(column, from));
  return [
    `INSERT INTO ${quote(target)} (${copied.map((column) => quote(column.name)).join(", ")}) ` +
      `SELECT ${expressions.join(", ")} FROM ${quote(source)}`,
  ];
}

function backup(table: string): string {
  return quote(`${BACKUP_TABLE_PREFIX}${table}`);
}

function findTable(snapshot: Snapshot, name: string, which: string): Table {
  const table = snapshot.tables.find((candidate) => candidate.name === name);
  if (!table) {
    throw new InvalidArgumentError(
      `Cannot rebuild SQLite table "${name}": it is missing from the DDL context (${which}).`,
      {
        argument: `context.${which}`,
        value: name,
      },
    );
  }
  return table;
}

/**
 * A column's value in the copy. A column becoming NOT NULL takes its default where it held NULL,
 * so the rebuild succeeds when a default says what those rows should hold.
 */
function copyExpression(column: Column, from: Table): string {
  const old = from.columns.find((candidate) => candidate.name === column.name);
  const value = defaultSql(column);
  if (old?.nullable && !column.nullable && value !== null && !value.startsWith("(")) {
    return `COALESCE(${quote(column.name)}, ${value})`;
  }
  return quote(column.name);
}

/** Every other table that references `table`, directly or through another such table. */
function referencingTables(snapshot: Snapshot, table: string): Set<string> {
  const found = new Set<string>();
  const queue = [table];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const candidate of snapshot.tables) {
      if (candidate.name === table || found.has(candidate.name)) continue;
      if (candidate.foreignKeys.some((fk) => fk.referencedTable === parent)) {
        found.add(candidate.name);
        queue.push(candidate.name);
      }
    }
  }
  return found;
}

/** `names` ordered parents before children (Kahn's algorithm; a cycle falls back to name order). */
function parentsFirst(snapshot: Snapshot, names: Set<string>): string[] {
  const parents = new Map<string, Set<string>>();
  for (const name of names) {
    const table = snapshot.tables.find((candidate) => candidate.name === name)!;
    const own = table.foreignKeys.map((fk) => fk.referencedTable).filter((p) => p !== name && names.has(p));
    parents.set(name, new Set(own));
  }
  const ordered: string[] = [];
  const remaining = [...names].sort();
  while (remaining.length > 0) {
    const ready = remaining.find((name) => [...parents.get(name)!].every((parent) => ordered.includes(parent)));
    const next = ready ?? remaining[0]!;
    ordered.push(next);
    remaining.splice(remaining.indexOf(next), 1);
  }
  return ordered;
}
