/**
 * @module The SQLite dialect (better-sqlite3 and Cloudflare D1): type mapping, DDL with table
 * rebuilds that keep every row, one-query introspection of `sqlite_master`, tracking SQL.
 * Everything it writes is D1-safe: no `PRAGMA foreign_keys`, no TEMP tables, no pragma functions.
 */

import { quoteDoubleQuoted } from "../quote.js";
import type { Dialect } from "../types.js";
import { sqliteCounts } from "./counts.js";
import { sqliteDdl } from "./ddl.js";
import { readSqliteIntrospection, sqliteIntrospectionQueries } from "./introspect.js";
import { sqliteLint } from "./lint.js";
import { sqliteLock, sqliteTransaction } from "./lock.js";
import { normalizeSqlite } from "./normalize.js";
import { parseSqliteStatement } from "./parse-ddl.js";
import { sqliteTracking } from "./tracking.js";

/**
 * The SQLite dialect. It writes no parameters in as literals (`inline`): D1 sends a unit as one
 * batch, so only better-sqlite3's scripts join statements, and that driver takes
 * {@link sqliteScriptDialect}, which can.
 *
 * @example const statements = sqliteDialect.ddl({ kind: "createTable", table }, { before, after });
 */
export const sqliteDialect: Dialect = {
  name: "sqlite",
  transactionalDdl: true,
  quote: quoteDoubleQuoted,
  normalize: normalizeSqlite,
  ddl: sqliteDdl,
  introspection: {
    queries: sqliteIntrospectionQueries,
    read: readSqliteIntrospection,
  },
  tracking: sqliteTracking,
  counts: sqliteCounts,
  lock: sqliteLock,
  transaction: sqliteTransaction,
  parse: parseSqliteStatement,
  lint: sqliteLint,
  // Triggers go with their tables.
  objects: {
    query: { sql: "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('view') ORDER BY name" },
  },
};

export { sqliteColumnType } from "./type-map.js";
