/**
 * @module The MySQL/MariaDB dialect: type mapping, DDL with an inverse for every statement,
 * catalog-wide introspection, tracking-table and lock SQL. Pure: no I/O, no driver.
 *
 * Written for MariaDB 10.5+ and MySQL 8.0.16+ (expression defaults, RENAME COLUMN, the
 * CHECK_CONSTRAINTS view); where the two differ (defaults as reported, JSON storage, SET DEFAULT)
 * the code says so. Tested on MariaDB 10.11; MySQL 8's catalog output is covered by recorded rows.
 */

import { inlineStatement, mysqlInline } from "../inline.js";
import { quoteBacktick } from "../quote.js";
import { plainTransaction } from "../transaction.js";
import type { Dialect } from "../types.js";
import { mysqlCounts } from "./counts.js";
import { mysqlDdl } from "./ddl.js";
import { mysqlIntrospectionQueries, readMysqlSchema } from "./introspect.js";
import { mysqlLint } from "./lint.js";
import { mysqlLock } from "./lock.js";
import { normalizeMysql } from "./normalize.js";
import { mysqlObjects } from "./objects.js";
import { parseMysqlStatement } from "./parse-ddl.js";
import { mysqlProgress } from "./progress.js";
import { mysqlRefine } from "./refine.js";
import { mysqlTracking } from "./tracking.js";

/**
 * The MySQL/MariaDB dialect. DDL commits implicitly there, so `transactionalDdl` is false and the
 * runtime undoes a failed unit with the statements' inverses.
 *
 * @example const statements = mysqlDialect.ddl(operation, { before, after });
 */
export const mysqlDialect: Dialect = {
  name: "mysql",
  transactionalDdl: false,
  quote: quoteBacktick,
  normalize: normalizeMysql,
  ddl: mysqlDdl,
  introspection: { queries: mysqlIntrospectionQueries, read: readMysqlSchema, refine: mysqlRefine },
  tracking: mysqlTracking,
  counts: mysqlCounts,
  lock: mysqlLock,
  inline: (statement) => inlineStatement(statement, mysqlInline),
  transaction: plainTransaction,
  progress: mysqlProgress,
  parse: parseMysqlStatement,
  objects: mysqlObjects,
  lint: mysqlLint,
};

export { mysqlColumnType } from "./type-map.js";
