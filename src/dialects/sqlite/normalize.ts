/**
 * The snapshot as SQLite keeps it. Rather than list SQLite's differences one by one, it renders
 * each table and index exactly as the DDL does and reads them back with the introspection reader:
 * what normalize returns is what introspection will read after the DDL runs, by construction.
 * That is the property that makes a second push plan nothing.
 *
 * What this erases or folds, as a consequence: arrays become JSON columns; enum types not used by
 * a column disappear (they live in CHECKs); a bigInt auto-increment key is the INTEGER rowid alias;
 * uuid defaults go (the client fills them); index types go (SQLite has one); a unique index without
 * WHERE is a unique; defaults take the form their column type reads back.
 */
import type { Snapshot } from "../../schema/snapshot.js";
import { type SqliteMasterRow, snapshotFromMaster } from "./introspect.js";
import { createTableSql, indexSql, uniqueSql } from "./render.js";

/**
 * Normalises a snapshot for SQLite. Idempotent. Throws `UNSUPPORTED_OPERATION` for what SQLite
 * cannot hold at all (an auto-increment column that is not the lone integer primary key).
 *
 * @example normalizeSqlite(desired) // the snapshot introspection will read once it is pushed
 */
export function normalizeSqlite(snapshot: Snapshot): Snapshot {
  const rows: SqliteMasterRow[] = [];
  for (const table of snapshot.tables) {
    rows.push({ type: "table", name: table.name, tbl_name: table.name, sql: createTableSql(table) });
    for (const unique of table.uniques) {
      if (!unique.inline)
        rows.push({ type: "index", name: unique.name, tbl_name: table.name, sql: uniqueSql(table.name, unique) });
    }
    for (const index of table.indexes) {
      rows.push({ type: "index", name: index.name, tbl_name: table.name, sql: indexSql(table.name, index) });
    }
  }
  return snapshotFromMaster(rows, () => false);
}
