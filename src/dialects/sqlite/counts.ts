/**
 * SQLite (and D1) counts for data-loss facts: plain `SELECT COUNT(…)`, which D1's authorizer allows
 * (unlike the `pragma_*()` table functions), one statement per table in one batch.
 */
import { createCountSql } from "../counts.js";
import { quoteDoubleQuoted } from "../quote.js";
import type { CountSql } from "../types.js";

/**
 * Counts rows and non-null values, one statement per table.
 *
 * @example sqliteCounts.queries([{ table: "users", columns: ["name"] }])
 */
export const sqliteCounts: CountSql = createCountSql(quoteDoubleQuoted);
