/**
 * SQLite needs no migration lock: the runtime opens the unit with `BEGIN IMMEDIATE`, which takes
 * the database's write lock, so a second applier waits (and retries) until the first commits.
 * D1 runs each unit as one batch, serialised by the database.
 *
 * @see https://www.sqlite.org/lang_transaction.html (IMMEDIATE)
 */
import type { LockSql, TransactionSql } from "../types.js";

/**
 * No lock statements on SQLite.
 *
 * @example sqliteDialect.lock // → null
 */
export const sqliteLock: LockSql | null = null;

/**
 * `BEGIN IMMEDIATE` takes the write lock at once; a database another writer holds answers
 * SQLITE_BUSY (or SQLITE_LOCKED), and the runtime retries until its lock timeout.
 *
 * @example sqliteTransaction.begin // → { sql: "BEGIN IMMEDIATE" }
 */
export const sqliteTransaction: TransactionSql = {
  begin: { sql: "BEGIN IMMEDIATE" },
  commit: { sql: "COMMIT" },
  rollback: { sql: "ROLLBACK" },
  isBusy: (code) => code === "SQLITE_BUSY" || code === "SQLITE_LOCKED",
};
