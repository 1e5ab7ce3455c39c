/**
 * SQLite needs no migration lock: the runtime opens the unit with `BEGIN IMMEDIATE`, which takes
 * the database's write lock, so a second applier waits (and retries) until the first commits.
 * D1 runs each unit as one batch, serialised by the database.
 *
 * @see https://www.sqlite.org/lang_transaction.html (IMMEDIATE)
 */
import type { LockSql } from "../types.js";

/**
 * No lock statements on SQLite.
 *
 * @example sqliteDialect.lock // → null
 */
export const sqliteLock: LockSql | null = null;
