/**
 * SQL for the tracking table: one row per applied migration, keyed by its id.
 *
 * `applied_at` is an ISO-8601 UTC string in a VARCHAR: no time-zone conversion between client,
 * server and driver can shift it. Ids compare byte by byte (`utf8mb4_bin`), as they sort.
 */

import { quoteBacktick as q } from "../quote.js";
import type { Row, Statement, TrackingRecord, TrackingSql } from "../types.js";
import { TABLE_OPTIONS } from "./ddl/tables.js";

/**
 * The tracking-table SQL for MySQL/MariaDB.
 *
 * @example mysqlTracking.insert("_viborm_migrations", record) // → INSERT … VALUES (?, ?, ?, ?)
 */
export const mysqlTracking: TrackingSql = {
  create(table: string): Statement[] {
    return [
      {
        sql:
          `CREATE TABLE IF NOT EXISTS ${q(table)} (` +
          `${q("id")} VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, ` +
          `${q("name")} TEXT NOT NULL, ` +
          `${q("checksum")} CHAR(64) NOT NULL, ` +
          `${q("applied_at")} VARCHAR(32) NOT NULL, ` +
          `PRIMARY KEY (${q("id")})) ${TABLE_OPTIONS}`,
      },
    ];
  },
  select(table: string): Statement {
    return {
      sql: `SELECT ${q("id")}, ${q("name")}, ${q("checksum")}, ${q("applied_at")} FROM ${q(table)} ORDER BY ${q("id")}`,
    };
  },
  read(rows: Row[]): TrackingRecord[] {
    return rows
      .map((row) => ({
        id: String(row.id),
        name: String(row.name),
        checksum: String(row.checksum),
        appliedAt: isoString(row.applied_at),
      }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  },
  insert(table: string, record: TrackingRecord): Statement {
    return {
      sql: `INSERT INTO ${q(table)} (${q("id")}, ${q("name")}, ${q("checksum")}, ${q("applied_at")}) VALUES (?, ?, ?, ?)`,
      params: [record.id, record.name, record.checksum, isoString(record.appliedAt)],
    };
  },
  delete(table: string, id: string): Statement {
    return { sql: `DELETE FROM ${q(table)} WHERE ${q("id")} = ?`, params: [id] };
  },
  drop(table: string): Statement {
    return { sql: `DROP TABLE IF EXISTS ${q(table)}` };
  },
};

// internal

/** An ISO-8601 UTC string from what a row or a caller holds (a string, a Date, or a DATETIME read back). */
function isoString(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  // A DATETIME-style text without a zone (a table created by hand) is UTC.
  const date = new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text.replace(" ", "T")}Z`);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}
