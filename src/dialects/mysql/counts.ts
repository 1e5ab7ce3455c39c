/**
 * MySQL/MariaDB counts for data-loss facts. `COUNT` is exact, not `information_schema.TABLES.TABLE_ROWS`,
 * which InnoDB only estimates (it can read 0 for a table with rows): "empty" must be true.
 */
import { createCountSql } from "../counts.js";
import { quoteBacktick } from "../quote.js";
import type { CountSql } from "../types.js";

/**
 * Counts rows and non-null values, one statement per table.
 *
 * @example mysqlCounts.queries([{ table: "users", columns: ["name"] }])
 */
export const mysqlCounts: CountSql = createCountSql(quoteBacktick);
