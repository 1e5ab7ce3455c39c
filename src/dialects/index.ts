/**
 * The dialect registry: a driver names its dialect, the runtime looks the dialect up here.
 */
import { mysqlDialect } from "./mysql/index.js";
import { postgresDialect } from "./postgres/index.js";
import { sqliteDialect } from "./sqlite/index.js";
import type { Dialect, DialectName } from "./types.js";

const DIALECTS = {
  postgres: postgresDialect,
  mysql: mysqlDialect,
  sqlite: sqliteDialect,
} as const satisfies Record<DialectName, Dialect>;

/** The dialect a driver speaks. */
export function getDialect(name: DialectName): Dialect {
  return DIALECTS[name];
}
