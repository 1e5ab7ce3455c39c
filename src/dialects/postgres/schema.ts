/**
 * A client's own PostgreSQL schema (`pgSchema`): the statement that creates it when missing. Every
 * other statement stays unqualified and reaches the schema through the connection's `search_path`,
 * which the driver sets, so one migration set serves every schema.
 */
import { quoteDoubleQuoted as q } from "../quote.js";
import type { Statement } from "../types.js";
import { dollarQuote } from "./ddl/constraints.js";

/**
 * Creates `schema` if it does not exist. `CREATE SCHEMA IF NOT EXISTS` races with itself (two
 * clients starting together both see no schema; the second fails on pg_namespace's unique index,
 * 23505, or with 42P06): either way the schema now exists, which is all this statement promises.
 *
 * @example createSchemaStatement("tenant_42") // → { sql: "DO $viborm$ … CREATE SCHEMA IF NOT EXISTS \"tenant_42\" …" }
 */
export function createSchemaStatement(schema: string): Statement {
  return {
    sql: `DO ${dollarQuote(`BEGIN
  CREATE SCHEMA IF NOT EXISTS ${q(schema)};
EXCEPTION WHEN unique_violation OR duplicate_schema THEN
  NULL;
END`)}`,
  };
}
