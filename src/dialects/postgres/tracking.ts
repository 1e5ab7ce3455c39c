/**
 * The tracking table on PostgreSQL: one row per applied migration, keyed by id. `applied_at` is a
 * `timestamptz`, selected as ISO-8601 UTC text so every driver returns the same string.
 */
import { quoteDoubleQuoted as q } from "../quote.js";
import type { Row, TrackingRecord, TrackingSql } from "../types.js";
import { dollarQuote } from "./ddl/constraints.js";

/** Create, select, read, insert and delete for the tracking table. */
export const postgresTracking: TrackingSql = {
  create: (table) => [
    {
      // CREATE TABLE IF NOT EXISTS races with itself: two appliers starting together both see no
      // table, and the second fails on pg_type's unique index (23505), 42P07 or 42710. Each means
      // the table now exists, which is all this statement promises.
      sql: `DO ${dollarQuote(`BEGIN
  CREATE TABLE IF NOT EXISTS ${q(table)} (
    "id" varchar(255) PRIMARY KEY,
    "name" text NOT NULL,
    "checksum" varchar(64) NOT NULL,
    "applied_at" timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP
  );
EXCEPTION WHEN unique_violation OR duplicate_table OR duplicate_object THEN
  NULL;
END`)}`,
    },
  ],
  select: (table) => ({
    sql: `SELECT "id", "name", "checksum", to_char("applied_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "applied_at" FROM ${q(table)} ORDER BY "id"`,
  }),
  read: (rows) => rows.map(readRecord).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  insert: (table, record) => ({
    sql: `INSERT INTO ${q(table)} ("id", "name", "checksum", "applied_at") VALUES ($1, $2, $3, $4)`,
    params: [record.id, record.name, record.checksum, record.appliedAt],
  }),
  delete: (table, id) => ({ sql: `DELETE FROM ${q(table)} WHERE "id" = $1`, params: [id] }),
  drop: (table) => ({ sql: `DROP TABLE IF EXISTS ${q(table)}` }),
};

// internal

function readRecord(row: Row): TrackingRecord {
  const appliedAt = row.applied_at;
  return {
    id: String(row.id),
    name: String(row.name),
    checksum: String(row.checksum),
    appliedAt: appliedAt instanceof Date ? appliedAt.toISOString() : new Date(String(appliedAt)).toISOString(),
  };
}
