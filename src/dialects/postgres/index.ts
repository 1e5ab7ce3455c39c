/**
 * The PostgreSQL dialect: `timestamp(3) with time zone` for dates, `jsonb`, named enum types,
 * arrays, identity columns, transactional DDL, catalog-wide introspection from `pg_catalog`, and a
 * transaction-scoped advisory lock.
 */

import { inlineStatement, postgresInline } from "../inline.js";
import { quoteDoubleQuoted } from "../quote.js";
import { plainTransaction } from "../transaction.js";
import type { Dialect } from "../types.js";
import { postgresCounts } from "./counts.js";
import { postgresDdl } from "./ddl.js";
import { postgresIntrospectionQueries, readPostgres } from "./introspect.js";
import { postgresLint } from "./lint.js";
import { postgresLock } from "./lock.js";
import { normalizePostgres } from "./normalize.js";
import { postgresObjects } from "./objects.js";
import { parsePostgresStatement } from "./parse-ddl.js";
import { createSchemaStatement } from "./schema.js";
import { postgresTracking } from "./tracking.js";

/**
 * The PostgreSQL dialect (also PGlite and Neon).
 *
 * @example postgresDialect.ddl({ kind: "createEnum", enum: { name: "Role", values: ["USER"] } }, context)
 */
export const postgresDialect: Dialect = {
  name: "postgres",
  transactionalDdl: true,
  quote: quoteDoubleQuoted,
  normalize: normalizePostgres,
  ddl: postgresDdl,
  introspection: { queries: postgresIntrospectionQueries, read: readPostgres },
  tracking: postgresTracking,
  counts: postgresCounts,
  lock: postgresLock,
  inline: (statement) => inlineStatement(statement, postgresInline),
  transaction: plainTransaction,
  parse: parsePostgresStatement,
  objects: postgresObjects,
  lint: postgresLint,
  createSchema: createSchemaStatement,
};

export { columnType } from "./type-map.js";
