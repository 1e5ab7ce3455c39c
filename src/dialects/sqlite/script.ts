/**
 * The SQLite dialect with `inline`, for better-sqlite3, whose session joins a unit's statements into
 * one script: a tracking write then travels with the DDL. Kept apart from the dialect so that a D1
 * bundle, whose batches never join statements into one text, leaves the encoder out.
 */
import { inlineStatement, sqliteInline } from "../inline.js";
import type { Dialect } from "../types.js";
import { sqliteDialect } from "./index.js";

/**
 * The SQLite dialect, writing parameters in as literals where it safely can.
 *
 * @example sqliteScriptDialect.inline!({ sql: "SELECT ?", params: ["a"] }) // → "SELECT 'a'"
 */
export const sqliteScriptDialect: Dialect = {
  ...sqliteDialect,
  inline: (statement) => inlineStatement(statement, sqliteInline),
};
