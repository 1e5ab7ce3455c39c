/**
 * PostgreSQL counts for data-loss facts. `COUNT` is exact (a scan), not `pg_class.reltuples`,
 * which is an estimate that reads 0 or -1 for a table never analysed: "empty" must be true.
 */
import { createCountSql } from "../counts.js";
import { quoteDoubleQuoted } from "../quote.js";
import type { CountSql } from "../types.js";

/**
 * Counts rows and non-null values, one statement per table (node-postgres returns the bigint as text).
 *
 * @example postgresCounts.queries([{ table: "users", columns: ["name"] }])
 */
export const postgresCounts: CountSql = createCountSql(quoteDoubleQuoted);
