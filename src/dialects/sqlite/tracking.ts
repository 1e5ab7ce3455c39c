/**
 * The tracking table on SQLite: one row per applied migration, `applied_at` as ISO-8601 UTC text
 * (SQLite has no timestamp type; ISO text sorts and reads back unchanged).
 */
import { quoteDoubleQuoted as quote } from "../quote.js";
import type { Row, TrackingRecord, TrackingSql } from "../types.js";

/**
 * SQL for the tracking table.
 *
 * @example sqliteTracking.insert("_viborm_migrations", record) // → { sql: 'INSERT INTO … VALUES (?, ?, ?, ?)', params: [...] }
 */
export const sqliteTracking: TrackingSql = {
  create: (table) => [
    {
      sql:
        `CREATE TABLE IF NOT EXISTS ${quote(table)} (` +
        `"id" VARCHAR(255) NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, ` +
        `"checksum" VARCHAR(64) NOT NULL, "applied_at" TEXT NOT NULL)`,
    },
  ],
  select: (table) => ({ sql: `SELECT "id", "name", "checksum", "applied_at" FROM ${quote(table)} ORDER BY "id"` }),
  read: (rows) => rows.map(readRecord).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  insert: (table, record) => ({
    sql: `INSERT INTO ${quote(table)} ("id", "name", "checksum", "applied_at") VALUES (?, ?, ?, ?)`,
    params: [record.id, record.name, record.checksum, isoUtc(record.appliedAt)],
  }),
  delete: (table, id) => ({ sql: `DELETE FROM ${quote(table)} WHERE "id" = ?`, params: [id] }),
  drop: (table) => ({ sql: `DROP TABLE IF EXISTS ${quote(table)}` }),
};

// internal

function readRecord(row: Row): TrackingRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    checksum: String(row.checksum),
    appliedAt: isoUtc(row.applied_at),
  };
}

/**
 * ISO-8601 UTC for what a row holds: our own ISO text, SQLite's `CURRENT_TIMESTAMP` form
 * (`YYYY-MM-DD HH:MM:SS`, UTC) if a row was written by hand, or epoch milliseconds.
 */
function isoUtc(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "bigint") return new Date(Number(value)).toISOString();
  const text = String(value);
  const sqliteForm = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(text) ? `${text.replace(" ", "T")}Z` : text;
  const date = new Date(sqliteForm);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}
